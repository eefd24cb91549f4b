#include "ops/process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/strings.hpp"
#include "ops/build_info.hpp"

namespace imhub {
namespace {

void gauge(std::string& out, const char* name, const char* help, const char* type, const std::string& value) {
  out +=
      std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " + value + "\n";
}

// The fields of /proc/self/stat after the command name (which may hold spaces): index 0 is
// field 3 (state) of proc(5).
std::vector<std::string> stat_fields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  std::vector<std::string> out;
  auto close = line.rfind(')');
  if (close == std::string::npos) return out;
  std::istringstream rest(line.substr(close + 2));
  for (std::string f; rest >> f;) out.push_back(f);
  return out;
}

// Seconds since the epoch when the machine booted (/proc/stat btime).
double boot_time() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double t = 0;
      in >> t;
      return t;
    }
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

size_t open_fds() {
  std::error_code ec;
  size_t n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec); !ec && it != std::filesystem::end(it);
       it.increment(ec))
    ++n;
  return n > 0 ? n - 1 : 0;  // less the descriptor of the listing itself
}

}  // namespace

void render_process_metrics(std::string& out) {
  const std::vector<std::string> f = stat_fields();
  if (f.size() < 22) return;
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  // proc(5): utime 14, stime 15, starttime 22, vsize 23, rss 24 (1-based; f[0] is field 3).
  const double cpu = (std::stod(f[11]) + std::stod(f[12])) / ticks;
  const double start = boot_time() + std::stod(f[19]) / ticks;
  gauge(out, "process_cpu_seconds_total", "User and system CPU time spent in seconds.", "counter", format_double(cpu));
  gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.", "gauge",
        std::to_string(static_cast<int64_t>(std::stod(f[21]) * page)));
  gauge(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge", f[20]);
  gauge(out, "process_open_fds", "Number of open file descriptors.", "gauge", std::to_string(open_fds()));
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0)
    gauge(out, "process_max_fds", "Maximum number of open file descriptors.", "gauge", std::to_string(lim.rlim_cur));
  gauge(out, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.", "gauge",
        format_double(start));
}

void render_build_info(std::string& out) {
  out += "# HELP imhub_build_info The version and git revision this binary was built from.\n";
  out += "# TYPE imhub_build_info gauge\n";
  out += "imhub_build_info{version=\"" + std::string(build_version()) + "\",revision=\"" +
         std::string(build_revision()) + "\"} 1\n";
}

}  // namespace imhub
