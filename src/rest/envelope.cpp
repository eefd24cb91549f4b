#include "rest/envelope.hpp"

#include "core/clock.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"

#include <cstdint>
#include <stdexcept>

namespace imhub {
namespace {

void xml_escape(std::string_view s, std::string& out) {
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
}

// PHP's XML output names list items <item>; other keys that are not XML names are made safe.
std::string xml_name(std::string_view key) {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9')) return "item";
  std::string out;
  for (char c : key) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    out += ok ? c : '_';
  }
  return out;
}

void xml_value(const Value& v, std::string& out) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      break;
    case Value::Kind::kBool:
      out += v.get_bool() ? "1" : "";
      break;
    case Value::Kind::kList:
      for (const Value& e : v.get_list()) {
        out += "<item>";
        xml_value(e, out);
        out += "</item>";
      }
      break;
    case Value::Kind::kMap: {
      const Map& m = v.get_map();
      for (size_t i = 0; i < m.size(); ++i) {
        std::string name = xml_name(m.key_at(i));
        out += '<' + name + '>';
        xml_value(m.value_at(i), out);
        out += "</" + name + '>';
      }
      break;
    }
    default:
      xml_escape(v.to_string(), out);
  }
}

}  // namespace

Value time_block(const Timing& t) {
  Value v = Value::map();
  v["start"] = t.start;
  v["finish"] = t.finish;
  v["duration"] = t.finish - t.start;
  v["processing"] = t.processing;
  v["date_start"] = atom_time(static_cast<int64_t>(t.start));
  v["date_finish"] = atom_time(static_cast<int64_t>(t.finish));
  v["operating_reset_at"] = t.operating_reset_at;
  v["operating"] = t.operating;
  return v;
}

Value success_body(const Value& result, std::optional<int64_t> next, std::optional<int64_t> total, const Value& time) {
  Value body = Value::map();
  body["result"] = result;
  if (next) body["next"] = *next;
  if (total) body["total"] = *total;
  body["time"] = time;
  return body;
}

Value error_body(const ApiError& e) {
  Value body = Value::map();
  body["error"] = e.code();
  body["error_description"] = e.description();
  if (e.extra().is_map()) {
    const Map& m = e.extra().get_map();
    for (size_t i = 0; i < m.size(); ++i) body[m.key_at(i)] = m.value_at(i);
  }
  return body;
}

Value result_value(Value result, std::string_view raw_result) {
  if (raw_result.empty()) return result;
  auto parsed = parse_json(raw_result, JsonLimits{.max_depth = 64, .max_keys = SIZE_MAX});
  if (!parsed) throw std::logic_error("a handler's raw result is not JSON");
  return std::move(*parsed);
}

std::string render_success(const Value& result, std::optional<int64_t> next, std::optional<int64_t> total,
                           const Timing& t, Transport transport, std::string_view raw_result) {
  if (transport == Transport::kXml)
    return to_xml(success_body(result_value(result, raw_result), next, total, time_block(t)));
  std::string out;
  out.reserve(320 + raw_result.size());
  out += "{\"result\":";
  if (raw_result.empty())
    write_json(result, out);
  else
    out += raw_result;
  if (next) out += ",\"next\":" + std::to_string(*next);
  if (total) out += ",\"total\":" + std::to_string(*total);
  // The time block written field by field: it is in every response, and a tree of eight keys
  // cost more than the rest of a small call.
  // The dates are digits, '-', ':', 'T' and '+': JSON text as they stand, appended without copies.
  auto put_date = [&out](double at) {
    out += '"';
    out += atom_time_cached(static_cast<int64_t>(at));
    out += '"';
  };
  out += ",\"time\":{\"start\":";
  if (!append_microsecond_time(t.start, out)) write_json(Value(t.start), out);
  out += ",\"finish\":";
  if (!append_microsecond_time(t.finish, out)) write_json(Value(t.finish), out);
  out += ",\"duration\":";
  write_json(Value(t.finish - t.start), out);
  out += ",\"processing\":";
  write_json(Value(t.processing), out);
  out += ",\"date_start\":";
  put_date(t.start);
  out += ",\"date_finish\":";
  put_date(t.finish);
  out += ",\"operating_reset_at\":";
  write_json(Value(t.operating_reset_at), out);
  out += ",\"operating\":";
  write_json(Value(t.operating), out);
  out += "}}";
  return out;
}

std::string to_xml(const Value& body) {
  std::string out = "<response>";
  xml_value(body, out);
  out += "</response>";
  return out;
}

std::string render(const Value& body, Transport transport) {
  return transport == Transport::kXml ? to_xml(body) : to_json(body);
}

const char* content_type_for(Transport transport) {
  return transport == Transport::kXml ? "text/xml; charset=utf-8" : "application/json; charset=utf-8";
}

}  // namespace imhub
