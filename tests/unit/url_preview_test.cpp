#include "previews/url_preview.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <netinet/in.h>
#include "temp_store.hpp"

#include <atomic>
#include <boost/asio.hpp>
#include <filesystem>
#include <map>
#include <thread>

#include "core/json.hpp"
#include "previews/html_meta.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace imhub {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// A tiny HTTP/1.0 server on 127.0.0.1 that answers each path with a canned response.
class TestHttpServer {
 public:
  TestHttpServer() : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    accept();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~TestHttpServer() {
    ioc_.stop();
    thread_.join();
  }
  int port() const { return acceptor_.local_endpoint().port(); }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port()) + path; }
  void page(const std::string& path, const std::string& body, const std::string& type = "text/html; charset=utf-8") {
    std::lock_guard lock(mu_);
    responses_[path] = "HTTP/1.0 200 OK\r\nContent-Type: " + type +
                       "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  void redirect(const std::string& path, const std::string& location) {
    std::lock_guard lock(mu_);
    responses_[path] = "HTTP/1.0 302 Found\r\nLocation: " + location + "\r\nContent-Length: 0\r\n\r\n";
  }
  int hits(const std::string& path) {
    std::lock_guard lock(mu_);
    return hits_[path];
  }

 private:
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket s) {
      if (!ec) serve(std::move(s));
      accept();
    });
  }
  void serve(tcp::socket s) {
    boost::system::error_code ec;
    asio::streambuf buf;
    asio::read_until(s, buf, "\r\n\r\n", ec);
    if (ec) return;
    std::istream in(&buf);
    std::string method, path;
    in >> method >> path;
    std::string response = "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n";
    {
      std::lock_guard lock(mu_);
      ++hits_[path];
      if (auto it = responses_.find(path); it != responses_.end()) response = it->second;
    }
    asio::write(s, asio::buffer(response), ec);
    s.shutdown(tcp::socket::shutdown_both, ec);
  }

  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::mutex mu_;
  std::map<std::string, std::string> responses_;
  std::map<std::string, int> hits_;
};

struct PreviewStore : TempStore {
  int64_t add_message(const std::string& text, const std::string& params = "") {
    return store->write_with([&](Conn& c) {
      return c
          .query_one(
              "INSERT INTO messages (chat_id, seq, author_id, text, params, system, created_at) "
              "VALUES (1, 1, 1, $1, $2, 0, 0) RETURNING id",
              {text, params})
          ->i64(0);
    });
  }
  Value params(int64_t id) {
    std::string p = store->read_with(
        [&](Conn& c) { return c.query_one("SELECT params FROM messages WHERE id = $1", {id})->str(0); });
    if (p.empty()) return Value();
    return *parse_json(p);
  }
};

FetchOptions loopback_ok() {
  FetchOptions o;
  o.allow_private = true;
  o.connect_timeout_ms = 2000;
  o.timeout_ms = 5000;
  return o;
}

const char* kSquirrelPage = R"(<!DOCTYPE html><html><head>
<meta charset="utf-8"><title>Plain title</title>
<meta name="description" content="plain description">
<meta property="og:title" content="Squirrel &amp; Co">
<meta content="Can find everything" property='og:description'>
<meta property="og:image" content="/logo.png">
</head><body><meta property="og:title" content="not this"></body></html>)";

// ---- pure parts ----

TEST(UrlPreview, FindUrls) {
  EXPECT_EQ(find_urls("see http://squirrel.com, and https://a.example/x?y=1."),
            (std::vector<std::string>{"http://squirrel.com", "https://a.example/x?y=1"}));
  EXPECT_EQ(find_urls("[URL=https://b.example/p]text[/URL]"), (std::vector<std::string>{"https://b.example/p"}));
  EXPECT_EQ(find_urls("(https://en.wikipedia.org/wiki/Foo_(bar))"),
            (std::vector<std::string>{"https://en.wikipedia.org/wiki/Foo_(bar)"}));
  EXPECT_EQ(find_urls("[code]http://hidden.example[/code] HTTP://Upper.example"),
            (std::vector<std::string>{"HTTP://Upper.example"}));
  EXPECT_TRUE(find_urls("no links, ftp://x.example, xhttp://y.example, http://").empty());
}

