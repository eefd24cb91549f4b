#include "ops/metrics.hpp"

#include <charconv>
#include <cmath>

#include "core/strings.hpp"
#include "ops/process_metrics.hpp"

namespace imhub {
namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

size_t bucket_of(double seconds) {
  size_t b = 0;
  while (b < Metrics::kLatencyBounds.size() && seconds > Metrics::kLatencyBounds[b]) ++b;
  return b;
}

// A bucket bound as Prometheus clients print it ("0.0005", not "5e-04").
std::string bound_label(double d) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
  return ec == std::errc() ? std::string(buf, end) : format_double(d);
}

// Label values come from the registry and the error catalogue; escaped anyway.
std::string label_value(std::string_view s) {
  std::string out;
  for (char c : s) out += (c == '"' || c == '\\' || c == '\n') ? '_' : c;
  return out;
}

// A histogram summed over shards, ready to render.
struct HistogramSum {
  std::array<uint64_t, Metrics::kBuckets> buckets{};
  uint64_t sum_ns = 0;
  uint64_t count() const {
    uint64_t n = 0;
    for (uint64_t b : buckets) n += b;
    return n;
  }
  void add(const Metrics::Histogram& h) {
    for (size_t i = 0; i < buckets.size(); ++i) buckets[i] += h.buckets[i].load(kRelaxed);
    sum_ns += h.sum_ns.load(kRelaxed);
  }
  // `labels` is "" or `method="x",`.
  void render(std::string& out, const std::string& name, const std::string& labels) const {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < buckets.size(); ++i) {
      cumulative += buckets[i];
      const std::string le = i < Metrics::kLatencyBounds.size() ? bound_label(Metrics::kLatencyBounds[i]) : "+Inf";
      out += name + "_bucket{" + labels + "le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
    }
    const std::string braces = labels.empty() ? "" : "{" + labels.substr(0, labels.size() - 1) + "}";
    out += name + "_sum" + braces + " " + format_double(static_cast<double>(sum_ns) / 1e9) + "\n";
    out += name + "_count" + braces + " " + std::to_string(cumulative) + "\n";
  }
};

}  // namespace

void Metrics::Histogram::observe(double seconds) {
  buckets[bucket_of(seconds)].fetch_add(1, kRelaxed);
  sum_ns.fetch_add(static_cast<uint64_t>(std::max(0.0, seconds) * 1e9), kRelaxed);
}

void Metrics::render_histogram(std::string& out, const std::string& name, const Histogram& h) {
  HistogramSum sum;
  sum.add(h);
  sum.render(out, name, "");
}

Metrics::Metrics() = default;
Metrics::~Metrics() = default;

Metrics::Shard& Metrics::my_shard() {
  static std::atomic<size_t> next{0};
  thread_local size_t index = next++ % kShards;
  return shards_[index];
}

void Metrics::name_methods(std::vector<std::string> names) {
  method_names_ = std::move(names);
  for (Shard& s : shards_) s.methods = std::make_unique<MethodCounters[]>(method_names_.size());
}

void Metrics::observe_call(size_t method, std::string_view error, double seconds) {
  if (method >= method_names_.size()) return;
  Shard& s = my_shard();
  MethodCounters& m = s.methods[method];
  m.latency.observe(seconds);
  if (error.empty()) {
    m.ok.fetch_add(1, kRelaxed);
    return;
  }
  std::lock_guard lock(s.errors_mu);
  auto& codes = s.errors[method];
  auto it = codes.find(error);
  if (it == codes.end()) it = codes.emplace(std::string(error), 0).first;
  ++it->second;
}

void Metrics::observe_request(const std::string& /*label*/, int status, double seconds) {
  Shard& s = my_shard();
  s.http_latency.observe(seconds);
  if (status >= 0 && status < kMaxStatus) s.statuses[static_cast<size_t>(status)].fetch_add(1, kRelaxed);
}

void Metrics::add_source(std::function<void(std::string&)> source) {
  std::lock_guard lock(sources_mu_);
  sources_.push_back(std::move(source));
}

