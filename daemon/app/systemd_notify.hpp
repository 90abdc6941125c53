// sd_notify wrappers: READY=1 once the daemon serves, STOPPING=1 on shutdown, STATUS=...
#pragma once

#include <string>

namespace atbackfill::app {

// No-ops when not started by systemd (NOTIFY_SOCKET unset).
void notify_ready(const std::string& status);
void notify_stopping();
void notify_status(const std::string& status);

}  // namespace atbackfill::app
