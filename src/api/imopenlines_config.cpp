// imopenlines.config.* and imopenlines.revision.get (scope `imopenlines`). Contract:
// protocol-openlines.md §2, §5.1–§5.2; reference imopenlines/openlines/imopenlines-config-*.md.
// The line itself (fields, queue) is openlines/line.hpp; here are the parameters and the shapes.
#include <algorithm>
#include <regex>

#include "api/common.hpp"
#include "core/error_catalog.hpp"
#include "openlines/line.hpp"
#include "openlines/session_flow.hpp"
#include "users/user.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/imopenlines/openlines/";

// Changing lines takes the right to modify them; imhub grants it to administrators.
void require_line_admin(const MethodCall& call) {
  if (!call.caller.is_admin) throw ApiError(errors::kOlConfigPermission);
}

// CONFIG_ID: a positive integer, else CONFIG_ID_EMPTY.
int64_t config_id(const MethodCall& call) {
  const Value& v = call.param("CONFIG_ID");
  auto id = v.is_scalar() ? v.to_int() : std::nullopt;
  if (!id || *id <= 0) throw ApiError(errors::kOlConfigIdEmpty);
  return *id;
}

// The read-only fields config.get shows between AUTO_EXPIRE_TIME and TEMPORARY.
void put_dates(Value& out, const OpenLine& line) {
  // Bitrix24 serialises its DateTime objects as empty JSON objects (the reference example).
  out["DATE_CREATE"] = Value::empty_object();
  out["DATE_MODIFY"] = Value::empty_object();
  out["MODIFY_USER_ID"] = std::to_string(line.modify_user_id);
}

// One field as config.get shows it (`settings` holds it so already).
const Value& field_of(const OpenLine& line, std::string_view name) {
  const Value* v = line.settings.find(name);
  return v ? *v : Value::null_value();
}

// QUEUE_USERS_FIELDS entry: the per-queue display fields; imhub has no per-queue names or
// avatars, so they are empty as on a portal where none were set.
Value queue_user_fields(bool numeric) {
  return Value::object({{"USER_NAME", Value()},
                        {"USER_WORK_POSITION", Value()},
                        {"USER_AVATAR", Value()},
                        {"USER_AVATAR_ID", numeric ? Value(int64_t{0}) : Value("0")}});
}

std::vector<QueueMember> shown_queue(Conn& c, const OpenLine& line, bool show_offline) {
  std::vector<QueueMember> members = queue_members(c, line);
  if (!show_offline)
    members.erase(std::remove_if(members.begin(), members.end(),
                                 [&](const QueueMember& m) { return !user_online(c, m.user_id); }),
                  members.end());
  return members;
}

Value config_object(Conn& c, const OpenLine& line, bool with_queue, bool show_offline) {
  Value out = Value::map();
  out["ID"] = std::to_string(line.id);
  for (const LineField& f : line_fields()) {
    if (f.name == "TEMPORARY") put_dates(out, line);
    out[f.name] = field_of(line, f.name);
  }
  if (!with_queue) return out;
  const std::vector<QueueMember> members = shown_queue(c, line, show_offline);
  Value queue = Value::list();
  Value full = Value::empty_object();
  Value fields = Value::empty_object();
  bool online = false;
  for (const QueueMember& m : members) {
    const std::string id = std::to_string(m.user_id);
    queue.push_back(Value(id));
    Value entry = Value::object({{"ID", Value(std::to_string(m.entry_id))},
                                 {"SORT", Value(std::to_string(m.sort))},
                                 {"USER_ID", Value(id)},
                                 {"DEPARTMENT_ID", Value(std::to_string(m.department_id))}});
    const Value f = queue_user_fields(false);
    for (size_t i = 0; i < f.get_map().size(); ++i) entry[f.get_map().key_at(i)] = f.get_map().value_at(i);
    full[id] = std::move(entry);
    fields[id] = f;
    online = online || user_online(c, m.user_id);
  }
  out["QUEUE"] = std::move(queue);
  out["QUEUE_FULL"] = std::move(full);
  out["QUEUE_USERS_FIELDS"] = std::move(fields);
  out["QUEUE_ONLINE"] = online ? "Y" : "N";
  return out;
}

bool flag_param(const MethodCall& call, std::string_view name, bool fallback) {
  const Value& v = call.param(name);
  if (!v.is_scalar()) return fallback;
  const std::string s = to_upper(trim(v.to_string()));
  if (s == "N") return false;
  if (s == "Y") return true;
  return fallback;
}

MethodResult config_add(MethodCall& call) {
  require_line_admin(call);
  OpenLine line = new_line();
  apply_line_params(line, call.param("PARAMS"));
  const int64_t id = write_tx(call, [&](Tx& tx) { return insert_line(tx.conn, line, call.caller.user_id); });
  return Value(id);
}