void Metrics::render_calls(std::string& out) const {
  std::vector<uint64_t> ok(method_names_.size());
  std::vector<HistogramSum> latency(method_names_.size());
  std::map<size_t, std::map<std::string, uint64_t>> errors;
  for (const Shard& s : shards_) {
    for (size_t m = 0; m < method_names_.size(); ++m) {
      ok[m] += s.methods[m].ok.load(kRelaxed);
      latency[m].add(s.methods[m].latency);
    }
    std::lock_guard lock(s.errors_mu);
    for (const auto& [m, codes] : s.errors)
      for (const auto& [code, n] : codes) errors[m][code] += n;
  }
  out += "# HELP imhub_requests_total REST calls by method and the error code they answered (\"\" = success).\n";
  out += "# TYPE imhub_requests_total counter\n";
  auto line = [&](size_t m, const std::string& error, uint64_t n) {
    out += "imhub_requests_total{method=\"" + label_value(method_names_[m]) + "\",error=\"" + label_value(error) +
           "\"} " + std::to_string(n) + "\n";
  };
  for (size_t m = 0; m < method_names_.size(); ++m) {
    if (ok[m]) line(m, "", ok[m]);
    if (auto it = errors.find(m); it != errors.end())
      for (const auto& [code, n] : it->second) line(m, code, n);
  }
  out += "# HELP imhub_request_duration_seconds REST call latency by method.\n";
  out += "# TYPE imhub_request_duration_seconds histogram\n";
  for (size_t m = 0; m < method_names_.size(); ++m)
    if (latency[m].count())
      latency[m].render(out, "imhub_request_duration_seconds", "method=\"" + label_value(method_names_[m]) + "\",");
}

void Metrics::render_http(std::string& out) const {
  std::array<uint64_t, kMaxStatus> statuses{};
  HistogramSum latency;
  for (const Shard& s : shards_) {
    for (size_t i = 0; i < statuses.size(); ++i) statuses[i] += s.statuses[i].load(kRelaxed);
    latency.add(s.http_latency);
  }
  out += "# HELP imhub_http_responses_total HTTP responses of every kind by status.\n";
  out += "# TYPE imhub_http_responses_total counter\n";
  for (size_t i = 0; i < statuses.size(); ++i)
    if (statuses[i])
      out += "imhub_http_responses_total{status=\"" + std::to_string(i) + "\"} " + std::to_string(statuses[i]) + "\n";
  out += "# HELP imhub_http_request_duration_seconds HTTP request latency, read to written, of every kind.\n";
  out += "# TYPE imhub_http_request_duration_seconds histogram\n";
  latency.render(out, "imhub_http_request_duration_seconds", "");
}

std::string Metrics::render(const StoreStats& store) const {
  std::string out;
  render_calls(out);
  render_http(out);
  out += "# HELP imhub_open_connections HTTP connections currently open.\n# TYPE imhub_open_connections gauge\n";
  out += "imhub_open_connections " + std::to_string(open_connections_.load()) + "\n";
  out += "# HELP imhub_store_writer_queue_depth Write units waiting for the writer.\n";
  out += "# TYPE imhub_store_writer_queue_depth gauge\n";
  out += "imhub_store_writer_queue_depth " + std::to_string(store.writer_queue_depth) + "\n";
  out += "# HELP imhub_store_commits_total Group commits.\n# TYPE imhub_store_commits_total counter\n";
  out += "imhub_store_commits_total " + std::to_string(store.commits) + "\n";
  out += "# HELP imhub_store_commit_units Write units per group commit.\n";
  out += "# TYPE imhub_store_commit_units histogram\n";
  static const char* kBounds[] = {"1", "2", "4", "8", "16", "32", "64", "+Inf"};
  uint64_t cum = 0;
  for (size_t i = 0; i < store.batch_size_buckets.size() && i < 8; ++i) {
    cum += store.batch_size_buckets[i];
    out += std::string("imhub_store_commit_units_bucket{le=\"") + kBounds[i] + "\"} " + std::to_string(cum) + "\n";
  }
  out += "imhub_store_commit_units_sum " + std::to_string(store.units_committed) + "\n";
  out += "imhub_store_commit_units_count " + std::to_string(store.commits) + "\n";
  render_process_metrics(out);
  render_build_info(out);
  std::lock_guard lock(sources_mu_);
  for (const auto& source : sources_) source(out);
  return out;
}

}  // namespace imhub
