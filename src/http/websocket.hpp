// The push server's WebSocket endpoint (protocol-push.md §3, §4.4, §6): JSON-RPC mode of server
// version 5 on imhub's own port. Boost.Beast's websocket, kept in this one translation unit.
// server.cpp hands a connection over once it has read an upgrade request for the push path.
#pragma once

#include <atomic>
#include <string_view>
#include <utility>  // before asio's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace imhub {

struct Services;

using PushExecutor = boost::asio::io_context::executor_type;
using PushSocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, PushExecutor>;
using PushRequest = boost::beast::http::request<boost::beast::http::string_body>;

// Whether `request` is a WebSocket upgrade for the push path that the server should hand over.
bool is_push_upgrade(const Services& services, std::string_view path, const PushRequest& request);

// Serves the socket until either side closes it or the server stops (stop_push_sockets; closed
// with 1001).
boost::asio::awaitable<void, PushExecutor> serve_push_socket(PushSocket& socket, PushRequest request,
                                                             Services& services, const std::atomic<bool>& stopping);
boost::asio::awaitable<void, PushExecutor> serve_push_socket(boost::beast::ssl_stream<PushSocket&>& socket,
                                                             PushRequest request, Services& services,
                                                             const std::atomic<bool>& stopping);

// Closes the push sockets served on `context` with 1001 (the server stops; any thread).
void stop_push_sockets(boost::asio::io_context& context);

}  // namespace imhub
