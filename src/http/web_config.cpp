#include "http/web_config.hpp"

namespace imhub {

void describe_web_config(ConfigSchema& schema, Config& c) {
  // Whether the directory holds a client is checked when serve starts (http/web_client), not here:
  // the CLI reads the same file on machines that never serve.
  schema.section("web").text("root", c.web_root);
}

}  // namespace imhub