TEST(UrlPreview, ImageLinks) {
  EXPECT_TRUE(is_image_url("http://shelenkov.com/bitrix/images/mantis.jpg"));
  EXPECT_TRUE(is_image_url("https://x.example/a/B.PNG?size=2"));
  EXPECT_TRUE(is_image_url("https://x.example/anim.gif#t"));
  EXPECT_TRUE(is_image_url("https://x.example/photo.jpeg"));
  EXPECT_FALSE(is_image_url("https://x.example/page.html"));
  EXPECT_FALSE(is_image_url("https://x.example/?file=a.png"));
  EXPECT_FALSE(is_image_url("https://png.example"));
}

TEST(UrlPreview, HtmlMetaPrefersOpenGraph) {
  HtmlMeta m = parse_html_meta(kSquirrelPage);
  EXPECT_EQ(m.title, "Squirrel & Co");
  EXPECT_EQ(m.description, "Can find everything");
  EXPECT_EQ(m.image, "/logo.png");
  EXPECT_EQ(m.charset, "utf-8");
}

TEST(UrlPreview, HtmlMetaFallsBackAndTolerates) {
  HtmlMeta m = parse_html_meta(
      "<HTML><HEAD><!-- <title>commented</title> --><script>var t='<title>no</title>';</script>"
      "<TITLE>\n  Caf&eacute; &#8212;  the   &#x41;&lt;B&gt;  </TITLE>"
      "<META NAME=Description CONTENT=unquoted>"
      "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">");
  EXPECT_EQ(m.title, "Caf&eacute; \xE2\x80\x94 the A<B>");
  EXPECT_EQ(m.description, "unquoted");
  EXPECT_EQ(m.charset, "windows-1251");
  EXPECT_EQ(parse_html_meta("<title>unterminated").title, "unterminated");
  EXPECT_EQ(parse_html_meta("").title, "");
}

TEST(UrlPreview, PublicAddresses) {
  auto v4 = [](const char* ip) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    inet_pton(AF_INET, ip, &a.sin_addr);
    return is_public_address(reinterpret_cast<sockaddr*>(&a));
  };
  auto v6 = [](const char* ip) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    inet_pton(AF_INET6, ip, &a.sin6_addr);
    return is_public_address(reinterpret_cast<sockaddr*>(&a));
  };
  EXPECT_TRUE(v4("93.184.216.34"));
  EXPECT_TRUE(v4("8.8.8.8"));
  for (const char* ip : {"127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                         "169.254.169.254", "0.0.0.0", "100.64.0.1", "224.0.0.1", "255.255.255.255"})
    EXPECT_FALSE(v4(ip)) << ip;
  EXPECT_TRUE(v4("172.32.0.1"));
  EXPECT_TRUE(v6("2606:2800:220:1:248:1893:25c8:1946"));
  for (const char* ip : {"::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1",
                         "::ffff:10.0.0.1", "64:ff9b::a00:1", "2001:db8::1"})
    EXPECT_FALSE(v6(ip)) << ip;
  EXPECT_TRUE(v6("::ffff:8.8.8.8"));
}

TEST(UrlPreview, ResolveRelativeImage) {
  EXPECT_EQ(resolve_url("http://a.example/dir/page", "/logo.png"), "http://a.example/logo.png");
  EXPECT_EQ(resolve_url("http://a.example/dir/page", "img/x.png"), "http://a.example/dir/img/x.png");
  EXPECT_EQ(resolve_url("http://a.example/dir/page", "//cdn.example/x.png"), "http://cdn.example/x.png");
  EXPECT_EQ(resolve_url("http://a.example/", "https://b.example/y.png"), "https://b.example/y.png");
}

TEST(UrlPreview, ToUtf8) { EXPECT_EQ(to_utf8("\xcf\xf0\xe8\xe2\xe5\xf2", "windows-1251"), "Привет"); }

TEST(UrlPreview, ParamsShapeOfTheSpecExample) {
  UrlPreview p{5,          "http://squirrel.com", "page",
               "Squirrel", "Can find everything", "https://yastatic.net/morda-logo/i/share-logo-ru.png",
               0};
  Value params = Value::map();
  apply_preview_params(params, "http://squirrel.com", p);
  EXPECT_EQ(to_plain_json(params), to_plain_json(*parse_json(R"({"URL_ID": [5], "URL_ONLY": "Y", "ATTACH": [
    {"ID": "5", "BLOCKS": [{"RICH_LINK": [{"NAME": "Squirrel", "LINK": "http://squirrel.com",
      "DESC": "Can find everything", "PREVIEW": "https://yastatic.net/morda-logo/i/share-logo-ru.png"}]}],
     "COLOR": "transparent"}]})")));
}

TEST(UrlPreview, ParamsKeepOwnAttachAndReplaceOldPreview) {
  Value params = *parse_json(R"({"ATTACH": [{"ID": "1", "BLOCKS": [{"MESSAGE": "mine"}], "COLOR": "CHAT"},
    {"ID": "3", "BLOCKS": [{"RICH_LINK": [{"NAME": "old"}]}], "COLOR": "transparent"}], "URL_ID": [3], "URL_ONLY": "Y",
    "IS_EDITED": "Y"})");
  UrlPreview p{4, "https://x.example/a.png", "image", "", "", "", 0};
  apply_preview_params(params, "look https://x.example/a.png", p);
  EXPECT_EQ(to_plain_json(params), to_plain_json(*parse_json(R"({"URL_ID": [4], "ATTACH": [
    {"ID": "1", "BLOCKS": [{"MESSAGE": "mine"}], "COLOR": "CHAT"},
    {"ID": "4", "BLOCKS": [{"IMAGE": [{"NAME": "a.png", "LINK": "https://x.example/a.png"}]}], "COLOR": "transparent"}],
    "IS_EDITED": "Y"})")));
  apply_preview_params(params, "no link now", std::nullopt);
  EXPECT_EQ(to_plain_json(params),
            R"({"ATTACH":[{"ID":"1","BLOCKS":[{"MESSAGE":"mine"}],"COLOR":"CHAT"}],"IS_EDITED":"Y"})");
}

