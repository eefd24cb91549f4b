// im.revision.get (spec 002, reference chats/im-revision-get.md, protocol.md §10.1 and its
// Decisions): clients feature-gate on `rest`, so imhub advertises the revision of what it has,
// not the newest one it knows of.
#include "api/common.hpp"
#include "api/spec_methods.hpp"

namespace imhub {
namespace {

// Below the first step: the revision before the Chat API of spec/ was complete.
constexpr int kBaseRestRevision = 17;
// Client revisions are the platform's (reference example); imhub serves no client of its own.
constexpr int kWebRevision = 130;
constexpr int kMobileRevision = 22;
constexpr int kDesktopRevision = 6;

struct RevisionStep {
  int rest;
  std::vector<std::string_view> methods;  // what spec 002 marks with this revision
  bool whole_spec = false;                // Decisions: 32 "once all of spec/ works"
};

const std::vector<RevisionStep>& revision_steps() {
  static const std::vector<RevisionStep> kSteps = {
      {18, {"im.revision.get",        "im.chat.add",       "im.chat.user.list",   "im.chat.user.add",
            "im.chat.user.delete",    "im.chat.leave",     "im.chat.updateTitle", "im.chat.updateColor",
            "im.chat.updateAvatar",   "im.chat.setOwner",  "im.chat.get",         "im.chat.mute",
            "im.dialog.messages.get", "im.dialog.read",    "im.dialog.unread",    "im.dialog.get",
            "im.message.add",         "im.message.update", "im.message.delete",   "im.message.like",
            "im.recent.get",          "im.recent.pin",     "im.recent.hide",      "im.notify.personal.add",
            "im.notify.system.add",   "im.notify.delete",  "im.notify.read",      "im.notify.read.list",
            "im.notify.answer",       "im.notify.confirm"}},
      {24, {"imbot.dialog.get"}},
      {30,
       {"im.dialog.users.list", "im.dialog.writing", "im.dialog.read.all", "im.message.command", "im.message.share",
        "im.recent.unread", "im.recent.list"}},
      {32, {"imbot.Giphy.list"}, true},
  };
  return kSteps;
}

bool registered(const Registry& r, std::string_view name) { return r.find(to_lower(name)) != nullptr; }

bool step_complete(const Registry& r, const RevisionStep& step) {
  for (auto name : step.methods)
    if (!registered(r, name)) return false;
  if (step.whole_spec)
    for (const auto& m : spec_methods())
      if (!registered(r, m.name)) return false;
  return true;
}

MethodResult revision_get(MethodCall& call) {
  int rest = kBaseRestRevision;
  for (const auto& step : revision_steps()) {
    if (!step_complete(call.services.registry, step)) break;
    rest = step.rest;
  }
  return Value::object({{"rest", int64_t{rest}},
                        {"web", int64_t{kWebRevision}},
                        {"mobile", int64_t{kMobileRevision}},
                        {"desktop", int64_t{kDesktopRevision}},
                        {"im_revision_mobile", int64_t{kMobileRevision}}});
}

}  // namespace

void register_im_revision_method(Registry& r) {
  r.add({.name = "im.revision.get",
         .scope = "im",
         .effect = Effect::kRead,
         .handler = revision_get,
         .doc = "api-reference/chats/im-revision-get.md",
         .note = ""});
}

}  // namespace imhub