MethodResult config_get(MethodCall& call) {
  const int64_t id = config_id(call);
  const bool with_queue = flag_param(call, "WITH_QUEUE", true);
  const bool show_offline = flag_param(call, "SHOW_OFFLINE", true);
  return call.services.store.read_with([&](Conn& c) -> Value {
    auto line = find_line(c, id);
    if (!line) return Value(false);
    return config_object(c, *line, with_queue, show_offline);
  });
}

MethodResult config_update(MethodCall& call) {
  const int64_t id = config_id(call);
  require_line_admin(call);
  const bool updated = write_tx(call, [&](Tx& tx) {
    auto line = find_line(tx.conn, id);
    if (!line) return false;
    const bool queue_given = apply_line_params(*line, call.param("PARAMS"));
    save_line(tx.conn, *line, call.caller.user_id, queue_given);
    return true;
  });
  return Value(updated);
}

MethodResult config_delete(MethodCall& call) {
  const int64_t id = config_id(call);
  require_line_admin(call);
  return Value(write_tx(call, [&](Tx& tx) { return delete_line(tx, id); }));
}

MethodResult config_path_get(MethodCall& call) {
  std::string server = call.services.config.public_url;
  while (!server.empty() && server.back() == '/') server.pop_back();
  return Value::object({{"SERVER_ADDRESS", Value(server)}, {"PUBLIC_PATH", Value("/contact_center/")}});
}

MethodResult revision_get(MethodCall&) {
  return Value::object({{"rest", Value(int64_t{2})}, {"web", Value(int64_t{1})}, {"mobile", Value(int64_t{1})}});
}

// --- imopenlines.config.list.get

[[noreturn]] void invalid(const std::string& what) { throw ApiError(errors::kOlInvalidFormat, what); }

// Fields list.get may select, order and filter by: every config field and the read-only ones.
bool listable_field(const std::string& name) {
  return name == "ID" || name == "DATE_CREATE" || name == "DATE_MODIFY" || name == "MODIFY_USER_ID" ||
         find_line_field(name) != nullptr;
}

bool valid_field_name(const std::string& name) {
  static const std::regex kName("^[A-Za-z_][A-Za-z0-9_.]*$");
  return std::regex_match(name, kName);
}

Value list_field(const OpenLine& line, const std::string& name) {
  if (name == "ID") return Value(std::to_string(line.id));
  if (name == "DATE_CREATE" || name == "DATE_MODIFY") return Value::empty_object();
  if (name == "MODIFY_USER_ID") return Value(std::to_string(line.modify_user_id));
  return field_of(line, name);
}

