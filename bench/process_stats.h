// The daemon's share of the machine, read from /proc: the bench, MariaDB, Mosquitto and the daemon share two
// cores, so CPU seconds per process say more about the daemon's cost than its throughput alone.
#pragma once

#include <optional>

namespace omnigate::bench {

struct ProcessSample {
    double cpuSeconds = 0;  // utime + stime since the process started
    double peakRssMb = 0;   // VmHWM: the resident set's high-water mark
    double rssMb = 0;       // VmRSS now
};

// Empty when the process is gone (or was never there).
std::optional<ProcessSample> sampleProcess(int pid);

// CPU seconds all cores spent busy since boot (/proc/stat): with the four programs' own times it shows how much
// else ran on the machine during the run (other people's builds and tests make a run noisy).
double machineBusyCpuSeconds();
int cpuCount();

// This process's own CPU seconds (the load generator is one of the four programs on the machine).
double ownCpuSeconds();

}  // namespace omnigate::bench
