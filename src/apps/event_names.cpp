#include "apps/event_names.hpp"

namespace imhub {

const std::vector<EventName>& event_names() {
  static const std::vector<EventName> kAll = {
      // Platform events (api-reference/common/events, api-reference/events): scope `basic`.
      {"ONAPPINSTALL", "", true, true},
      {"ONAPPUNINSTALL", "", false, false},
      {"ONAPPUPDATE", "", true, true},
      {"ONAPPPAYMENT", "", true, false},  // never raised: local applications are not paid
      {"ONAPPTEST", "", true, true},
      {"ONAPPMETHODCONFIRM", "", false, false},  // never raised: no method needs confirmation
      {"ONOFFLINEEVENT", "", true, true, false},
      // Chat bots (api-reference/chat-bots/outdated): scope `imbot`.
      {"ONIMBOTJOINCHAT", "imbot", true, false},
      {"ONIMBOTMESSAGEADD", "imbot", true, true},
      {"ONIMBOTMESSAGEUPDATE", "imbot", true, true},
      {"ONIMBOTMESSAGEDELETE", "imbot", true, true},
      {"ONIMCOMMANDADD", "imbot", true, true},
      {"ONIMBOTDELETE", "imbot", true, false},
      // Open Channels (api-reference/imopenlines/openlines/events): scope `imopenlines`.
      {"ONOPENLINEMESSAGEADD", "imopenlines", true, false},
      {"ONOPENLINEMESSAGEUPDATE", "imopenlines", true, false},
      {"ONOPENLINEMESSAGEDELETE", "imopenlines", true, false},
      {"ONSESSIONSTART", "imopenlines", true, false},
      {"ONSESSIONFINISH", "imopenlines", true, false},
      // Open Channels connectors (api-reference/imopenlines/imconnector/events): scope `imconnector`.
      {"ONIMCONNECTORMESSAGEADD", "imconnector", true, false},
      {"ONIMCONNECTORMESSAGEUPDATE", "imconnector", true, false},
      {"ONIMCONNECTORMESSAGEDELETE", "imconnector", true, false},
      {"ONIMCONNECTORDIALOGSTART", "imconnector", true, false},
      {"ONIMCONNECTORDIALOGFINISH", "imconnector", true, false},
      {"ONIMCONNECTORSTATUSDELETE", "imconnector", true, false},
      {"ONIMCONNECTORLINEDELETE", "imconnector", true, false},
  };
  return kAll;
}

const EventName* find_event_name(std::string_view upper_name) {
  for (const EventName& e : event_names())
    if (e.name == upper_name) return &e;
  return nullptr;
}

}  // namespace imhub