// Sorting and filtering compare as numbers when both sides are, as text otherwise.
int compare_values(const Value& a, const Value& b) {
  auto na = a.is_scalar() ? a.to_int() : std::nullopt;
  auto nb = b.is_scalar() ? b.to_int() : std::nullopt;
  if (na && nb) return *na < *nb ? -1 : *na > *nb ? 1 : 0;
  const std::string sa = a.to_string(), sb = b.to_string();
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

struct Condition {
  std::string op;  // "=", "!", ">", ">=", "<", "<="
  std::string field;
  Value value;
};

bool matches(const OpenLine& line, const Condition& cond) {
  const Value actual = list_field(line, cond.field);
  auto equal_any = [&] {
    if (cond.value.is_array()) {
      for (const Value* v : cond.value.elements())
        if (compare_values(actual, *v) == 0) return true;
      return false;
    }
    return compare_values(actual, cond.value) == 0;
  };
  if (cond.op == "=") return equal_any();
  if (cond.op == "!") return !equal_any();
  const int cmp = compare_values(actual, cond.value);
  if (cond.op == ">") return cmp > 0;
  if (cond.op == ">=") return cmp >= 0;
  if (cond.op == "<") return cmp < 0;
  return cmp <= 0;
}

Condition read_condition(const std::string& key, const Value& value) {
  static const std::regex kKey("^(=|!=|!|>=|<=|>|<)?(.*)$");
  std::smatch m;
  std::regex_match(key, m, kKey);
  Condition c;
  c.op = m[1].str().empty() ? "=" : m[1].str() == "!=" ? "!" : m[1].str();
  c.field = to_upper(m[2].str());
  c.value = value;
  if (c.field.empty() || !valid_field_name(c.field))
    invalid("A wrong field name is passed in the PARAMS field 'filter'");
  if (!listable_field(c.field)) invalid("An unknown field '" + c.field + "' is passed in the PARAMS field 'filter'");
  return c;
}

std::optional<int64_t> non_negative(const Value& v) {
  auto n = v.is_scalar() ? v.to_int() : std::nullopt;
  if (!n || *n < 0) return std::nullopt;
  return n;
}

struct Selected {
  std::string key;    // the key in the result (the alias, or the field)
  std::string field;  // upper case
};

MethodResult config_list_get(MethodCall& call) {
  const Value& params = call.param("PARAMS");
  const Value& options = call.param("OPTIONS");
  if (!params.is_null() && !params.is_map() && !(params.is_string() && params.get_string().empty()))
    invalid("A wrong format for the PARAMS field is passed");
  std::vector<Selected> select;
  std::vector<std::pair<std::string, bool>> order;  // field, descending
  std::vector<Condition> filter;
  int64_t limit = 50, offset = 0;
  if (params.is_map()) {
    std::string unsupported;
    const auto& m = params.get_map();
    for (size_t i = 0; i < m.size(); ++i) {
      const std::string key = to_lower(m.key_at(i));
      if (key != "select" && key != "order" && key != "filter" && key != "limit" && key != "offset")
        unsupported += (unsupported.empty() ? "" : ", ") + m.key_at(i);
    }
    if (!unsupported.empty()) invalid("Unsupported PARAMS fields are passed: " + unsupported);
    if (const Value* s = params.find_ci("select"); s && !s->is_null()) {
      if (!s->is_array()) invalid("A wrong format for the PARAMS field 'select' is passed");
      const bool listed = s->is_list() || (s->is_map() && s->get_map().is_sequential());
      for (size_t i = 0; i < s->size(); ++i) {
        const Value& item = s->is_list() ? s->get_list()[i] : s->get_map().value_at(i);
        const std::string field = to_upper(trim(item.to_string()));
        if (!item.is_scalar() || field.empty() || !valid_field_name(field))
          invalid("A wrong field name is passed in the PARAMS field 'select'");
        if (!listable_field(field)) invalid("An unknown field '" + field + "' is passed in the PARAMS field 'select'");
        std::string key = field;
        if (!listed) {
          key = s->get_map().key_at(i);
          if (!valid_field_name(key)) invalid("A wrong field alias is passed in the PARAMS field 'select'");
          if (listable_field(to_upper(key)))
            invalid("The alias '" + key + "' matches an existing field in the PARAMS field 'select'");
        }
        select.push_back(Selected{key, field});
      }
    }
    if (const Value* o = params.find_ci("order"); o && !o->is_null()) {
      if (!o->is_map()) invalid("A wrong format for the PARAMS field 'order' is passed");
      for (size_t i = 0; i < o->get_map().size(); ++i) {
        const std::string field = to_upper(trim(o->get_map().key_at(i)));
        if (field.empty() || !valid_field_name(field))
          invalid("A wrong field name is passed in the PARAMS field 'order'");
        if (!listable_field(field)) invalid("An unknown field '" + field + "' is passed in the PARAMS field 'order'");
        const std::string dir = to_upper(trim(o->get_map().value_at(i).to_string()));
        if (dir != "ASC" && dir != "DESC") invalid("A wrong sorting direction is passed in the PARAMS field 'order'");
        order.emplace_back(field, dir == "DESC");
      }
    }
    if (const Value* f = params.find_ci("filter"); f && !f->is_null()) {
      if (!f->is_map()) invalid("A wrong format for the PARAMS field 'filter' is passed");
      for (size_t i = 0; i < f->get_map().size(); ++i)
        filter.push_back(read_condition(std::string(trim(f->get_map().key_at(i))), f->get_map().value_at(i)));
    }
    if (const Value* l = params.find_ci("limit"); l && !l->is_null()) {
      auto n = non_negative(*l);
      if (!n) invalid("A non-negative integer is expected in the PARAMS field 'limit'");
      limit = std::min<int64_t>(*n, 200);
    }
    if (const Value* o = params.find_ci("offset"); o && !o->is_null()) {
      auto n = non_negative(*o);
      if (!n) invalid("A non-negative integer is expected in the PARAMS field 'offset'");
      offset = *n;
    }
  }
  bool want_queue = false, want_config_queue = false, only_modifiable = false;
  if (options.is_map()) {
    std::string unsupported;
    for (size_t i = 0; i < options.get_map().size(); ++i) {
      const std::string key = to_upper(options.get_map().key_at(i));
      if (key != "QUEUE" && key != "CONFIG_QUEUE" && key != "CHECK_PERMISSION")
        unsupported += (unsupported.empty() ? "" : ", ") + options.get_map().key_at(i);
    }
    if (!unsupported.empty()) invalid("Unsupported OPTIONS fields are passed: " + unsupported);
    if (const Value* q = options.find_ci("QUEUE")) {
      if (!q->is_scalar() && !q->is_null()) invalid("A wrong format for the OPTIONS field 'QUEUE' is passed");
      want_queue = q->is_yes();
    }
    if (const Value* q = options.find_ci("CONFIG_QUEUE")) {
      if (!q->is_scalar() && !q->is_null()) invalid("A wrong format for the OPTIONS field 'CONFIG_QUEUE' is passed");
      want_config_queue = q->is_yes();
    }
    if (const Value* p = options.find_ci("CHECK_PERMISSION"); p && !p->is_null()) {
      const std::string action = to_lower(trim(p->to_string()));
      if (action != "view" && action != "modify")
        invalid("An unknown value for the OPTIONS field 'CHECK_PERMISSION' is passed");
      only_modifiable = action == "modify" && !call.caller.is_admin;
    }
  }
  if (select.empty()) {
    select.push_back(Selected{"ID", "ID"});
    for (const LineField& f : line_fields()) select.push_back(Selected{std::string(f.name), std::string(f.name)});
  }
  return call.services.store.read_with([&](Conn& c) -> Value {
    std::vector<OpenLine> lines = all_lines(c);
    if (only_modifiable) lines.clear();
    lines.erase(std::remove_if(lines.begin(), lines.end(),
                               [&](const OpenLine& l) {
                                 for (const Condition& cond : filter)
                                   if (!matches(l, cond)) return true;
                                 return false;
                               }),
                lines.end());
    if (!order.empty())
      std::stable_sort(lines.begin(), lines.end(), [&](const OpenLine& a, const OpenLine& b) {
        for (const auto& [field, desc] : order) {
          const int cmp = compare_values(list_field(a, field), list_field(b, field));
          if (cmp != 0) return desc ? cmp > 0 : cmp < 0;
        }
        return false;
      });
    Value out = Value::list();
    for (size_t i = static_cast<size_t>(offset); i < lines.size() && static_cast<int64_t>(out.size()) < limit; ++i) {
      const OpenLine& line = lines[i];
      Value item = Value::map();
      for (const Selected& s : select) item[s.key] = list_field(line, s.field);
      if (want_queue) {
        Value queue = Value::list();
        Value fields = Value::empty_object();
        for (const QueueMember& m : queue_members(c, line)) {
          queue.push_back(Value(m.user_id));
          fields[std::to_string(m.user_id)] = queue_user_fields(true);
        }
        item["QUEUE"] = std::move(queue);
        item["QUEUE_USERS_FIELDS"] = std::move(fields);
      }
      if (want_config_queue) {
        Value config_queue = Value::list();
        for (const QueueEntry& e : line.queue)
          config_queue.push_back(Value::object(
              {{"ENTITY_ID", Value(std::to_string(e.entity_id))}, {"ENTITY_TYPE", Value(e.entity_type)}}));
        item["CONFIG_QUEUE"] = std::move(config_queue);
      }
      out.push_back(std::move(item));
    }
    return out;
  });
}

}  // namespace