// ---- fetching ----

TEST(UrlPreview, FetchesAPageOnLoopbackWhenAllowed) {
  TestHttpServer server;
  server.page("/", kSquirrelPage);
  FetchResult r = fetch_url(server.url("/"), loopback_ok());
  ASSERT_TRUE(r.ok) << r.error;
  UrlPreview p = preview_from_page(server.url("/"), r);
  EXPECT_EQ(p.kind, "page");
  EXPECT_EQ(p.title, "Squirrel & Co");
  EXPECT_EQ(p.description, "Can find everything");
  EXPECT_EQ(p.image, server.url("/logo.png"));
}

TEST(UrlPreview, RefusesLoopbackByDefault) {
  TestHttpServer server;
  server.page("/", kSquirrelPage);
  FetchOptions o = loopback_ok();
  o.allow_private = false;
  FetchResult r = fetch_url(server.url("/"), o);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.refused);
  EXPECT_EQ(server.hits("/"), 0);
  // A host name that resolves to loopback is refused as well.
  r = fetch_url("http://localhost:" + std::to_string(server.port()) + "/", o);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(server.hits("/"), 0);
}

TEST(UrlPreview, RedirectsAreFollowedAndLimited) {
  TestHttpServer server;
  server.page("/final", kSquirrelPage);
  server.redirect("/r1", "/final");
  server.redirect("/loop", "/loop");
  FetchResult r = fetch_url(server.url("/r1"), loopback_ok());
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.effective_url, server.url("/final"));
  FetchOptions o = loopback_ok();
  o.max_redirects = 2;
  r = fetch_url(server.url("/loop"), o);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(server.hits("/loop"), 3);
  server.redirect("/ftp", "ftp://127.0.0.1/x");
  EXPECT_FALSE(fetch_url(server.url("/ftp"), loopback_ok()).ok);
}

TEST(UrlPreview, BodyIsCutAtMaxBytes) {
  TestHttpServer server;
  server.page("/big", std::string("<title>Big</title>") + std::string(200000, 'x'));
  FetchOptions o = loopback_ok();
  o.max_bytes = 4096;
  FetchResult r = fetch_url(server.url("/big"), o);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.body.size(), 4096u);
  EXPECT_EQ(preview_from_page(server.url("/big"), r).title, "Big");
}

