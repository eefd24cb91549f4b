#include "api/common.hpp"

namespace imhub {

// The live chat's imopenlines.widget.* (api/imopenlines_widget.cpp).
void register_imopenlines_widget_methods(Registry& r);

void MethodTable::add(std::string name, Effect effect, Handler h, const std::string& page, std::string note) const {
  registry.add({.name = std::move(name),
                .scope = scope,
                .effect = effect,
                .handler = std::move(h),
                .doc = page.empty() ? std::string() : doc_folder + page,
                .note = std::move(note)});
}

void ExtensionTable::add(std::string name, Effect effect, Handler h, std::string note, Audience audience) const {
  registry.add({.name = std::move(name),
                .scope = scope,
                .effect = effect,
                .handler = std::move(h),
                .doc = doc,
                .note = std::move(note),
                .extension = true,
                .audience = audience});
}

void register_all_methods(Registry& r) {
  register_platform_methods(r);
  register_user_methods(r);
  register_department_methods(r);
  register_im_chat_methods(r);
  register_im_message_methods(r);
  register_im_dialog_methods(r);
  register_im_recent_methods(r);
  register_im_notify_methods(r);
  register_im_users_methods(r);
  register_disk_methods(r);
  register_im_disk_methods(r);
  register_event_methods(r);
  register_imbot_bot_methods(r);
  register_imbot_chat_methods(r);
  register_imbot_command_methods(r);
  register_imbot_app_methods(r);
  register_placement_methods(r);
  register_im_extension_methods(r);
  register_imbot_giphy_methods(r);
  register_pull_methods(r);
  register_console_methods(r);
  register_imopenlines_config_methods(r);
  register_imopenlines_operator_methods(r);
  register_imopenlines_dialog_methods(r);
  register_imopenlines_bot_methods(r);
  register_imopenlines_network_methods(r);
  register_imconnector_methods(r);
  register_imopenlines_quick_methods(r);
  register_openlines_extension_methods(r);
  register_imopenlines_widget_methods(r);  // the live chat
}

}  // namespace imhub
