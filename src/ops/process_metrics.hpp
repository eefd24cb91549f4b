// The standard Prometheus process_* metrics for this process (resident and virtual memory, CPU
// seconds, open and maximum file descriptors, start time) read from /proc, and imhub_build_info.
#pragma once

#include <string>

namespace imhub {

void render_process_metrics(std::string& out);
void render_build_info(std::string& out);

}  // namespace imhub
