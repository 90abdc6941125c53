// The atbackfill executable as a child process, for tests that kill and restart it.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace atbackfill::testing {

class DaemonProcess {
 public:
  // Starts `binary args...` with the current environment plus `env`, stdout and stderr
  // appended to `log_path`. Throws std::runtime_error when it cannot be started.
  DaemonProcess(const std::string& binary, const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env, const std::string& log_path);
  ~DaemonProcess();  // SIGKILLs the process if it is still running
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Safe from any thread (e.g. a fixture's request callback), also after the process ended.
  void send_signal(int signal_number) const;
  // The exit status (128 + N when killed by signal N), or nullopt if still running at the deadline.
  std::optional<int> wait_for(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  std::atomic<bool> reaped_{false};
  int status_ = 0;
};

// Runs `binary args...` to completion (with a deadline, after which it is killed) and returns
// its exit status.
int run_to_completion(const std::string& binary, const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env, const std::string& log_path,
                      std::chrono::milliseconds timeout);

std::string read_file(const std::string& path);

}  // namespace atbackfill::testing
