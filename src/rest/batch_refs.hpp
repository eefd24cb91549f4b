// `$result[cmd][KEY]…` references inside batch commands (protocol.md §4.2).
#pragma once

#include "core/value.hpp"

namespace imhub {

// The five accumulators of a running batch, keyed by command key.
struct BatchState {
  Value result = Value::map();
  Value result_error = Value::map();
  Value result_total = Value::map();
  Value result_next = Value::map();
  Value result_time = Value::map();
};

// Replaces references in every string value of `params` (recursively) using what earlier
// commands produced. A value that is exactly one reference takes the referenced value as is
// (it may be a list); a reference inside longer text is replaced by its scalar text.
void substitute_batch_refs(Value& params, const BatchState& state);

}  // namespace imhub
