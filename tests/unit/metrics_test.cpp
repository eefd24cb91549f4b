// Metrics: REST calls per method and error code, per-method histograms, HTTP statuses apart.
#include <gtest/gtest.h>

#include <thread>

#include "ops/metrics.hpp"

namespace imhub {
namespace {

TEST(Metrics, CountsCallsPerMethodAndErrorAcrossThreads) {
  Metrics m;
  m.name_methods({"profile", "im.message.add"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) m.observe_call(0, "", 0.0001);
      m.observe_call(1, "DIALOG_ID_EMPTY", 0.002);
    });
  for (auto& th : threads) th.join();
  m.observe_call(1, "", 3.0);
  m.observe_call(7, "", 1.0);  // out of range: ignored, never a crash
  m.observe_request("healthz", 200, 0.001);
  const std::string out = m.render(StoreStats{});
  EXPECT_NE(out.find("imhub_requests_total{method=\"profile\",error=\"\"} 8000\n"), std::string::npos) << out;
  EXPECT_NE(out.find("imhub_requests_total{method=\"im.message.add\",error=\"\"} 1\n"), std::string::npos);
  EXPECT_NE(out.find("imhub_requests_total{method=\"im.message.add\",error=\"DIALOG_ID_EMPTY\"} 8\n"),
            std::string::npos);
  EXPECT_NE(out.find("imhub_request_duration_seconds_bucket{method=\"profile\",le=\"0.0005\"} 8000\n"),
            std::string::npos);
  EXPECT_NE(out.find("imhub_request_duration_seconds_bucket{method=\"im.message.add\",le=\"2.5\"} 8\n"),
            std::string::npos);
  EXPECT_NE(out.find("imhub_request_duration_seconds_bucket{method=\"im.message.add\",le=\"+Inf\"} 9\n"),
            std::string::npos);
  EXPECT_NE(out.find("imhub_request_duration_seconds_count{method=\"im.message.add\"} 9\n"), std::string::npos);
  EXPECT_NE(out.find("imhub_http_responses_total{status=\"200\"} 1\n"), std::string::npos);
  EXPECT_EQ(out.find("healthz"), std::string::npos);
  EXPECT_NE(out.find("process_resident_memory_bytes "), std::string::npos);
  EXPECT_NE(out.find("imhub_build_info{version=\""), std::string::npos);
}

}  // namespace
}  // namespace imhub
