// `imhub openlines …`: the open lines of a data directory (docs/openlines.md): `status` (sessions
// by phase and status, time to first answer: the numbers /metrics shows), `lines` (each line with
// its operators and open sessions), `sessions` (open ones, or the newest of every state with
// --all) and `close ID` (closes an open session at once, without the wait for the client, through the change
// feed, so the connector's application and the operators hear of it), `network LINE [--code C]`
// (gives the line a Bitrix24.Network code, a new random one unless given, for
// imopenlines.network.*).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "app.hpp"
#include "apps/event_chain.hpp"
#include "cli/commands.hpp"
#include "cli/store_session.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/json.hpp"
#include "openlines/line.hpp"
#include "openlines/livechat.hpp"
#include "openlines/network.hpp"
#include "openlines/openlines_stats.hpp"
#include "openlines/session.hpp"
#include "openlines/session_flow.hpp"

namespace imhub {
namespace {

struct OpenLinesCli {
  std::string data = "./data";
  int64_t line = 0;
  bool all = false;
  int limit = 100;
  int64_t session = 0;
  int64_t network_line = 0;
  std::string network_code;
  CLI::App* status = nullptr;
  CLI::App* lines = nullptr;
  CLI::App* sessions = nullptr;
  CLI::App* close = nullptr;
  CLI::App* network = nullptr;
};

Value session_json(const Session& s) {
  return Value::object({{"id", Value(s.id)},
                        {"line_id", Value(s.line_id)},
                        {"chat_id", Value(s.chat_id)},
                        {"client_id", Value(s.user_id)},
                        {"user_code", Value(s.user_code)},
                        {"status", Value(int64_t{s.status})},
                        {"closed", Value(s.closed)},
                        {"operator_id", Value(s.operator_id)},
                        {"answered", Value(s.answered)},
                        {"vote", Value(int64_t{s.vote})},  // the client's rating: 5 like, 1 dislike, 0 none
                        {"created", Value(atom_time(s.created_at))}});
}

Value status_json(const OpenLinesStats& s) {
  Value by_status = Value::empty_object();
  for (const auto& [status, n] : s.by_status) by_status[std::to_string(status)] = n;
  return Value::object({{"with_bot", Value(s.with_bot)},
                        {"waiting", Value(s.waiting)},
                        {"answered", Value(s.answered)},
                        {"by_status", by_status},
                        {"answered_last_hour", Value(s.answered_last_hour)},
                        {"first_answer_seconds", Value(s.first_answer_seconds)}});
}

Value lines_json(Conn& c) {
  Value out = Value::list();
  for (const OpenLine& line : all_lines(c)) {
    Value operators = Value::list();
    for (const QueueMember& m : queue_members(c, line)) operators.push_back(Value(m.user_id));
    out.push_back(
        Value::object({{"id", Value(line.id)},
                       {"name", Value(line.name())},
                       {"active", Value(line.active())},
                       {"queue_type", Value(line.text("QUEUE_TYPE"))},
                       {"operators", operators},
                       {"network_code", network_code_of(c, line.id) ? Value(*network_code_of(c, line.id)) : Value()},
                       {"open_sessions", Value(static_cast<int64_t>(open_sessions_of_line(c, line.id).size()))},
                       // The live chat's public code: /online/<code>, /livechat/loader.js?code=<code>.
                       {"livechat_code", Value(livechat_code(c, line.id).value_or(""))}}));
  }
  return Value::object({{"lines", out}});
}

Value sessions_json(Conn& c, const OpenLinesCli& o) {
  Value out = Value::list();
  std::string sql = "SELECT id FROM openline_sessions WHERE 1 = 1";
  SqlArgs args;
  if (!o.all) sql += " AND closed = 0";
  if (o.line > 0) {
    args.push_back(o.line);
    sql += " AND line_id = $" + std::to_string(args.size());
  }
  args.push_back(int64_t{o.limit});
  sql += " ORDER BY id DESC LIMIT $" + std::to_string(args.size());
  for (const Row& r : c.query(sql, args))
    if (auto s = find_session(c, r.i64(0))) out.push_back(session_json(*s));
  return Value::object({{"sessions", out}});
}

int run(const OpenLinesCli& o) {
  auto store = open_cli_store(o.data);
  Value out;
  if (*o.close) {
    // Closed by nobody in particular: a fresh event chain, as other CLI changes.
    ChangeFeed feed;
    subscribe_domain(feed);
    const bool closed = feed.write(*store, Cause{0, kEventSessionTtl, ""}, [&](Tx& tx) {
      auto s = find_session(tx.conn, o.session);
      return s && finish_session(tx, *s, 0, session_status::kClose) == FlowStatus::kOk;
    });
    store->close();
    if (!closed) throw std::runtime_error("no open session " + std::to_string(o.session));
    std::cout << to_plain_json(Value::object({{"session_id", Value(o.session)}, {"closed", Value(true)}})) << std::endl;
    return 0;
  }
  if (*o.network) {
    const std::string code = o.network_code.empty() ? random_hex(16) : o.network_code;
    if (!valid_network_code(code)) throw std::runtime_error("a network code is 32 letters or digits");
    const bool done = store->write_with([&](Conn& c) {
      if (!find_line(c, o.network_line)) throw std::runtime_error("no line " + std::to_string(o.network_line));
      return set_network_code(c, o.network_line, code);
    });
    store->close();
    if (!done) throw std::runtime_error("another line has that code");
    std::cout << to_plain_json(Value::object({{"line_id", Value(o.network_line)}, {"network_code", Value(code)}}))
              << std::endl;
    return 0;
  }
  out = store->read_with([&](Conn& c) {
    if (*o.status) return status_json(openlines_stats(c, now_unix_seconds()));
    if (*o.lines) return lines_json(c);
    return sessions_json(c, o);
  });
  store->close();
  std::cout << to_plain_json(out) << std::endl;
  return 0;
}

}  // namespace

void add_openlines_group(CLI::App& cli, CommandTable& table) {
  auto o = std::make_shared<OpenLinesCli>();
  auto* group = cli.add_subcommand("openlines", "open lines: sessions now, lines, closing a session, network codes");
  group->require_subcommand(1);
  o->status = group->add_subcommand("status", "open sessions by phase and status, time to first answer");
  o->lines = group->add_subcommand("lines", "every line with its operators and open sessions");
  o->sessions = group->add_subcommand("sessions", "open sessions, newest first");
  o->sessions->add_option("--line", o->line, "only this line's");
  o->sessions->add_flag("--all", o->all, "closed ones too");
  o->sessions->add_option("--limit", o->limit, "at most this many (default 100)");
  o->close = group->add_subcommand("close", "close an open session at once (no WAIT_CLIENT)");
  o->close->add_option("session_id", o->session, "session id (imhub openlines sessions)")->required();
  o->network = group->add_subcommand("network", "give a line a Bitrix24.Network code (imopenlines.network.*)");
  o->network->add_option("line_id", o->network_line, "line id (imhub openlines lines)")->required();
  o->network->add_option("--code", o->network_code, "the 32-character code (default: a new random one)");
  for (CLI::App* sub : {o->status, o->lines, o->sessions, o->close, o->network}) add_data_option(sub, o->data);
  table.add(group, [o] { return run(*o); });
}

}  // namespace imhub
