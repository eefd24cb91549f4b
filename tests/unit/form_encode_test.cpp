// The event body encoder against PHP's http_build_query. The golden strings below were produced
// by php-cli 8.2 from the same JSON (json_decode($case, true), then http_build_query); the
// second test repeats the comparison live on generated trees when `php` is installed
// (scripts/deps.sh installs php-cli).
#include "events/form_encode.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "core/json.hpp"

namespace imhub {
namespace {

struct Golden {
  const char* json;
  const char* php;
};

// clang-format off
const Golden kGolden[] = {
    {R"J({"event":"ONIMBOTMESSAGEADD","event_handler_id":17,"data":{"BOT":{"39":{"access_token":"abc.def~1","expires":1700003600,"expires_in":3600,"scope":"imbot,im","AUTH":{"access_token":"abc.def~1","user_id":39},"BOT_ID":39,"BOT_CODE":"echo bot"}},"PARAMS":{"MESSAGE":"Привет, [b]мир[/b]! 100% & more?","MESSAGE_ORIGINAL":"[USER=39]Echo[/USER], a+b=c","FROM_USER_ID":5,"DIALOG_ID":"chat12","SYSTEM":"N","MENTIONED_LIST":{"39":39},"ATTACH":[],"FILES":null,"PARAMS":{},"CHAT_USER_COUNT":3,"IS_MANAGER":false,"URL_PREVIEW":true},"USER":{"ID":"5","NAME":"Ann O'Neil","IS_BOT":"N"}},"ts":1700000000,"auth":{"access_token":"tok","domain":"im.example.org:8080","client_endpoint":"http://im.example.org:8080/rest/","member_id":"d897063e1ce7c5eb9f04b9751eef5915","application_token":"51856fefc120afa4b628cc82d3935cce"}})J",
     R"P(event=ONIMBOTMESSAGEADD&event_handler_id=17&data%5BBOT%5D%5B39%5D%5Baccess_token%5D=abc.def%7E1&data%5BBOT%5D%5B39%5D%5Bexpires%5D=1700003600&data%5BBOT%5D%5B39%5D%5Bexpires_in%5D=3600&data%5BBOT%5D%5B39%5D%5Bscope%5D=imbot%2Cim&data%5BBOT%5D%5B39%5D%5BAUTH%5D%5Baccess_token%5D=abc.def%7E1&data%5BBOT%5D%5B39%5D%5BAUTH%5D%5Buser_id%5D=39&data%5BBOT%5D%5B39%5D%5BBOT_ID%5D=39&data%5BBOT%5D%5B39%5D%5BBOT_CODE%5D=echo+bot&data%5BPARAMS%5D%5BMESSAGE%5D=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82%2C+%5Bb%5D%D0%BC%D0%B8%D1%80%5B%2Fb%5D%21+100%25+%26+more%3F&data%5BPARAMS%5D%5BMESSAGE_ORIGINAL%5D=%5BUSER%3D39%5DEcho%5B%2FUSER%5D%2C+a%2Bb%3Dc&data%5BPARAMS%5D%5BFROM_USER_ID%5D=5&data%5BPARAMS%5D%5BDIALOG_ID%5D=chat12&data%5BPARAMS%5D%5BSYSTEM%5D=N&data%5BPARAMS%5D%5BMENTIONED_LIST%5D%5B39%5D=39&data%5BPARAMS%5D%5BCHAT_USER_COUNT%5D=3&data%5BPARAMS%5D%5BIS_MANAGER%5D=0&data%5BPARAMS%5D%5BURL_PREVIEW%5D=1&data%5BUSER%5D%5BID%5D=5&data%5BUSER%5D%5BNAME%5D=Ann+O%27Neil&data%5BUSER%5D%5BIS_BOT%5D=N&ts=1700000000&auth%5Baccess_token%5D=tok&auth%5Bdomain%5D=im.example.org%3A8080&auth%5Bclient_endpoint%5D=http%3A%2F%2Fim.example.org%3A8080%2Frest%2F&auth%5Bmember_id%5D=d897063e1ce7c5eb9f04b9751eef5915&auth%5Bapplication_token%5D=51856fefc120afa4b628cc82d3935cce)P"},
    {R"J({"":"empty key","a b":{"c d":"e f","":"x"},"br[ack]et":"v","ключ":{"вложенный":"значение"},"tab\tnl\n":"\r\n"})J",
     R"P(=empty+key&a+b%5Bc+d%5D=e+f&a+b%5B%5D=x&br%5Back%5Det=v&%D0%BA%D0%BB%D1%8E%D1%87%5B%D0%B2%D0%BB%D0%BE%D0%B6%D0%B5%D0%BD%D0%BD%D1%8B%D0%B9%5D=%D0%B7%D0%BD%D0%B0%D1%87%D0%B5%D0%BD%D0%B8%D0%B5&tab%09nl%0A=%0D%0A)P"},
    {R"J({"list":["a",null,"c",[],["d",["e"]],{"k":null},{"k2":"v"}],"top":[null],"deep":{"a":{"b":{"c":{"d":{"e":"f"}}}}}})J",
     R"P(list%5B0%5D=a&list%5B2%5D=c&list%5B4%5D%5B0%5D=d&list%5B4%5D%5B1%5D%5B0%5D=e&list%5B6%5D%5Bk2%5D=v&deep%5Ba%5D%5Bb%5D%5Bc%5D%5Bd%5D%5Be%5D=f)P"},
    {R"J({"f1":1.5,"f2":0.1,"f3":100.0,"f4":1e20,"f5":1e-5,"f6":0.30000000000000004,"f7":123456789012345.0,"f8":-2.5e-10,"f9":12345678.9,"f10":-0.0,"i":-42,"big":9007199254740993,"t":true,"fa":false})J",
     R"P(f1=1.5&f2=0.1&f3=100&f4=1.0E%2B20&f5=1.0E-5&f6=0.3&f7=1.2345678901234E%2B14&f8=-2.5E-10&f9=12345678.9&f10=-0&i=-42&big=9007199254740993&t=1&fa=0)P"},
    {R"J({"chars":"~`!@#$%^&*()_+-={}|[]\\:\";'<>?,./ ","emoji":"😀","zero":"0","empty":"","space":" "})J",
     R"P(chars=%7E%60%21%40%23%24%25%5E%26%2A%28%29_%2B-%3D%7B%7D%7C%5B%5D%5C%3A%22%3B%27%3C%3E%3F%2C.%2F+&emoji=%F0%9F%98%80&zero=0&empty=&space=+)P"},
    {R"J(["x","y",{"z":1}])J",
     R"P(0=x&1=y&2%5Bz%5D=1)P"},
    {R"J({"COMMAND":{"7":{"COMMAND":"help","COMMAND_PARAMS":"me please","COMMAND_CONTEXT":"TEXTAREA","MESSAGE_ID":120}}})J",
     R"P(COMMAND%5B7%5D%5BCOMMAND%5D=help&COMMAND%5B7%5D%5BCOMMAND_PARAMS%5D=me+please&COMMAND%5B7%5D%5BCOMMAND_CONTEXT%5D=TEXTAREA&COMMAND%5B7%5D%5BMESSAGE_ID%5D=120)P"},
};
// clang-format on

Value parse(const char* json) {
  auto v = parse_json(json);
  EXPECT_TRUE(v) << json;
  return v ? *v : Value();
}

TEST(FormEncode, MatchesPhpGoldenStrings) {
  for (const Golden& g : kGolden) EXPECT_EQ(form_encode(parse(g.json)), g.php) << g.json;
}

TEST(FormEncode, NullsAndEmptyArraysVanish) {
  Value v = Value::map();
  v["a"] = Value();
  v["b"] = Value::list();
  v["c"] = Value::map();
  v["d"]["e"] = Value::list();
  EXPECT_EQ(form_encode(v), "");
  v["f"] = "";
  EXPECT_EQ(form_encode(v), "f=");
}

TEST(FormEncode, ScalarsBecomeStrings) {
  Value v = Value::map();
  v["t"] = true;
  v["f"] = false;
  v["i"] = int64_t{-7};
  v["d"] = 2.5;
  v["s"] = "a b";
  EXPECT_EQ(form_encode(v), "t=1&f=0&i=-7&d=2.5&s=a+b");
  EXPECT_EQ(form_encode(Value("scalar root")), "");
}

TEST(FormEncode, PhpFloatStrings) {
  EXPECT_EQ(php_float_string(1.0), "1");
  EXPECT_EQ(php_float_string(0.1), "0.1");
  EXPECT_EQ(php_float_string(1e20), "1.0E+20");
  EXPECT_EQ(php_float_string(1.25e-5), "1.25E-5");
  EXPECT_EQ(php_float_string(1e100), "1.0E+100");
  EXPECT_EQ(php_float_string(0.0001), "0.0001");
  EXPECT_EQ(php_float_string(-1.0 / 0.0), "-INF");
}

// Random trees: maps and lists nested a few levels, keys and strings drawn from an alphabet of
// reserved characters, spaces, digits, Cyrillic and emoji, scalars of every JSON type.
class TreeMaker {
 public:
  explicit TreeMaker(uint32_t seed) : rng_(seed) {}
  Value tree(int depth) {
    const int kind = pick(depth > 0 ? 9 : 6);
    switch (kind) {
      case 0:
        return Value();
      case 1:
        return Value(pick(2) == 0);
      case 2:
        return Value(static_cast<int64_t>(rng_() % 2000000) - 1000000);
      case 3:
        return Value(static_cast<double>(static_cast<int>(rng_() % 4000) - 2000) / 8.0);
      case 4:
      case 5:
        return Value(text());
      case 6: {
        Value l = Value::list();
        for (int i = pick(4); i > 0; --i) l.push_back(tree(depth - 1));
        return l;
      }
      default: {
        Value m = Value::map();
        for (int i = pick(5); i > 0; --i) {
          std::string k = text();
          if (!m.find(k)) m[k] = tree(depth - 1);
        }
        return m;
      }
    }
  }

 private:
  int pick(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }
  std::string text() {
    static const char* kPieces[] = {"a", "Z", "0", "7", " ", "+",  "&",  "=",  "%", "[", "]", "/", "?", "#", "~",
                                    "*", ".", "-", "_", "'", "\"", "\\", "\t", "ж", "Ё", "😀", "é", ",", ":", "ID"};
    std::string s;
    for (int i = pick(7); i > 0; --i) s += kPieces[pick(static_cast<int>(std::size(kPieces)))];
    return s;
  }
  std::mt19937 rng_;
};

std::string run_php(const std::string& cases_path) {
  const std::string cmd =
      "php -r '$f = fopen($argv[1], \"r\"); while (($l = fgets($f)) !== false) echo http_build_query("
      "json_decode($l, true)), \"\\n\";' " +
      cases_path;
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

TEST(FormEncode, MatchesLivePhpOnGeneratedTrees) {
  if (std::system("php -v >/dev/null 2>&1") != 0) GTEST_SKIP() << "php-cli not installed (scripts/deps.sh)";
  const auto path = std::filesystem::temp_directory_path() / ("imhub-form-" + std::to_string(::getpid()) + ".jsonl");
  TreeMaker maker(20261121);
  std::vector<Value> trees;
  {
    std::ofstream f(path);
    for (int i = 0; i < 400; ++i) {
      Value t = Value::map();
      t["data"] = maker.tree(4);
      t["k"] = maker.tree(2);
      trees.push_back(t);
      f << to_plain_json(t) << "\n";
    }
  }
  std::istringstream php(run_php(path.string()));
  std::filesystem::remove(path);
  std::string line;
  size_t i = 0;
  for (; std::getline(php, line); ++i) {
    ASSERT_LT(i, trees.size());
    EXPECT_EQ(form_encode(trees[i]), line) << to_plain_json(trees[i]);
  }
  EXPECT_EQ(i, trees.size());
}

}  // namespace
}  // namespace imhub
