// Stored link previews (table url_previews) and how one lands in a message's params: the shape
// of SPEC im.dialog.messages.get — URL_ID [id], URL_ONLY "Y", ATTACH [{ID, BLOCKS:[{RICH_LINK:
// [{NAME, LINK, DESC, PREVIEW}]}], COLOR:"transparent"}].
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/value.hpp"
#include "store/store.hpp"

namespace imhub {

struct UrlPreview {
  int64_t id = 0;  // URL_ID
  std::string url;
  std::string kind;  // "page", "image", or "none" (nothing to show: failed or no title)
  std::string title;
  std::string description;
  std::string image;  // absolute
  int64_t fetched_at = 0;
};

// The newest preview of `url` fetched at or after `since`.
std::optional<UrlPreview> find_url_preview(Conn& c, const std::string& url, int64_t since);
// Stores `p` (its id is ignored) and returns it with its new id.
UrlPreview insert_url_preview(Conn& c, UrlPreview p);

// Forgets previews fetched before `before`. Messages keep copies in their params, so old rows
// only served reuse; the newest row always stays (ids are never handed out twice).
void prune_url_previews(Conn& c, int64_t before);

// The attach object of a preview (nullopt for kind "none").
std::optional<Value> preview_attach(const UrlPreview& p);

// Puts the preview into `params` (a message's params object), replacing the attaches of an
// earlier preview (those whose ID is in the old URL_ID); with no preview, removes them.
// `text` is the message text: URL_ONLY is "Y" when it is nothing but the URL.
void apply_preview_params(Value& params, std::string_view text, const std::optional<UrlPreview>& preview);

// Applies the preview to the stored message; returns the message's chat when its params changed.
// Skips (nullopt) a message that is gone, deleted, or no longer contains the URL (edited
// meanwhile: its own preview job follows), and a message whose params would not change.
std::optional<int64_t> apply_preview_to_message(Conn& c, int64_t message_id, const std::optional<UrlPreview>& preview);

}  // namespace imhub
