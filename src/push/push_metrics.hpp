// The push server's lines of /metrics (docs/operations.md "Metrics"): connections per transport,
// channels, stored and queued messages, frames, slow-client drops, catch-ups, and the fan-out
// latency histogram (publish → frame written to the client). `imhub push status` reads them.
#pragma once

#include <string>

namespace imhub {

class PushHub;
class PushWatch;

// Appends Prometheus text; `watch` may be null.
void render_push_metrics(std::string& out, const PushHub& hub, const PushWatch* watch);

}  // namespace imhub
