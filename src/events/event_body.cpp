#include "events/event_body.hpp"

#include "events/form_encode.hpp"

namespace imhub {

namespace {

Value no_user_auth(const PortalIdentity& portal, const std::string& application_token) {
  Value auth = Value::object({{"domain", Value(portal.domain)},
                              {"client_endpoint", Value(portal.client_endpoint)},
                              {"server_endpoint", Value(portal.server_endpoint)},
                              {"member_id", Value(portal.member_id)}});
  if (!application_token.empty()) auth["application_token"] = application_token;
  return auth;
}

bool usable(const Value& token_map) { return token_map.is_map() && token_map.size() > 0; }

Value top_auth(const OutboxRow& row, const EventPayload& p, EventAuthIssuer* issuer, const PortalIdentity& portal) {
  // A webhook-registered bot (app 0) has no OAuth application: the no-user form with its
  // CLIENT_ID as application_token (protocol.md §9.5).
  if (issuer && row.app_id > 0) {
    Value auth = issuer->event_token_map(row.app_id, p.auth_user_id, p.send_refresh_token, p.event_ttl);
    if (usable(auth)) {
      if (!p.application_token.empty()) auth["application_token"] = p.application_token;
      return auth;
    }
    const std::string token = p.application_token.empty() ? issuer->application_token(row.app_id) : p.application_token;
    return no_user_auth(portal, token);
  }
  return no_user_auth(portal, p.application_token);
}

// data[BOT][<id>] becomes: the bot's token fields, AUTH (a copy of them), then what the entry
// already held (BOT_ID, BOT_CODE …), the order of the platform's onBotMessageAdd.
void fill_slot(Value& data, const TokenSlot& slot, const Value& tokens) {
  Value* at = &data;
  for (const std::string& part : slot.path) {
    if (!at->is_map()) *at = Value::map();
    at = &(*at)[part];
  }
  Value entry = tokens;
  entry["AUTH"] = tokens;
  if (at->is_map()) {
    const Map& old = at->get_map();
    for (size_t i = 0; i < old.size(); ++i)
      if (!entry.find(old.key_at(i))) entry[old.key_at(i)] = old.value_at(i);
  }
  *at = std::move(entry);
}

}  // namespace

PortalIdentity portal_identity(const std::string& public_url, const std::string& member_id) {
  PortalIdentity p;
  std::string base = public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string host = base;
  if (auto scheme = host.find("://"); scheme != std::string::npos) host = host.substr(scheme + 3);
  if (auto slash = host.find('/'); slash != std::string::npos) host = host.substr(0, slash);
  p.domain = host;
  p.client_endpoint = base + "/rest/";
  p.server_endpoint = p.client_endpoint;
  p.member_id = member_id;
  return p;
}

Value event_tree(const OutboxRow& row, EventPayload&& p, EventAuthIssuer* issuer, const PortalIdentity& portal,
                 int64_t ts) {
  Value data = std::move(p.data);
  if (issuer && row.app_id > 0) {
    for (const TokenSlot& slot : p.token_slots) {
      Value tokens = issuer->event_token_map(row.app_id, slot.user_id, true, p.event_ttl);
      if (usable(tokens)) fill_slot(data, slot, tokens);
    }
  }
  // Built key by key: an initializer list would copy the data tree.
  Value tree = Value::map();
  tree["event"] = row.event;
  tree["event_handler_id"] = row.event_handler_id;
  tree["data"] = std::move(data);
  tree["ts"] = ts;
  tree["auth"] = top_auth(row, p, issuer, portal);
  return tree;
}

std::string event_body(const OutboxRow& row, EventPayload&& p, EventAuthIssuer* issuer, const PortalIdentity& portal,
                       int64_t ts) {
  return form_encode(event_tree(row, std::move(p), issuer, portal, ts));
}

}  // namespace imhub
