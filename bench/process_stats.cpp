#include "process_stats.h"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace omnigate::bench {

namespace {

double kilobytesField(const std::string& status, const std::string& name) {
    const std::size_t at = status.find(name + ":");
    if (at == std::string::npos) return 0;
    std::istringstream in(status.substr(at + name.size() + 1));
    double kb = 0;
    in >> kb;
    return kb / 1024.0;
}

}  // namespace

std::optional<ProcessSample> sampleProcess(int pid) {
    if (pid <= 0) return std::nullopt;
    const std::string dir = "/proc/" + std::to_string(pid);
    std::ifstream statFile(dir + "/stat");
    std::string stat;
    if (!std::getline(statFile, stat)) return std::nullopt;
    // The command name (field 2) may contain spaces and parentheses: count fields after its closing ')'.
    const std::size_t close = stat.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    unsigned long long utime = 0;
    unsigned long long stime = 0;
    for (int n = 3; fields >> field; ++n) {
        if (n == 14) utime = std::stoull(field);
        if (n == 15) {
            stime = std::stoull(field);
            break;
        }
    }
    std::ifstream statusFile(dir + "/status");
    std::stringstream status;
    status << statusFile.rdbuf();

    ProcessSample sample;
    sample.cpuSeconds = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
    sample.peakRssMb = kilobytesField(status.str(), "VmHWM");
    sample.rssMb = kilobytesField(status.str(), "VmRSS");
    return sample;
}

double machineBusyCpuSeconds() {
    std::ifstream statFile("/proc/stat");
    std::string cpu;
    statFile >> cpu;  // the first line sums all cores
    unsigned long long value = 0;
    unsigned long long busy = 0;
    // user nice system idle iowait irq softirq steal (guest times are already inside user and nice)
    for (int n = 0; n < 8 && statFile >> value; ++n) {
        if (n != 3 && n != 4) busy += value;
    }
    return static_cast<double>(busy) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

int cpuCount() { return static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)); }

double ownCpuSeconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace omnigate::bench
