// The push WebSocket's Origin check (http/origin_check.hpp), answered before the handshake: an
// upgrade carrying the session cookie from a foreign page gets 403 and the connection closes.
// Included by http/websocket.cpp only (Beast templates stay in that translation unit).
#pragma once

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/write.hpp>

#include "core/error_catalog.hpp"
#include "core/json.hpp"
#include "http/origin_check.hpp"
#include "http/websocket.hpp"

namespace imhub {

// True when the upgrade was refused (the answer is written; the caller just returns).
template <class Stream>
boost::asio::awaitable<bool, PushExecutor> refused_cross_origin(Stream& stream, const PushRequest& request,
                                                                const Config& config) {
  namespace http = boost::beast::http;
  const auto cookie = request[http::field::cookie];
  const auto origin = request[http::field::origin];
  if (!cross_origin_session(config, std::string_view(cookie.data(), cookie.size()),
                            std::string_view(origin.data(), origin.size())))
    co_return false;
  const ErrorSpec& e = errors::kCrossOrigin;
  http::response<http::string_body> res{static_cast<http::status>(e.status), request.version()};
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.set(http::field::connection, "close");
  res.body() = to_json(Value::object({{"error", Value(e.code)}, {"error_description", Value(e.description)}}));
  res.prepare_payload();
  boost::beast::error_code ec;
  co_await http::async_write(stream, res,
                             boost::asio::redirect_error(boost::asio::use_awaitable_t<PushExecutor>{}, ec));
  co_return true;
}

}  // namespace imhub