TEST(UrlPreview, ErrorsAndNonHtmlGiveNoPreview) {
  TestHttpServer server;
  server.page("/json", R"({"title": "x"})", "application/json");
  server.page("/untitled", "<html><head></head><body>hi</body></html>");
  EXPECT_EQ(preview_from_page(server.url("/missing"), fetch_url(server.url("/missing"), loopback_ok())).kind, "none");
  EXPECT_EQ(preview_from_page(server.url("/json"), fetch_url(server.url("/json"), loopback_ok())).kind, "none");
  EXPECT_EQ(preview_from_page(server.url("/untitled"), fetch_url(server.url("/untitled"), loopback_ok())).kind, "none");
  EXPECT_FALSE(fetch_url("http://127.0.0.1:1/", loopback_ok()).ok);
}

TEST(UrlPreview, DeclaredCharsetIsConverted) {
  TestHttpServer server;
  server.page("/cp1251", "<title>\xcf\xf0\xe8\xe2\xe5\xf2</title>", "text/html; charset=windows-1251");
  UrlPreview p = preview_from_page(server.url("/cp1251"), fetch_url(server.url("/cp1251"), loopback_ok()));
  EXPECT_EQ(p.title, "Привет");
}

// ---- the previewer on a store ----

UrlPreviewOptions previewer_options(bool allow_private) {
  UrlPreviewOptions o;
  o.fetch = loopback_ok();
  o.fetch.allow_private = allow_private;
  o.workers = 1;
  return o;
}

TEST(UrlPreviewer, WritesTheRichLinkIntoTheMessage) {
  TestHttpServer server;
  server.page("/", kSquirrelPage);
  PreviewStore db;
  UrlPreviewer previewer(*db.store, previewer_options(true));
  std::vector<int64_t> updated;
  std::mutex mu;
  previewer.set_on_updated([&](int64_t id, int64_t) {
    std::lock_guard lock(mu);
    updated.push_back(id);
  });
  previewer.start();
  const std::string url = server.url("/");
  int64_t only = db.add_message(url);
  int64_t among = db.add_message("look at " + url + " please", R"({"IS_EDITED":"Y"})");
  int64_t none = db.add_message("no link here");
  previewer.enqueue(only, url);
  previewer.enqueue(among, "look at " + url + " please");
  previewer.enqueue(none, "no link here");
  previewer.wait_idle();

  Value p = db.params(only);
  ASSERT_TRUE(p.is_map());
  ASSERT_EQ(p["URL_ID"].size(), 1u);
  const int64_t url_id = p["URL_ID"].get_list()[0].get_int();
  EXPECT_EQ(p["URL_ONLY"].get_string(), "Y");
  EXPECT_EQ(to_plain_json(p["ATTACH"]),
            to_plain_json(*parse_json(R"([{"ID": ")" + std::to_string(url_id) +
                                      R"(", "BLOCKS": [{"RICH_LINK": [{"NAME": "Squirrel & Co", "LINK": ")" + url +
                                      R"(", "DESC": "Can find everything", "PREVIEW": ")" + server.url("/logo.png") +
                                      R"("}]}], "COLOR": "transparent"}])")));
  Value q = db.params(among);
  EXPECT_EQ(q.find("URL_ONLY"), nullptr);
  EXPECT_EQ(q["IS_EDITED"].get_string(), "Y");
  EXPECT_EQ(q["URL_ID"].get_list()[0].get_int(), url_id);  // the recent fetch is reused
  EXPECT_EQ(server.hits("/"), 1);
  EXPECT_TRUE(db.params(none).is_null());
  std::lock_guard lock(mu);
  EXPECT_EQ(updated.size(), 2u);
}

