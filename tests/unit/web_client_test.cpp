// The browser client's files (issue 13): which request paths may name a file, content types,
// Accept-Encoding and If-None-Match, loading a build into memory (and nothing outside it), and
// the routes that serve it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "http/web_client.hpp"
#include "http/web_routes.hpp"

namespace imhub {
namespace {

namespace fs = std::filesystem;

TEST(WebPath, PlainNamesAndSubfoldersPass) {
  EXPECT_TRUE(is_safe_web_path("assets/app-1a2B_c.js"));
  EXPECT_TRUE(is_safe_web_path("assets/fonts/inter-var.woff2"));
  EXPECT_TRUE(is_safe_web_path("index.html"));
  EXPECT_TRUE(is_safe_web_path("a~b@c+d.svg"));
}

TEST(WebPath, AnythingThatCouldLeaveTheRootIsRefused) {
  for (std::string_view bad :
       {"", "..", "../imhub.db", "assets/../x", "assets/..", "%2e%2e/x", "..%2fx", "a%2Fb", "a\\..\\b", "/etc/passwd",
        "assets//x.js", "assets/x.js/", ".env", "assets/.hidden", "a b.js", "a?b", "a#b", "a:b", "é.js"})
    EXPECT_FALSE(is_safe_web_path(bad)) << bad;
  EXPECT_FALSE(is_safe_web_path(std::string_view("a\0b.js", 6)));
  EXPECT_FALSE(is_safe_web_path(std::string(256, 'a')));
  EXPECT_TRUE(is_safe_web_path(std::string(255, 'a')));
}

TEST(WebContentType, ByExtension) {
  EXPECT_EQ(web_content_type("assets/a.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(web_content_type("assets/a.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(web_content_type("assets/a.svg"), "image/svg+xml");
  EXPECT_EQ(web_content_type("assets/a.woff2"), "font/woff2");
  EXPECT_EQ(web_content_type("assets/a.woff"), "font/woff");
  EXPECT_EQ(web_content_type("assets/a.png"), "image/png");
  EXPECT_EQ(web_content_type("assets/a.jpg"), "image/jpeg");
  EXPECT_EQ(web_content_type("assets/a.webp"), "image/webp");
  EXPECT_EQ(web_content_type("favicon.ico"), "image/x-icon");
  EXPECT_EQ(web_content_type("assets/a.json"), "application/json; charset=utf-8");
  EXPECT_EQ(web_content_type("assets/a.js.map"), "application/json; charset=utf-8");
  EXPECT_EQ(web_content_type("assets/a.wasm"), "application/wasm");
  EXPECT_EQ(web_content_type("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(web_content_type("assets/a.bin"), "application/octet-stream");
  EXPECT_EQ(web_content_type("assets.d/noext"), "application/octet-stream");
  EXPECT_TRUE(web_compressible("a.js"));
  EXPECT_TRUE(web_compressible("a.wasm"));
  EXPECT_FALSE(web_compressible("a.woff2"));
  EXPECT_FALSE(web_compressible("a.png"));
}

TEST(AcceptEncoding, ListedWithPositiveQualityOrThroughTheWildcard) {
  EXPECT_TRUE(accepts_coding("gzip, deflate, br", "br"));
  EXPECT_TRUE(accepts_coding("gzip, deflate, br", "gzip"));
  EXPECT_TRUE(accepts_coding("GZIP", "gzip"));
  EXPECT_TRUE(accepts_coding("br;q=0.5, gzip;q=1.0", "br"));
  EXPECT_FALSE(accepts_coding("gzip", "br"));
  EXPECT_FALSE(accepts_coding("", "gzip"));
  EXPECT_FALSE(accepts_coding("identity", "gzip"));
  EXPECT_FALSE(accepts_coding("br;q=0, gzip", "br"));
  EXPECT_FALSE(accepts_coding("br; q=0.000", "br"));
  EXPECT_TRUE(accepts_coding("br; q=0.001", "br"));
  EXPECT_TRUE(accepts_coding("*", "br"));
  EXPECT_FALSE(accepts_coding("*;q=0", "br"));
  EXPECT_FALSE(accepts_coding("*, br;q=0", "br"));  // a named coding wins over the wildcard
  EXPECT_FALSE(accepts_coding("brotli", "br"));
}

TEST(AcceptEncoding, ChoosesBrotliThenGzipThenIdentity) {
  WebFile f;
  f.identity = "plain";
  f.br = "b";
  f.gzip = "g";
  f.etag = "\"abc\"";
  EXPECT_EQ(choose_coding(f, "gzip, br"), WebCoding::kBrotli);
  EXPECT_EQ(choose_coding(f, "gzip"), WebCoding::kGzip);
  EXPECT_EQ(choose_coding(f, ""), WebCoding::kIdentity);
  EXPECT_EQ(coding_body(f, WebCoding::kGzip), "g");
  EXPECT_EQ(coding_etag(f, WebCoding::kBrotli), "\"abc-br\"");
  EXPECT_EQ(coding_etag(f, WebCoding::kGzip), "\"abc-gz\"");
  EXPECT_EQ(coding_etag(f, WebCoding::kIdentity), "\"abc\"");
  f.br.clear();  // no .br written (the file was small): gzip
  EXPECT_EQ(choose_coding(f, "br, gzip"), WebCoding::kGzip);
}

TEST(IfNoneMatch, WeakComparisonOfAnyListedTag) {
  EXPECT_TRUE(etag_matches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("\"x\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("*", "\"abc\""));
  EXPECT_FALSE(etag_matches("\"abc-br\"", "\"abc\""));
  EXPECT_FALSE(etag_matches("abc", "\"abc\""));
  EXPECT_FALSE(etag_matches("", "\"abc\""));
  EXPECT_FALSE(etag_matches("\"\"", "\"\""));
}

TEST(WebRoots, SourceTreeThenPackage) {
  const auto roots = default_web_roots("/src/imhub/build");
  ASSERT_EQ(roots.size(), 2u);
  EXPECT_EQ(roots[0], fs::path("/src/imhub/web/dist"));
  EXPECT_EQ(roots[1], fs::path("/src/imhub/share/imhub/web"));
  EXPECT_EQ(default_web_roots("/usr/bin")[1], fs::path("/usr/share/imhub/web"));
}

class WebClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("imhub-web-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    root_ = base_ / "dist";
    fs::create_directories(root_ / "assets" / "fonts");
    write(base_ / "secret.txt", "outside");
    write(root_ / "index.html", "<!doctype html><div id=app></div>");
    write(root_ / "index.html.gz", "GZ-INDEX");
    write(root_ / "assets" / "app-abc123.js", "console.log(1)");
    write(root_ / "assets" / "app-abc123.js.br", "BR");
    write(root_ / "assets" / "app-abc123.js.gz", "GZ");
    write(root_ / "assets" / "logo.png", "PNG");
    write(root_ / "assets" / "logo.png.gz", "not a variant of a png");
    write(root_ / "assets" / "fonts" / "inter.woff2", "WOFF2");
    write(root_ / "assets" / ".hidden.js", "hidden");
    write(root_ / "notes.txt", "only index.html, favicon.ico and assets/ are served");
    fs::create_symlink(base_ / "secret.txt", root_ / "assets" / "link.js");
    fs::create_directory_symlink(base_, root_ / "assets" / "up");
  }
  void TearDown() override { fs::remove_all(base_); }
  static void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

  fs::path base_, root_;
};

TEST_F(WebClientTest, LoadsIndexAndAssetsWithTheirVariants) {
  auto client = WebClient::load(root_);
  EXPECT_EQ(client->root(), fs::canonical(root_).string());
  EXPECT_EQ(client->index().identity, "<!doctype html><div id=app></div>");
  EXPECT_EQ(client->index().gzip, "GZ-INDEX");
  const WebFile* js = client->find("assets/app-abc123.js");
  ASSERT_NE(js, nullptr);
  EXPECT_EQ(js->identity, "console.log(1)");
  EXPECT_EQ(js->br, "BR");
  EXPECT_EQ(js->gzip, "GZ");
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_TRUE(js->compressible);
  EXPECT_EQ(js->etag.size(), 34u);
  ASSERT_NE(client->find("assets/fonts/inter.woff2"), nullptr);
  const WebFile* png = client->find("assets/logo.png");
  ASSERT_NE(png, nullptr);
  EXPECT_TRUE(png->gzip.empty());  // images are never sent with a content coding
  EXPECT_EQ(client->find("assets/app-abc123.js.br"), nullptr);
  EXPECT_EQ(client->find("favicon.ico"), nullptr);
  EXPECT_EQ(client->file_count(), 4u);  // index.html, app-abc123.js, logo.png, fonts/inter.woff2
}

TEST_F(WebClientTest, NothingOutsideTheRootNorLinksNorHiddenFiles) {
  auto client = WebClient::load(root_);
  EXPECT_EQ(client->find("assets/link.js"), nullptr);
  EXPECT_EQ(client->find("assets/up/secret.txt"), nullptr);
  EXPECT_EQ(client->find("assets/.hidden.js"), nullptr);
  EXPECT_EQ(client->find("notes.txt"), nullptr);
  EXPECT_EQ(client->find("../secret.txt"), nullptr);
}

TEST_F(WebClientTest, ADirectoryWithoutIndexIsRefused) {
  fs::remove(root_ / "index.html");
  EXPECT_THROW(WebClient::load(root_), std::runtime_error);
  EXPECT_THROW(WebClient::load(base_ / "missing"), std::runtime_error);
  EXPECT_THROW(open_web_client((base_ / "missing").string()), std::runtime_error);
  EXPECT_EQ(open_web_client("off"), nullptr);
}

HttpRequestView get(std::string path, std::string_view accept = "", std::string_view inm = "") {
  HttpRequestView r;
  r.verb = "GET";
  r.path = std::move(path);
  r.accept_encoding = accept;
  r.if_none_match = inm;
  return r;
}

std::string header(const HttpReply& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

TEST(WebRoutes, OnlyTheClientsPaths) {
  for (std::string_view p : {"/", "/login", "/online", "/online/x/y", "/devconsole", "/devconsole/x"})
    EXPECT_TRUE(is_client_page(p)) << p;
  for (std::string_view p : {"/onlinex", "/devconsolex", "/rest/x", "/auth/login", "/auth/session", "/oauth/token",
                             "/bitrix/subws", "/disk/download/1", "/avatar/a.png", "/healthz", "/metrics", "/assets"})
    EXPECT_FALSE(is_client_page(p)) << p;
}

TEST_F(WebClientTest, RoutesAnswerWithCachingAndCodings) {
  auto client = WebClient::load(root_);
  HttpRequestView post = get("/login");
  post.verb = "POST";
  EXPECT_FALSE(is_web_route(client.get(), post));  // a form POST to /login still signs in
  EXPECT_FALSE(is_web_route(nullptr, get("/login")));
  EXPECT_TRUE(is_web_route(client.get(), get("/assets/x")));
  EXPECT_FALSE(is_web_route(client.get(), get("/rest/profile")));

  HttpReply page = serve_web(*client, get("/online/chat"));
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.payload(), client->index().identity);
  EXPECT_EQ(header(page, "Cache-Control"), "no-cache");
  EXPECT_NE(header(page, "Content-Security-Policy").find("frame-ancestors 'self'"), std::string::npos);

  HttpReply js = serve_web(*client, get("/assets/app-abc123.js", "gzip, br"));
  EXPECT_EQ(js.payload(), "BR");
  EXPECT_EQ(header(js, "Content-Encoding"), "br");
  EXPECT_EQ(header(js, "Vary"), "Accept-Encoding");
  EXPECT_EQ(header(js, "Cache-Control"), "public, max-age=31536000, immutable");
  HttpReply again = serve_web(*client, get("/assets/app-abc123.js", "gzip, br", header(js, "ETag")));
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.payload().size(), 2u);  // the length a 200 would carry; the server sends no bytes
  EXPECT_EQ(serve_web(*client, get("/assets/app-abc123.js", "gzip", header(js, "ETag"))).status, 200);

  EXPECT_EQ(serve_web(*client, get("/assets/missing.js")).status, 404);
  EXPECT_EQ(serve_web(*client, get("/assets/../index.html")).status, 400);
  EXPECT_EQ(serve_web(*client, get("/assets/%2e%2e/secret.txt")).status, 400);
  EXPECT_EQ(serve_web(*client, get("/favicon.ico")).status, 404);
}

}  // namespace
}  // namespace imhub
