// clamd's INSTREAM command (clamd(8)): the bytes go to the daemon in chunks over its socket and it answers what it
// found. Through the socket rather than clamscan, so the signature database is loaded once, by clamd, and a scan
// costs what reading the file costs.
#pragma once

#include <string>

#include "config/daemon_config.h"

namespace omnigate {

struct ScanVerdict {
    enum class Outcome { Clean, Infected, Failed };
    Outcome outcome = Outcome::Failed;
    std::string detail;  // Infected: the signature's name ("Eicar-Test-Signature"); Failed: what went wrong
};

class VirusScanner {
public:
    explicit VirusScanner(AntivirusConfig config);

    // Never throws: a clamd that cannot be reached, times out or answers an error is a Failed verdict.
    ScanVerdict scan(const std::string& bytes) const;

    const AntivirusConfig& config() const { return config_; }

private:
    AntivirusConfig config_;
};

}  // namespace omnigate