void register_imopenlines_config_methods(Registry& r) {
  const MethodTable table{r, "imopenlines", kDoc};
  const std::string stored =
      "every field of PARAMS is stored and shown back; CRM_*, forms (*_FORM_ID), KPI_*, CATEGORY_*, AGREEMENT_*, "
      "QUICK_ANSWERS_IBLOCK_ID, LANGUAGE_ID and TEMPORARY are kept without effect, and the *_RULE values form and "
      "bot act as none (docs/openlines.md); only administrators may change lines";
  table.add("imopenlines.revision.get", Effect::kRead, revision_get, "imopenlines-revision-get.md");
  table.add("imopenlines.config.add", Effect::kWrite, config_add, "imopenlines-config-add.md", stored);
  table.add("imopenlines.config.get", Effect::kRead, config_get, "imopenlines-config-get.md",
            "DATE_CREATE and DATE_MODIFY are empty objects, as Bitrix24 serialises its dates; QUEUE_USERS_FIELDS "
            "hold no per-queue names or avatars");
  table.add("imopenlines.config.list.get", Effect::kRead, config_list_get, "imopenlines-config-list-get.md",
            "CHECK_PERMISSION: view lists every line, modify only for administrators");
  table.add("imopenlines.config.update", Effect::kWrite, config_update, "imopenlines-config-update.md", stored);
  table.add("imopenlines.config.delete", Effect::kWrite, config_delete, "imopenlines-config-delete.md",
            "open sessions of the line are closed");
  table.add("imopenlines.config.path.get", Effect::kRead, config_path_get, "imopenlines-config-path-get.md",
            "imhub serves no page at PUBLIC_PATH yet");
}

}  // namespace imhub
