// The few facts a link preview needs from an HTML page: og:title / <title>, og:description /
// meta description, og:image.
#pragma once

#include <string>
#include <string_view>

namespace imhub {

struct HtmlMeta {
  std::string title;
  std::string description;
  std::string image;    // as written in the page (may be relative)
  std::string charset;  // from <meta charset> / http-equiv, lower case; "" when not declared
};

// A small tolerant scanner rather than an HTML parser: pages in the wild are often malformed,
// only <head> matters, and a full parser would be a large dependency for four values. It reads
// <meta> and <title> tags anywhere (attributes in any order, either quote style or none, any
// case), skips comments and <script>/<style> bodies, decodes character references, collapses
// whitespace, and prefers Open Graph values over the plain ones.
HtmlMeta parse_html_meta(std::string_view html);

// Decodes &amp; &lt; &gt; &quot; &apos; &#39; &nbsp; and numeric references; unknown named
// references are kept as written.
std::string decode_html_entities(std::string_view text);

}  // namespace imhub
