// /healthz: whether this node can serve reads and make writes durable, for load balancers.
//
// 200 only when the store answers a read, the writer's last commit succeeded (after a failed one,
// the check itself sends a small probe write, so the node comes back once writes work again) and
// the data directory's file system has at least store.min_free_bytes free. Otherwise 503, with the reason
// in the body, so a balancer takes the node out while every write would fail.
#pragma once

#include "rest/dispatcher.hpp"

namespace imhub {

HttpReply health_reply(Services& services);

}  // namespace imhub
