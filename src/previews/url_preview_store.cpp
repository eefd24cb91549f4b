#include "previews/url_preview_store.hpp"

#include <algorithm>
#include <set>

#include "core/json.hpp"
#include "core/strings.hpp"
#include "store/row_mapping.hpp"

namespace imhub {

namespace {

const RowMapping<UrlPreview> kPreviewRow{
    {"id", &UrlPreview::id},
    {"url", &UrlPreview::url},
    {"kind", &UrlPreview::kind},
    {"title", &UrlPreview::title},
    {"description", &UrlPreview::description},
    {"image", &UrlPreview::image},
    {"fetched_at", &UrlPreview::fetched_at},
};

UrlPreview row_to_preview(const Row& r) { return kPreviewRow.read(r); }

// The file name of an image link, for the IMAGE block's NAME.
std::string file_name(const std::string& url) {
  std::string_view u = url;
  u = u.substr(0, std::min(u.find('?'), u.find('#')));
  size_t slash = u.rfind('/');
  return std::string(slash == std::string_view::npos ? u : u.substr(slash + 1));
}

}  // namespace

std::optional<UrlPreview> find_url_preview(Conn& c, const std::string& url, int64_t since) {
  auto row = c.query_one(kPreviewRow.select("url_previews") +
                             "WHERE url = $1 AND fetched_at >= $2 ORDER BY fetched_at DESC, id DESC LIMIT 1",
                         {url, since});
  if (!row) return std::nullopt;
  return row_to_preview(*row);
}

UrlPreview insert_url_preview(Conn& c, UrlPreview p) {
  auto row = c.query_one(
      "INSERT INTO url_previews (url, kind, title, description, image, fetched_at) "
      "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
      {p.url, p.kind, p.title, p.description, p.image, p.fetched_at});
  p.id = row->i64(0);
  return p;
}

void prune_url_previews(Conn& c, int64_t before) {
  c.exec("DELETE FROM url_previews WHERE fetched_at < $1 AND id < (SELECT MAX(id) FROM url_previews)", {before});
}

std::optional<Value> preview_attach(const UrlPreview& p) {
  Value block = Value::map();
  if (p.kind == "page") {
    block["RICH_LINK"] =
        List{Value::object({{"NAME", p.title}, {"LINK", p.url}, {"DESC", p.description}, {"PREVIEW", p.image}})};
  } else if (p.kind == "image") {
    block["IMAGE"] = List{Value::object({{"NAME", file_name(p.url)}, {"LINK", p.url}})};
  } else {
    return std::nullopt;
  }
  return Value::object({{"ID", std::to_string(p.id)}, {"BLOCKS", List{std::move(block)}}, {"COLOR", "transparent"}});
}

void apply_preview_params(Value& params, std::string_view text, const std::optional<UrlPreview>& preview) {
  if (!params.is_map()) params = Value::map();
  std::set<std::string> old_ids;
  if (const Value* ids = params.find("URL_ID"))
    for (const Value* id : ids->elements()) old_ids.insert(id->to_string());
  if (Value* attach = params.get_map().find("ATTACH"); attach && attach->is_array()) {
    List kept;
    for (const Value* a : attach->elements()) {
      const Value* id = a->is_map() ? a->find("ID") : nullptr;
      if (!id || !old_ids.count(id->to_string())) kept.push_back(*a);
    }
    if (kept.empty())
      params.get_map().erase("ATTACH");
    else
      *attach = Value(std::move(kept));
  }
  params.get_map().erase("URL_ID");
  params.get_map().erase("URL_ONLY");
  std::optional<Value> attach = preview ? preview_attach(*preview) : std::nullopt;
  if (!attach) return;
  // Key order of the SPEC example: URL_ID, URL_ONLY, ATTACH (ahead of the other params).
  Value out = Value::map();
  out["URL_ID"] = List{Value(preview->id)};
  if (trim(text) == preview->url) out["URL_ONLY"] = "Y";
  // The message's own attaches stay first; the preview of a link in the text comes after them.
  List attaches;
  if (const Value* existing = params.find("ATTACH"))
    for (const Value* a : existing->elements()) attaches.push_back(*a);
  attaches.push_back(std::move(*attach));
  out["ATTACH"] = Value(std::move(attaches));
  const Map& m = params.get_map();
  for (size_t i = 0; i < m.size(); ++i)
    if (m.key_at(i) != "ATTACH") out[m.key_at(i)] = m.value_at(i);
  params = std::move(out);
}

std::optional<int64_t> apply_preview_to_message(Conn& c, int64_t message_id, const std::optional<UrlPreview>& preview) {
  auto row = c.query_one("SELECT text, params, deleted, chat_id FROM messages WHERE id = $1", {message_id});
  if (!row || row->i64(2) != 0) return std::nullopt;
  const std::string text = row->str(0);
  if (preview && text.find(preview->url) == std::string::npos) return std::nullopt;
  const std::string& before = row->str(1);
  Value params = Value::map();
  if (!before.empty()) {
    auto parsed = parse_json(before);
    if (parsed && parsed->is_map()) params = std::move(*parsed);
  }
  apply_preview_params(params, text, preview);
  std::string after = params.size() == 0 ? std::string() : to_json(params);
  if (after == before) return std::nullopt;
  c.exec("UPDATE messages SET params = $1 WHERE id = $2", {after, message_id});
  return row->i64(3);
}

}  // namespace imhub