TEST(UrlPreviewer, ImageLinksAreNotFetched) {
  TestHttpServer server;
  PreviewStore db;
  UrlPreviewer previewer(*db.store, previewer_options(true));
  previewer.start();
  const std::string url = server.url("/pics/mantis.jpg");
  int64_t id = db.add_message(url);
  previewer.enqueue(id, url);
  previewer.wait_idle();
  Value p = db.params(id);
  EXPECT_EQ(to_plain_json(p["ATTACH"].get_list()[0]["BLOCKS"]),
            to_plain_json(*parse_json(R"([{"IMAGE": [{"NAME": "mantis.jpg", "LINK": ")" + url + R"("}]}])")));
  EXPECT_EQ(server.hits("/pics/mantis.jpg"), 0);
}

TEST(UrlPreviewer, LoopbackRefusedLeavesTheMessageAlone) {
  TestHttpServer server;
  server.page("/", kSquirrelPage);
  PreviewStore db;
  UrlPreviewer previewer(*db.store, previewer_options(false));
  previewer.start();
  int64_t id = db.add_message(server.url("/"));
  previewer.enqueue(id, server.url("/"));
  previewer.wait_idle();
  EXPECT_TRUE(db.params(id).is_null());
  EXPECT_EQ(server.hits("/"), 0);
}

TEST(UrlPreviewer, EditedAndDeletedMessages) {
  TestHttpServer server;
  server.page("/", kSquirrelPage);
  PreviewStore db;
  UrlPreviewer previewer(*db.store, previewer_options(true));
  previewer.start();
  const std::string url = server.url("/");
  int64_t id = db.add_message(url);
  previewer.enqueue(id, url);
  previewer.wait_idle();
  ASSERT_TRUE(db.params(id).find("URL_ID"));
  // Edited to text without the link: the preview goes.
  db.store->write([&](Conn& c) { c.exec("UPDATE messages SET text = 'plain now' WHERE id = $1", {id}); });
  previewer.enqueue(id, "plain now");
  previewer.wait_idle();
  EXPECT_TRUE(db.params(id).is_null());
  // A job for text that is no longer the message's (edited meanwhile) changes nothing.
  previewer.enqueue(id, url);
  previewer.wait_idle();
  EXPECT_TRUE(db.params(id).is_null());
  // Deleted messages are left alone.
  int64_t gone = db.add_message(url);
  db.store->write([&](Conn& c) { c.exec("UPDATE messages SET deleted = 1 WHERE id = $1", {gone}); });
  previewer.enqueue(gone, url);
  previewer.wait_idle();
  EXPECT_TRUE(db.params(gone).is_null());
}

TEST(UrlPreviewer, StoreReuseAndPrune) {
  PreviewStore db;
  db.store->write([](Conn& c) {
    insert_url_preview(c, UrlPreview{0, "http://a.example/", "page", "A", "", "", 100});
    insert_url_preview(c, UrlPreview{0, "http://a.example/", "page", "A2", "", "", 200});
    insert_url_preview(c, UrlPreview{0, "http://b.example/", "none", "", "", "", 300});
  });
  db.store->read([](Conn& c) {
    EXPECT_EQ(find_url_preview(c, "http://a.example/", 0)->title, "A2");
    EXPECT_FALSE(find_url_preview(c, "http://a.example/", 201).has_value());
    EXPECT_EQ(find_url_preview(c, "http://b.example/", 0)->kind, "none");
  });
  db.store->write([](Conn& c) { prune_url_previews(c, 1000); });
  db.store->read([](Conn& c) {
    EXPECT_FALSE(find_url_preview(c, "http://a.example/", 0).has_value());
    EXPECT_TRUE(find_url_preview(c, "http://b.example/", 0).has_value());  // the newest row stays
  });
  int64_t next = db.store->write_with([](Conn& c) {
    return insert_url_preview(c, UrlPreview{0, "http://c.example/", "none", "", "", "", 400}).id;
  });
  EXPECT_EQ(next, 4);
}

TEST(UrlPreviewer, DisabledDoesNothing) {
  PreviewStore db;
  UrlPreviewOptions o = previewer_options(true);
  o.enabled = false;
  UrlPreviewer previewer(*db.store, o);
  previewer.start();
  int64_t id = db.add_message("http://example.com/a.png");
  previewer.enqueue(id, "http://example.com/a.png");
  previewer.wait_idle();
  EXPECT_TRUE(db.params(id).is_null());
}

}  // namespace
}  // namespace imhub
