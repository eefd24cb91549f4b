// Every error imhub answers, declared once: the Bitrix24 code, the client-facing description and
// the HTTP status (protocol.md §3.2 and "Decisions"; each method's reference page). api/, rest/ and
// http/ throw ApiError from these; domain code returns statuses and never includes this file
// (scripts/check_layers.sh). Grouped by the methods that answer them; a code shared by several
// groups is declared in the first.
#pragma once

#include "core/error.hpp"

namespace imhub::errors {

// --- Platform (REST core, auth, limits)
inline constexpr ErrorSpec kMethodNotFound{"ERROR_METHOD_NOT_FOUND", "Method not found!", 404};
inline constexpr ErrorSpec kNoAuthFound{"NO_AUTH_FOUND", "Wrong authorization data", 401};
inline constexpr ErrorSpec kInvalidCredentials{"INVALID_CREDENTIALS", "Invalid request credentials", 401};
inline constexpr ErrorSpec kExpiredToken{"expired_token", "The access token provided has expired", 401};
inline constexpr ErrorSpec kInvalidToken{"invalid_token", "The access token provided is invalid", 401};
inline constexpr ErrorSpec kInsufficientScopeWebhook{
    "insufficient_scope", "The request requires higher privileges than provided by the webhook token", 403};
inline constexpr ErrorSpec kInsufficientScopeToken{
    "insufficient_scope", "The request requires higher privileges than provided by the access token", 403};
inline constexpr ErrorSpec kInsufficientScopeBatch{"insufficient_scope", "", 403};
inline constexpr ErrorSpec kWrongAuthType{"WRONG_AUTH_TYPE",
                                          "Access denied! Current authorization type is denied for this method", 403};
inline constexpr ErrorSpec kAccessDenied{"ACCESS_DENIED", "Access denied!", 403};
// Session auth (rest/session_authenticator.cpp): the codes of Bitrix24's own session check, 401
// like every other failed credential check (protocol.md "Decisions").
inline constexpr ErrorSpec kSessidCheckFailed{"session_failed", "Sessid check failed", 401};
inline constexpr ErrorSpec kSessionNotAuthorized{"access_denied", "User not authorized", 401};
// Sign-in endpoints (http/auth_routes.cpp).
inline constexpr ErrorSpec kLoginRequired{"INVALID_REQUEST", "Login and password are required", 400};
inline constexpr ErrorSpec kLoginFailed{"INVALID_CREDENTIALS", "Incorrect login or password", 401};
inline constexpr ErrorSpec kLoginThrottled{"TOO_MANY_ATTEMPTS", "Too many failed sign-in attempts, try again later",
                                           429};
inline constexpr ErrorSpec kCrossOrigin{"ACCESS_DENIED", "Access denied! Cross-origin request refused", 403};
inline constexpr ErrorSpec kUserAuthRequired{"ACCESS_DENIED", "Access denied! User authorization required", 403};
inline constexpr ErrorSpec kAdminRequired{"ACCESS_DENIED", "Administrator authorization required", 403};
inline constexpr ErrorSpec kQueryLimitExceeded{"QUERY_LIMIT_EXCEEDED", "Too many requests", 503};
inline constexpr ErrorSpec kOperationTimeLimit{"OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.",
                                               429};
inline constexpr ErrorSpec kInternal{"INTERNAL_SERVER_ERROR", "Internal server error", 500};
inline constexpr ErrorSpec kArgument{"ERROR_ARGUMENT", "Argument error", 400};
inline constexpr ErrorSpec kBatchLengthExceeded{"ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded", 400};
inline constexpr ErrorSpec kBatchMethodNotAllowed{"ERROR_BATCH_METHOD_NOT_ALLOWED",
                                                  "Method is not allowed for batch usage", 405};
inline constexpr ErrorSpec kWrongEncoding{"WRONG_ENCODING", "Wrong request encoding", 400};
inline constexpr ErrorSpec kRequestTooLarge{"REQUEST_TOO_LARGE", "Request parameters exceed the allowed limits", 400};
inline constexpr ErrorSpec kBadRequest{"INVALID_REQUEST", "Malformed request", 400};
inline constexpr ErrorSpec kLinkCheckFailed{"ACCESS_DENIED", "Access denied! Link check failed", 403};
inline constexpr ErrorSpec kNotFound{"ERROR_NOT_FOUND", "Not found", 404};
inline constexpr ErrorSpec kApplicationNotFound{"APPLICATION_NOT_FOUND", "Application not found", 401};
inline constexpr ErrorSpec kAuthorizationError{"authorization_error", "Unable to authorize user", 401};
// HTTP transport and files (http/): answered before or outside a method call.
inline constexpr ErrorSpec kBodyTooLarge{"REQUEST_TOO_LARGE", "Request body exceeds the configured limit", 413};
inline constexpr ErrorSpec kHeaderTooLarge{"INVALID_REQUEST", "Request header too large", 431};
inline constexpr ErrorSpec kHostMissing{"INVALID_REQUEST", "HTTP/1.1 request without a Host header", 400};
inline constexpr ErrorSpec kUnknownVerb{"INVALID_REQUEST", "Unknown request method", 501};
inline constexpr ErrorSpec kVerbNotAllowed{"INVALID_REQUEST", "Method not allowed", 405};
inline constexpr ErrorSpec kBodiesBusy{"QUERY_LIMIT_EXCEEDED", "Too many request bodies in flight; retry shortly", 503};
inline constexpr ErrorSpec kNoSpaceForRequest{"INSUFFICIENT_STORAGE", "No space to receive the request", 507};
inline constexpr ErrorSpec kFileNotFound{"ERROR_NOT_FOUND", "File not found", 404};
inline constexpr ErrorSpec kLinkExpired{"ACCESS_DENIED",
                                        "The link has expired; read the message or file again for a new one", 403};
// Writes the disk refused (docs/operations.md, "When the disk is full"): nothing was saved.
inline constexpr ErrorSpec kInsufficientStorage{"INSUFFICIENT_STORAGE",
                                                "The server's disk is full; the change was not saved", 507};
inline constexpr ErrorSpec kStorageUnavailable{"STORAGE_UNAVAILABLE",
                                               "The server cannot write to its storage; the change was not saved", 503};

// --- im.dialog (api/im_dialog.cpp)
inline constexpr ErrorSpec kDialogIdEmpty{"DIALOG_ID_EMPTY", "Dialog ID can't be empty", 400};
inline constexpr ErrorSpec kNoAccess{"ACCESS_ERROR", "You do not have access to the specified dialog", 403};
inline constexpr ErrorSpec kNoChat{"ACCESS_ERROR", "You don't have access to this chat", 400};
inline constexpr ErrorSpec kMessageIdEmpty{"MESSAGE_ID_ERROR", "Message ID can't be empty", 400};
inline constexpr ErrorSpec kWritingAccess{"ACCESS_ERROR", "User doesn't have access permission to this chat", 403};
inline constexpr ErrorSpec kChatIdEmptyImDialog{"CHAT_ID_EMPTY", "Chat ID not passed", 400};
inline constexpr ErrorSpec kFirstIdString{"FIRST_ID_STRING", "First ID can't be string", 400};
inline constexpr ErrorSpec kLastIdString{"LAST_ID_STRING", "Last ID can't be string", 400};

// --- im.disk (api/im_disk.cpp)
inline constexpr ErrorSpec kChatIdEmpty{"CHAT_ID_EMPTY", "Chat ID can't be empty", 400};
inline constexpr ErrorSpec kFilesError{"FILES_ERROR", "List of files is not specified", 400};
inline constexpr ErrorSpec kSaveError{"SAVE_ERROR", "Error during saving file to chat", 400};
inline constexpr ErrorSpec kDeleteFileIdEmpty{"FILES_ERROR", "File ID can't be empty", 400};
inline constexpr ErrorSpec kFileIdEmpty{"FILE_ID_EMPTY", "File ID can't be empty", 400};
inline constexpr ErrorSpec kFileSaveError{"FILE_SAVE_ERROR", "File ID can't be saved", 400};

// --- department (api/department.cpp)
inline constexpr ErrorSpec kNotFoundDepartment{"ERROR_CORE", "Department not found", 400};
inline constexpr ErrorSpec kAccessDeniedDepartment{"ERROR_CORE", "Access denied", 400};
inline constexpr ErrorSpec kNameMissing{"ERROR_CORE", "Department name not provided.<br>", 400};
inline constexpr ErrorSpec kOneTopLevel{"ERROR_CORE",
                                        "There can only be one top-level department in the company structure", 400};
inline constexpr ErrorSpec kParentLoop{"ERROR_CORE", "A department cannot be moved into itself or its subdepartment",
                                       400};
inline constexpr ErrorSpec kHeadNotFound{"ERROR_CORE", "User not found", 400};
inline constexpr ErrorSpec kDeleteRoot{"ERROR_CORE", "The top-level department cannot be deleted", 400};
inline constexpr ErrorSpec kHasChildren{"ERROR_CORE", "The department has subdepartments and cannot be deleted", 400};
inline constexpr ErrorSpec kHasUsers{"ERROR_CORE", "The department has employees and cannot be deleted", 400};

// --- event (api/event.cpp)
inline constexpr ErrorSpec kWrongHandlerUrl{"ERROR_WRONG_HANDLER_URL", "Wrong handler URL", 400};
inline constexpr ErrorSpec kUnsupportedProtocol{"ERROR_UNSUPPORTED_PROTOCOL", "Unsupported handler protocol", 400};
inline constexpr ErrorSpec kEventNotFound{"ERROR_EVENT_NOT_FOUND", "Event not found", 400};
inline constexpr ErrorSpec kAlreadyBound{"ERROR_CORE", "Unable to set event handler: Handler already binded", 400};
inline constexpr ErrorSpec kOfflineBindAdmin{
    "ACCESS_DENIED", "Access denied! Offline events binding requires administrator access rights", 403};
inline constexpr ErrorSpec kAuthTypeBindAdmin{
    "ACCESS_DENIED", "Access denied! Event binding with AUTH_TYPE requires administrator access rights", 403};
inline constexpr ErrorSpec kOfflineUnbindAdmin{
    "ACCESS_DENIED", "Access denied! Offline events unbinding requires administrator access rights", 403};
inline constexpr ErrorSpec kAuthTypeUnbindAdmin{
    "ACCESS_DENIED", "Access denied! Event unbinding with AUTH_TYPE requires administrator access rights", 403};

// --- im.department (api/im_department.cpp)
inline constexpr ErrorSpec kInvalidFormat{"INVALID_FORMAT", "A wrong format for the ID field is passed", 400};
inline constexpr ErrorSpec kIdEmpty{"ID_EMPTY", "Department ID can't be empty", 400};
inline constexpr ErrorSpec kAccessError{"ACCESS_ERROR", "Only intranet users have access to this method.", 403};

// --- im.notify (api/im_notify.cpp)
inline constexpr ErrorSpec kWrongAuthTypeImNotify{"WRONG_AUTH_TYPE",
                                                  "Access for this method not allowed by session authorization.", 403};
inline constexpr ErrorSpec kClientIdMissing{"ACCESS_DENIED", "Access denied! Client ID not specified", 403};
inline constexpr ErrorSpec kPersonalUserIdEmpty{"USER_ID_EMPTY", "Recipient ID not specified", 400};
inline constexpr ErrorSpec kSystemUserIdEmpty{"USER_ID_EMPTY", "Recipient is not specified", 400};
inline constexpr ErrorSpec kMessageEmptyImNotify{"MESSAGE_EMPTY", "Message text is empty", 400};
inline constexpr ErrorSpec kDeleteParamsError{"PARAMS_ERROR", "Error deleting notification", 400};
inline constexpr ErrorSpec kIdsError{"PARAMS_ERROR", "No IDS param or it is not an array", 400};
inline constexpr ErrorSpec kIdError{"ID_ERROR", "Notification ID can't be empty", 400};
inline constexpr ErrorSpec kAnswerTextError{"ANSWER_TEXT_ERROR", "ANSWER_TEXT can't be empty", 400};
inline constexpr ErrorSpec kNotifyValueError{"NOTIFY_VALUE_ERROR", "Notification Value can't be empty", 400};
inline constexpr ErrorSpec kLastIdAndLastType{"LAST_ID_AND_LAST_TYPE",
                                              "Parameters LAST_ID and LAST_TYPE should be used together.", 400};
inline constexpr ErrorSpec kNotifyLastIdString{"LAST_ID_STRING", "Last notification ID can't be string", 400};
inline constexpr ErrorSpec kAttachError{"ATTACH_ERROR", "Attachment object validation error", 400};
inline constexpr ErrorSpec kAttachOversize{"ATTACH_OVERSIZE", "Maximum allowed attachment size exceeded (30 Kb)", 400};

// --- imbot.app (api/imbot_app.cpp)
inline constexpr ErrorSpec kLangEmpty{"LANG_ERROR", "Lang set can't be empty", 400};
inline constexpr ErrorSpec kCodeMissing{"CODE_ERROR", "App code isn't specified", 400};
inline constexpr ErrorSpec kIframeHttps{"IFRAME_HTTPS", "Iframe params must be HTTPS site", 400};
inline constexpr ErrorSpec kHashEmpty{"HASH_ERROR", "Hash can't be empty", 400};
inline constexpr ErrorSpec kNoKind{"PARAMS_ERROR", "Iframe or JS method isn't specified", 400};
inline constexpr ErrorSpec kBadContext{"PARAMS_ERROR",
                                       "Context must be ALL, USER, CHAT, BOT, LINES or CALL (with -admin)", 400};
inline constexpr ErrorSpec kAppNotFound{"CHAT_APP_ID_ERROR", "App not found", 400};
inline constexpr ErrorSpec kAppOfOtherApp{"APP_ID_ERROR", "App was installed by another rest application", 400};
inline constexpr ErrorSpec kNotHere{"ACCESS_ERROR", "The app is not available in this dialog", 403};
inline constexpr ErrorSpec kNoButton{"MESSAGE_ID_ERROR", "The message has no button or menu item of this app", 400};

// --- imbot.bot (api/imbot_bot.cpp)
inline constexpr ErrorSpec kUpdateEmpty{"WRONG_REQUEST", "Update fields can't be empty", 400};
inline constexpr ErrorSpec kCodeError{"CODE_ERROR", "Bot code isn't specified", 400};
inline constexpr ErrorSpec kNameError{"NAME_ERROR", "Bot name isn't specified", 400};
inline constexpr ErrorSpec kCantCreate{"WRONG_REQUEST", "Bot can't be created", 400};
inline constexpr ErrorSpec kCantDeleteImbotBot{"WRONG_REQUEST", "Bot can't be deleted", 400};
inline constexpr ErrorSpec kCantUpdate{"WRONG_REQUEST", "Bot can't be updated", 400};
inline constexpr ErrorSpec kMaxCount{"MAX_COUNT_ERROR", "", 400};

// --- imbot.command (api/imbot_command.cpp)
inline constexpr ErrorSpec kMessageEmpty{"MESSAGE_EMPTY", "Message can't be empty", 400};
inline constexpr ErrorSpec kNotAdded{"WRONG_REQUEST", "Message isn't added", 400};
inline constexpr ErrorSpec kHandlerMissing{"EVENT_COMMAND_ADD_ERROR",
                                           "Handler for \"Command add\" event isn't specified", 400};
inline constexpr ErrorSpec kHandlerWrongUrl{"EVENT_COMMAND_ADD_ERROR", "Wrong handler URL", 400};
inline constexpr ErrorSpec kHandlerProtocol{"EVENT_COMMAND_ADD_ERROR", "Unsupported handler protocol", 400};
inline constexpr ErrorSpec kCommandMissing{"COMMAND_ERROR", "Command isn't specified", 400};
inline constexpr ErrorSpec kCommandNotFound{"COMMAND_ID_ERROR", "Command not found", 400};
inline constexpr ErrorSpec kCommandOfOtherApp{"APP_ID_ERROR", "Command was installed by another rest application", 400};
inline constexpr ErrorSpec kCannotUpdate{"WRONG_REQUEST", "Command can't be updated", 400};
inline constexpr ErrorSpec kMessageIdEmptyImbotCommand{"MESSAGE_ID_EMPTY", "Message ID can't be empty", 400};

// --- im.message (api/im_message.cpp)
inline constexpr ErrorSpec kUserIdEmpty{"USER_ID_EMPTY", "Recipient ID not specified for person-to-person chat message",
                                        400};
inline constexpr ErrorSpec kChatIdEmptyImMessage{"CHAT_ID_EMPTY",
                                                 "Message recipient chat not specified for a chat message", 400};
inline constexpr ErrorSpec kUserNotFound{"USER_NOT_FOUND", "User not found", 400};
inline constexpr ErrorSpec kNotMember{"ACCESS_ERROR", "You don't have access or user isn't member in chat", 400};
inline constexpr ErrorSpec kMessageEmptyImMessage{"MESSAGE_EMPTY", "Message text not passed", 400};
inline constexpr ErrorSpec kParamsError{"PARAMS_ERROR", "Incorrect params", 400};
inline constexpr ErrorSpec kReplyAccess{"REPLY_ACCESS_ERROR", "Action unavailable", 400};
inline constexpr ErrorSpec kReplyOtherChat{"REPLY_FROM_OTHER_CHAT_ERROR",
                                           "You can only reply to a message within the same chat", 400};
inline constexpr ErrorSpec kMessageIdError{"MESSAGE_ID_ERROR", "Message ID not passed", 400};
inline constexpr ErrorSpec kCantEdit{"CANT_EDIT_MESSAGE",
                                     "You don't have access to this message or time for its edit has expired (more "
                                     "than 3 days has passed since publication)",
                                     403};
inline constexpr ErrorSpec kCantDelete{"CANT_EDIT_MESSAGE", "You don't have access to this message", 403};
inline constexpr ErrorSpec kWithoutChanges{"WITHOUT_CHANGES", "\"Like\" status didn't change after the call", 400};
inline constexpr ErrorSpec kCommandMessageId{"MESSAGE_ID_ERROR",
                                             "Parameter MESSAGE_ID not specified or isn't an integer", 400};
inline constexpr ErrorSpec kBotIdError{"BOT_ID_ERROR", "Parameter BOT_ID not specified or isn't an integer", 400};
inline constexpr ErrorSpec kCommandError{"COMMAND_ERROR", "Parameter COMMAND not specified", 400};
inline constexpr ErrorSpec kCommandParams{
    "PARAMS_ERROR", "Parameter COMMAND_PARAMS not specified or doesn't match the bot parameter command", 400};
inline constexpr ErrorSpec kShareDialog{"DIALOG_ID_EMPTY",
                                        "Parameter DIALOG_ID not specified or doesn't match the format", 400};
inline constexpr ErrorSpec kShareAccess{"ACCESS_ERROR",
                                        "Current user doesn't have access permission to chat or conversation", 403};
inline constexpr ErrorSpec kShareType{"PARAMS_ERROR",
                                      "Parameter TYPE not specified or doesn't match to the available parameters", 400};

// --- im.recent (api/im_recent.cpp)
inline constexpr ErrorSpec kPinAccess{"ACCESS_ERROR", "You don't have permission to pin this chat", 400};

// --- im.search (api/im_search.cpp)
inline constexpr ErrorSpec kFindShort{"FIND_SHORT", "Too short a search phrase.", 400};

// --- im.user (api/im_user.cpp)
inline constexpr ErrorSpec kIdEmptyImUser{"ID_EMPTY", "User ID can't be empty", 400};
inline constexpr ErrorSpec kUserNotExists{"USER_NOT_EXISTS", "User does not exist", 400};
inline constexpr ErrorSpec kAccessDeniedImUser{"ACCESS_DENIED",
                                               "You can request only users who are part of your extranet group", 403};
inline constexpr ErrorSpec kStatusError{"STATUS_ERROR", "Status is not available", 400};

// --- imbot.giphy (api/imbot_giphy.cpp)
inline constexpr ErrorSpec kEmptySearch{"EMPTY_SEARCH_ERROR", "String for searching GIF images cannot be empty.", 400};
inline constexpr ErrorSpec kNotConfigured{
    "LICENSE_NOT_FOUND", "Giphy is not configured on this server: set api_key in the [giphy] section", 400};
inline constexpr ErrorSpec kUnavailable{"GIPHY_UNAVAILABLE", "The Giphy service did not answer; try again later", 503};

// --- imbot.message (api/imbot_message.cpp)
inline constexpr ErrorSpec kCantEditImbotMessage{"CANT_EDIT_MESSAGE",
                                                 "Time has expired for modification or you don't have access", 403};
inline constexpr ErrorSpec kWithoutChangesImbotMessage{"WITHOUT_CHANGES", "Action completed without changes", 400};

// --- placement (api/placement.cpp)
inline constexpr ErrorSpec kNotApplication{
    "WRONG_AUTH_TYPE", "Current authorization type is denied for this method Application context required", 403};
inline constexpr ErrorSpec kPlacementNotFound{"ERROR_PLACEMENT_NOT_FOUND", "Placement not found", 400};
// imhub.messenger.placement.auth, imhub.messenger.app.auth (api/im_extensions.cpp,
// api/imbot_app.cpp): an application's tokens for a frame go to browser sessions only, and only for
// an installed application.
inline constexpr ErrorSpec kFrameAuthSessionOnly{"WRONG_AUTH_TYPE",
                                                 "App frames are opened only under session authorization.", 403};
inline constexpr ErrorSpec kFrameAppNotInstalled{"APP_NOT_FOUND", "The app belongs to no installed application", 400};
inline constexpr ErrorSpec kUserMode{"ERROR_PLACEMENT_USER_MODE", "User mode is not available.", 400};
inline constexpr ErrorSpec kAlreadyBoundPlacement{"ERROR_CORE",
                                                  "Unable to set placement handler: Handler already binded", 400};

// --- platform (api/platform.cpp)
inline constexpr ErrorSpec kCodeEmpty{"CODE_EMPTY", "CODE can't be empty", 400};
inline constexpr ErrorSpec kAppContextRequired{"ACCESS_DENIED", "Access denied! Application context required", 403};
inline constexpr ErrorSpec kOptionsEmpty{"ERROR_ARGUMENT", "Argument 'options' is null or empty", 400};

// --- user (api/user.cpp)
inline constexpr ErrorSpec kWrongEmail{"ERROR_ARGUMENT", "wrong_email", 400};
inline constexpr ErrorSpec kEmailExists{"ERROR_ARGUMENT", "A user with this email already exists", 400};
inline constexpr ErrorSpec kNoExtranetField{"ERROR_ARGUMENT", "no_extranet_field", 400};
inline constexpr ErrorSpec kNoGroupId{"ERROR_GROUPID", "Group code not specified", 400};
inline constexpr ErrorSpec kBadGroup{"ERROR_NO_GROUP", "Group is specified incorrectly", 400};
inline constexpr ErrorSpec kCoreAccessDenied{"ERROR_CORE", "access_denied", 400};
inline constexpr ErrorSpec kCoreUpdateFailed{"ERROR_CORE", "", 400};
inline constexpr ErrorSpec kBadDate{"ERROR_CORE", "Incorrect date format", 400};

// --- imbot.* owner checks (api/bot_access)
inline constexpr ErrorSpec kBotNotFound{"BOT_ID_ERROR", "Bot not found", 400};
inline constexpr ErrorSpec kBotOfOtherApp{"APP_ID_ERROR", "Bot was installed by another rest application", 400};

// --- ATTACH, KEYBOARD, MENU (text/)
inline constexpr ErrorSpec kAttachErrorAttach{"ATTACH_ERROR", "Incorrect attach params", 400};
inline constexpr ErrorSpec kAttachOversizeAttach{"ATTACH_OVERSIZE",
                                                 "You have exceeded the maximum allowable size of attach", 400};

// --- im.chat.* and imbot.chat.* (api/chat_actions.cpp)
inline constexpr ErrorSpec kUsersEmpty{"USERS_EMPTY", "Chat participants not passed", 400};
inline constexpr ErrorSpec kWrongRequest{"WRONG_REQUEST", "Something went wrong", 400};
inline constexpr ErrorSpec kActionUnavailable{"ACCESS_ERROR", "Action unavailable", 403};
inline constexpr ErrorSpec kUserAddRefused{"WRONG_REQUEST",
                                           "You don't have sufficient access permissions for adding participants to "
                                           "chat or participant already included into chat",
                                           400};
inline constexpr ErrorSpec kUserIdEmptyChatActions{"USER_ID_EMPTY", "User ID not passed", 400};
inline constexpr ErrorSpec kUserDeleteRefused{"WRONG_REQUEST",
                                              "You have insufficient access permissions for adding participants to "
                                              "chat or participant is already included into chat",
                                              400};
inline constexpr ErrorSpec kNotAMember{"WRONG_REQUEST", "You are not a member of this chat", 400};
inline constexpr ErrorSpec kTitleEmpty{"TITLE_EMPTY", "New chat title not passed", 400};
inline constexpr ErrorSpec kTitleRefused{"WRONG_REQUEST", "Title not set or specified chat doesn't exist", 400};
inline constexpr ErrorSpec kWrongColor{"WRONG_COLOR", "Color is not included into the list of available colors", 400};
inline constexpr ErrorSpec kColorRefused{"WRONG_REQUEST", "Color is already indicated or indicated color doesn't exist",
                                         400};
inline constexpr ErrorSpec kAvatarError{"AVATAR_ERROR", "Incorrect image format is not passed", 400};
inline constexpr ErrorSpec kAvatarRefused{"WRONG_REQUEST", "Chat doesn't exist", 400};
inline constexpr ErrorSpec kOwnerChatIdEmpty{"CHAT_ID_EMPTY", "Chat ID is not passed", 400};
inline constexpr ErrorSpec kOwnerIdEmpty{"USER_ID_EMPTY", "New chat owner ID is not passed", 400};
inline constexpr ErrorSpec kOwnerRefused{
    "WRONG_REQUEST",
    "Method is called by a regular non-owner chat participant or specified user is not a chat participant", 400};
inline constexpr ErrorSpec kCannotMute{"ACCESS_ERROR", "This chat cannot be muted", 403};
inline constexpr ErrorSpec kManagerUserIdEmpty{"USER_ID_EMPTY", "User ID can't be empty", 400};
inline constexpr ErrorSpec kManagerRefused{"WRONG_REQUEST",
                                           "Change manager can only owner and user must be member in chat", 400};

// --- disk.* uploads (api/file_upload)
inline constexpr ErrorSpec kDiskArgument{"ERROR_ARGUMENT", "Invalid value of parameter {Parameter #0}", 400};
inline constexpr ErrorSpec kDiskNotFound{"ERROR_NOT_FOUND", "Could not find entity with id `{id}`", 400};
inline constexpr ErrorSpec kDiskAccessDenied{"ACCESS_DENIED", "Access denied", 403};
inline constexpr ErrorSpec kDiskNameRequired{"DISK_BASE_SERVICE_22001",
                                             "Error: required parameter NAME (DISK_BASE_SERVICE_22001)", 400};
inline constexpr ErrorSpec kDiskCouldNotSave{"ERROR_COULD_NOT_SAVE_FILE", "Could not save file", 400};
inline constexpr ErrorSpec kDiskNonUniqueName{"DISK_OBJ_22000",
                                              "A file or folder with this name already exists (DISK_OBJ_22000)", 400};

inline constexpr ErrorSpec kKeyboardError{"KEYBOARD_ERROR", "Incorrect keyboard params", 400};
inline constexpr ErrorSpec kKeyboardOversize{"KEYBOARD_OVERSIZE",
                                             "You have exceeded the maximum allowable size of keyboard", 400};

inline constexpr ErrorSpec kMenuError{"MENU_ERROR", "Incorrect menu params", 400};
inline constexpr ErrorSpec kMenuOversize{"MENU_OVERSIZE", "You have exceeded the maximum allowable size of menu", 400};

// --- placement.bind OPTIONS (text/placement_options)
inline constexpr ErrorSpec kIconEmpty{"EMPTY_ERROR_ICON_NAME", "Field iconName is empty.", 400};
inline constexpr ErrorSpec kIconInvalid{"INVALID_ERROR_ICON_NAME", "Field iconName is invalid.", 400};
inline constexpr ErrorSpec kExtranetInvalid{"INVALID_ERROR_EXTRANET", "Field extranet is invalid.", 400};
inline constexpr ErrorSpec kContextInvalid{"INVALID_ERROR_CONTEXT", "Field context is invalid.", 400};
inline constexpr ErrorSpec kRoleInvalid{"INVALID_ERROR_ROLE", "Field role is invalid.", 400};
inline constexpr ErrorSpec kColorInvalid{"INVALID_ERROR_COLOR", "Field color is invalid.", 400};
inline constexpr ErrorSpec kHeightInvalid{"INVALID_ERROR_HEIGHT", "Field height is invalid.", 400};
inline constexpr ErrorSpec kWidthInvalid{"INVALID_ERROR_WIDTH", "Field width is invalid.", 400};

// --- pull (api/pull.cpp; protocol-push.md §2, settings/interactivity/push-and-pull/*)
inline constexpr ErrorSpec kPullAppAuthOnly{
    "WRONG_AUTH_TYPE", "Get access to application config available only for application authorization.", 403};
inline constexpr ErrorSpec kPullSessionOnly{
    "WRONG_AUTH_TYPE", "Get access to browser const available only for session authorization.", 403};
inline constexpr ErrorSpec kPullNotConfigured{"SERVER_ERROR", "Push & Pull server is not configured", 500};
inline constexpr ErrorSpec kPullUserIdAccess{"USER_ID_ACCESS_ERROR",
                                             "Only admin can send notifications to other channels", 400};
inline constexpr ErrorSpec kPullModuleId{"MODULE_ID_ERROR", "Module ID format error", 400};
inline constexpr ErrorSpec kPullCommand{"COMMAND_ERROR", "Command format error", 400};
inline constexpr ErrorSpec kPullParams{"PARAMS_ERROR", "Params format error", 400};
inline constexpr ErrorSpec kPullUsersFormat{"INVALID_FORMAT", "A wrong format for the USERS field is passed", 400};
inline constexpr ErrorSpec kPullUserIdFormat{"INVALID_FORMAT", "A wrong format for the USER_ID field is passed", 400};
inline constexpr ErrorSpec kPullAppChannelAuth{
    "WRONG_AUTH_TYPE", "Application channels are available only for application authorization.", 400};
inline constexpr ErrorSpec kPullPushAuth{"WRONG_AUTH_TYPE",
                                         "Send push notifications available only for application authorization.", 403};
inline constexpr ErrorSpec kPullPushAccess{"ACCESS_ERROR", "You do not have access to send push notifications", 400};
inline constexpr ErrorSpec kPullPushText{"TEXT_ERROR", "Text can't be empty", 400};
inline constexpr ErrorSpec kPullPushAppName{"EMPTY_APP_NAME",
                                            "For send push-notification application name can't be empty", 400};
inline constexpr ErrorSpec kPullUserIdsFormat{"INVALID_FORMAT", "A wrong format for the userIds field is passed", 400};

// --- imopenlines.* (api/imopenlines_*.cpp; reference imopenlines/openlines/, protocol-openlines.md §5)
inline constexpr ErrorSpec kOlConfigIdEmpty{"CONFIG_ID_EMPTY", "Config ID can't be empty", 400};
inline constexpr ErrorSpec kOlConfigPermission{"CONFIG_WRONG_USER_PERMISSION", "Permission denied", 403};
// config.list.get: the description names what is wrong ("A wrong format for the PARAMS field …").
inline constexpr ErrorSpec kOlInvalidFormat{"INVALID_FORMAT", "Invalid format", 400};
inline constexpr ErrorSpec kOlDialogAccess{"ACCESS_ERROR", "You do not have access to the specified dialog", 400};
// The operator methods' four standard errors (operators/*.md, sessions/*.md).
inline constexpr ErrorSpec kOlChatId{"CHAT_ID", "The specified chat identifier is incorrect", 400};
inline constexpr ErrorSpec kOlChatType{"CHAT_TYPE", "The specified chat is not an open line", 400};
inline constexpr ErrorSpec kOlAccessDenied{
    "ACCESS_DENIED", "You cannot open this conversation as you do not have sufficient rights", 400};
inline constexpr ErrorSpec kOlUserId{"USER_ID", "The specified user identifier is incorrect", 400};
inline constexpr ErrorSpec kOlAccessDeniedKick{"ACCESS_DENIED_KICK",
                                               "Insufficient permissions to remove participants from the chat", 400};
inline constexpr ErrorSpec kOlChatIdEmpty{"CHAT_ID_EMPTY", "Chat ID can't be empty", 400};
inline constexpr ErrorSpec kOlUserIdEmpty{"USER_ID_EMPTY", "User ID can't be empty", 400};
inline constexpr ErrorSpec kOlQueueIdEmpty{"QUEUE_ID_EMPTY", "QUEUE ID can't be empty", 400};
inline constexpr ErrorSpec kOlTransferIdEmpty{"TRANSFER_ID_EMPTY", "Queue ID or User ID can't be empty", 400};
inline constexpr ErrorSpec kOlOperatorWrong{"OPERATOR_WRONG", "You cannot redirect to this operator", 400};
inline constexpr ErrorSpec kOlInterceptWrong{"OPERATOR_WRONG", "You can not redirect to this operator", 400};
inline constexpr ErrorSpec kOlSessionOpenDenied{
    "ACCESS_DENIED", "You cannot open this conversation because you do not have sufficient permissions", 400};
inline constexpr ErrorSpec kOlEmptySessionId{"EMPTY_SESSION_ID", "Session ID can't be empty", 400};
inline constexpr ErrorSpec kOlEmptyVoteParams{
    "EMPTY_VOTE_PARAMS", "At least one of the parameters RATING or COMMENT must be specified", 400};
inline constexpr ErrorSpec kOlHistoryParams{"MISSING_REQUIRED_PARAM", "Session ID or Chat ID must be provided", 400};
inline constexpr ErrorSpec kOlHistorySession{"INVALID_SESSION_ID",
                                             "Unable to determine session ID from provided parameters", 400};
// imopenlines.bot.session.* (chat-bots/*.md; spec 002 "Handling chat bots").
inline constexpr ErrorSpec kOlBotSessionAuth{"WRONG_AUTH_TYPE",
                                             "Access for this method not allowed by session authorization", 403};
inline constexpr ErrorSpec kOlNotBotOperator{"WRONG_CHAT", "Operator is not a bot", 400};
inline constexpr ErrorSpec kOlNotUnderBot{"WRONG_CHAT", "Specified chat is not under bot control", 400};
// bot.session.dialog.new: only missing parameters have codes of their own (CORP rest.php botSessionNew).
inline constexpr ErrorSpec kOlEmptyChatId{"EMPTY_CHAT_ID", "Param CHAT_ID is empty", 400};
inline constexpr ErrorSpec kOlEmptyOperatorId{"EMPTY_OPERATOR_ID", "Param OPERATOR_ID is empty", 400};
inline constexpr ErrorSpec kOlEmptyMessageId{"EMPTY_MESSAGE_ID", "Param MESSAGE_ID is empty", 400};
inline constexpr ErrorSpec kOlCantSaveQuickAnswer{"CANT_SAVE_QUICK_ANSWER", "Error saving quick answer", 400};
// imhub.openlines.* (imhub's own; docs/openlines.md "The operator view")
inline constexpr ErrorSpec kOlQuickLineEmpty{"LINE_ID_EMPTY", "Chat ID or line ID must be provided", 400};
inline constexpr ErrorSpec kOlQuickNotFound{"QUICK_ANSWER_NOT_FOUND", "Quick answer not found", 400};
inline constexpr ErrorSpec kOlQuickIdEmpty{"ID_EMPTY", "Quick answer ID can't be empty", 400};
// imopenlines.network.* (imopenlines-network-join.md, imopenlines-network-message-add.md).
inline constexpr ErrorSpec kOlNetworkCode{"CODE", "You entered an invalid code", 400};
inline constexpr ErrorSpec kOlNetworkNotFound{"NOT_FOUND", "Line not found", 400};
inline constexpr ErrorSpec kOlNetworkInactive{"INACTIVE", "Openline is inactive", 400};
inline constexpr ErrorSpec kOlNetworkMessageEmpty{"MESSAGE_EMPTY", "Message can't be empty", 400};
inline constexpr ErrorSpec kOlNetworkUserLimit{"USER_MESSAGE_LIMIT",
                                               "You can't send more than one message per week to each user", 400};
inline constexpr ErrorSpec kOlNetworkNotAdded{"WRONG_REQUEST", "Message isn't added", 400};

// --- The live chat (rest/livechat_*.cpp, api/imopenlines_widget.cpp; protocol-openlines.md §8).
// Refused live-chat credentials answer 401, like every failed credential check.
inline constexpr ErrorSpec kLivechatWidgetUser{"LIVECHAT_AUTH_WIDGET_USER", "LiveChat: user not found", 401};
inline constexpr ErrorSpec kLivechatPortalUser{"LIVECHAT_AUTH_PORTAL_USER",
                                               "LiveChat: you are authorized with a portal user", 401};
inline constexpr ErrorSpec kLivechatMethod{"LIVECHAT_AUTH_METHOD_ERROR",
                                           "LiveChat: you don't have access to use this method", 401};
inline constexpr ErrorSpec kLivechatFailed{"LIVECHAT_AUTH_FAILED", "LiveChat: user auth failed [code is not correct]",
                                           401};
inline constexpr ErrorSpec kLivechatBlocked{"LIVECHAT_AUTH_BLOCKED",
                                            "LiveChat: too many failed attempts, try again later", 401};
inline constexpr ErrorSpec kLivechatDialogOnly{"ACCESS_DENIED",
                                               "Access denied! A visitor reaches only their own dialog", 403};
inline constexpr ErrorSpec kLivechatNoFiles{"ACCESS_DENIED", "Access denied! Files are not enabled for the live chat",
                                            403};
inline constexpr ErrorSpec kWidgetConfigNotFound{"CONFIG_NOT_FOUND", "Config not found", 400};
inline constexpr ErrorSpec kWidgetDisabled{"WRONG_REQUEST", "This method is disabled", 403};
inline constexpr ErrorSpec kWidgetSessionAccess{"ACCESS_DENIED", "You don't have access to this session", 403};
inline constexpr ErrorSpec kWidgetMessageAccess{"ACCESS_DENIED", "You don't have access to this message", 403};
inline constexpr ErrorSpec kWidgetLivechatOnly{"WRONG_AUTH_TYPE",
                                               "Access for this method allowed only by livechat authorization.", 403};

// --- imconnector.* (api/imconnector.cpp; reference imopenlines/imconnector/, protocol-openlines.md §7)
inline constexpr ErrorSpec kIcAppContext{
    "WRONG_AUTH_TYPE", "Current authorization type is denied for this method Application context required", 403};
inline constexpr ErrorSpec kIcNotActiveLine{"NOT_ACTIVE_LINE", "The line with this ID is inactive or does not exist",
                                            400};
inline constexpr ErrorSpec kIcNoProvider{"IMCONNECTOR_NO_CORRECT_PROVIDER",
                                         "Failed to find a suitable provider for the connector", 400};
inline constexpr ErrorSpec kIcListAccess{"ACCESS_DENIED", "You don't have access to this action", 400};
inline constexpr ErrorSpec kIcRenameFailed{"CHAT_RENAMING_FAILED", "Failed to rename the chat", 400};
// register / unregister answer these inside `result` with HTTP 200 ({result: false, error, error_description}).
inline constexpr ErrorSpec kIcIdWithPoint{
    "APPLICATION_REGISTRATION_ERROR_POINT",
    "Application registration error. Using a dot in the connector identifier is not allowed", 200};
inline constexpr ErrorSpec kIcIdRequired{"CONNECTOR_ID_REQUIRED", "Connector ID is not specified", 200};
inline constexpr ErrorSpec kIcNameRequired{"NAME_REQUIRED", "Connector name is not specified", 200};
inline constexpr ErrorSpec kIcIconRequired{"ICON_REQUIRED", "Connector icon is not specified", 200};
inline constexpr ErrorSpec kIcNoPlacementHandler{"NO_PLACEMENT_HANDLER", "Failed to get embedding handler URL", 200};
inline constexpr ErrorSpec kIcGeneralRegistrationError{"GENERAL_CONNECTOR_REGISTRATION_ERROR",
                                                       "General connector registration error", 200};
inline constexpr ErrorSpec kIcRegistrationError{"APPLICATION_REGISTRATION_ERROR", "Application registration error",
                                                200};
inline constexpr ErrorSpec kIcUnregistrationError{"APPLICATION_UNREGISTRATION_ERROR",
                                                  "Error unregistering the application", 200};

// --- imhub.console.* (api/console.cpp): imhub's developer console, not Bitrix24 methods. Refused
// like the platform's other administrator-only methods: ACCESS_DENIED, 403.
inline constexpr ErrorSpec kConsoleAccess{
    "ACCESS_DENIED", "Access denied! The developer console is for administrators, signed in or by webhook", 403};
inline constexpr ErrorSpec kConsoleRetryEmpty{"ERROR_ARGUMENT", "Give ID (failed deliveries) or HANDLER", 400};
inline constexpr ErrorSpec kConsoleFailedNotFound{"ERROR_NOT_FOUND", "No failed delivery with this ID", 404};
inline constexpr ErrorSpec kConsoleBotNotFound{"ERROR_NOT_FOUND", "Bot not found", 404};

}  // namespace imhub::errors
