// A message as im.dialog.messages.get shows it (spec 002 example; reference im-dialog-messages-get.md):
// raw BB text, ATOM date, params as stored or null.
#pragma once

#include "core/value.hpp"
#include "im/message.hpp"

namespace imhub {

// `read_seq`: the viewer's read mark, for `unread`.
Value im_message_object(const Message& m, int64_t viewer, int64_t read_seq);

}  // namespace imhub
