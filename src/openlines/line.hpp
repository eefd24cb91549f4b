// An open line — a "config" in the platform's words (protocol-openlines.md §2; reference
// imopenlines/openlines/imopenlines-config-*.md): its settings, kept as one map of every
// documented field, and its queue of operators.
//
// Every field of imopenlines.config.add is stored and shown back by config.get, typed as the
// reference shows it (flags "Y"/"N", numbers as strings, lists, DEFAULT_OPERATOR_DATA as an
// object, XML_ID and the KPI lists null until set). What imhub acts on is listed in
// docs/openlines.md; the rest (CRM, forms, KPI, categories, agreements) is kept and echoed only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.hpp"
#include "store/store.hpp"

namespace imhub {

// Distribution of new sessions among a line's operators (QUEUE_TYPE).
inline constexpr std::string_view kQueueEvenly = "evenly";
inline constexpr std::string_view kQueueStrictly = "strictly";
inline constexpr std::string_view kQueueAll = "all";

// One QUEUE entry as configured: a user or a department (all of its users).
struct QueueEntry {
  int64_t id = 0;  // row id (QUEUE_FULL.ID)
  int sort = 0;
  std::string entity_type;  // "user" or "department"
  int64_t entity_id = 0;
};

// A user the queue resolves to, in queue order, each once.
struct QueueMember {
  int64_t user_id = 0;
  int64_t entry_id = 0;       // the entry that brought them in
  int sort = 0;               // position in the resolved queue
  int64_t department_id = 0;  // 0 when listed as a user
};

struct OpenLine {
  int64_t id = 0;
  // Every field of §2 but ID and the queue, as config.get shows it. LINE_NAME and ACTIVE live
  // here too (mirrored into columns for listing).
  Value settings = Value::map();
  std::vector<QueueEntry> queue;
  int64_t created_at = 0;
  int64_t modified_at = 0;
  int64_t modify_user_id = 0;

  std::string name() const { return text("LINE_NAME"); }
  bool active() const { return flag("ACTIVE"); }
  std::string text(std::string_view field) const;  // "" when unset
  int64_t number(std::string_view field) const;    // 0 when unset or not a number
  bool flag(std::string_view field) const;         // "Y"
};

// What a field holds (how input is normalised and how config.get shows it).
enum class LineFieldKind {
  kFlag,      // "Y" / "N"
  kNumber,    // a non-negative integer, shown as a string
  kText,      // any string
  kChoice,    // one of `choices`; anything else keeps the value it had
  kNullText,  // a string, null until set (XML_ID)
  kDays,      // a list (WORKTIME_DAYOFF: MO…SU; WORKTIME_HOLIDAYS: "DD.MM"), [""] when empty
  kNullList,  // a list of ids, null until set (KPI_*_LIST)
  kOperator,  // DEFAULT_OPERATOR_DATA: {NAME, AVATAR, AVATAR_ID}, [] when empty
};
struct LineField {
  std::string_view name;
  LineFieldKind kind;
  std::string_view initial;               // the value of a new line (for lists: comma-separated)
  std::vector<std::string_view> choices;  // kChoice
};
// Every settable field, in the order config.get shows them.
const std::vector<LineField>& line_fields();
const LineField* find_line_field(std::string_view name);  // upper-case name

// A line with every field at its initial value.
OpenLine new_line();
// Sets the fields `params` names (keys matched case-insensitively; unknown keys are ignored, as
// the platform ignores them). QUEUE, when given, replaces the queue: a list of {ENTITY_TYPE,
// ENTITY_ID} (or bare user ids). Returns whether QUEUE was given.
bool apply_line_params(OpenLine& line, const Value& params);

std::optional<OpenLine> find_line(Conn& c, int64_t id);
std::vector<OpenLine> all_lines(Conn& c);  // by id
// Inserts (fills id and the dates) with its queue.
int64_t insert_line(Conn& c, OpenLine& line, int64_t user_id);
// Saves settings and, when `with_queue`, the queue.
void save_line(Conn& c, OpenLine& line, int64_t user_id, bool with_queue);
// Removes the line, its queue and connector activations; false when there was none.
bool delete_line_rows(Conn& c, int64_t id);

// The users the queue resolves to (department entries expand to their users), in order, each
// once; users who do not exist, are inactive, bots or connector users are left out.
std::vector<QueueMember> queue_members(Conn& c, const OpenLine& line);
bool is_queue_operator(Conn& c, const OpenLine& line, int64_t user_id);
// Lines whose queue `user_id` is in.
std::vector<int64_t> lines_of_operator(Conn& c, int64_t user_id);

// Online now (active within the last 15 minutes, as user.get's IS_ONLINE).
bool user_online(Conn& c, int64_t user_id);

}  // namespace imhub
