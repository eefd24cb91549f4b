#include "store/migrations.hpp"

namespace imhub {

// Append only: a released migration is never edited, a change is a new version.
const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kAll = {
      {1, "portal_users_departments_webhooks", R"SQL(
CREATE TABLE portal (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  domain TEXT NOT NULL,
  member_id TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE departments (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  sort INTEGER NOT NULL DEFAULT 500,
  parent_id BIGINT,
  head_id BIGINT
);
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  active INTEGER NOT NULL DEFAULT 1,
  login TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  second_name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  xml_id TEXT NOT NULL DEFAULT '',
  work_position TEXT NOT NULL DEFAULT '',
  work_phone TEXT NOT NULL DEFAULT '',
  work_company TEXT NOT NULL DEFAULT '',
  personal_gender TEXT NOT NULL DEFAULT '',
  personal_birthday TEXT NOT NULL DEFAULT '',
  personal_www TEXT NOT NULL DEFAULT '',
  personal_mobile TEXT NOT NULL DEFAULT '',
  personal_phone TEXT NOT NULL DEFAULT '',
  personal_city TEXT NOT NULL DEFAULT '',
  personal_photo TEXT NOT NULL DEFAULT '',
  uf_phone_inner TEXT NOT NULL DEFAULT '',
  uf_employment_date TEXT NOT NULL DEFAULT '',
  time_zone TEXT NOT NULL DEFAULT '',
  user_type TEXT NOT NULL DEFAULT 'employee',
  external_auth_id TEXT NOT NULL DEFAULT '',
  is_admin INTEGER NOT NULL DEFAULT 0,
  date_register BIGINT NOT NULL,
  last_login BIGINT,
  last_activity BIGINT,
  timestamp_x BIGINT NOT NULL
);
CREATE TABLE user_departments (
  user_id BIGINT NOT NULL,
  department_id BIGINT NOT NULL,
  PRIMARY KEY (user_id, department_id)
);
CREATE INDEX user_departments_by_department ON user_departments (department_id, user_id);
CREATE TABLE webhooks (
  id INTEGER PRIMARY KEY,
  user_id BIGINT NOT NULL,
  secret_hash TEXT NOT NULL,
  scopes TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX webhooks_by_user ON webhooks (user_id);
)SQL"},
      {2, "options", R"SQL(
CREATE TABLE app_options (
  owner TEXT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (owner, name)
);
CREATE TABLE user_options (
  owner TEXT NOT NULL,
  user_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (owner, user_id, name)
);
ALTER TABLE users ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
)SQL"},
      // Chats, members and messages (design.md "Performance design"): every message takes the
      // chat's next sequence number; a member's unread count is the chat's last sequence minus
      // the member's last read sequence, so a message never touches other members' rows.
      {3, "chats", R"SQL(
CREATE TABLE chats (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  color TEXT NOT NULL DEFAULT '',
  avatar TEXT NOT NULL DEFAULT '',
  owner_id BIGINT NOT NULL DEFAULT 0,
  author_id BIGINT NOT NULL DEFAULT 0,
  entity_type TEXT NOT NULL DEFAULT '',
  entity_id TEXT NOT NULL DEFAULT '',
  private_key TEXT,
  last_seq BIGINT NOT NULL DEFAULT 0,
  last_message_id BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX chats_private_pair ON chats (private_key);
CREATE INDEX chats_by_entity ON chats (entity_type, entity_id);
CREATE TABLE chat_members (
  chat_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  joined_at BIGINT NOT NULL,
  first_visible_id BIGINT NOT NULL DEFAULT 0,
  last_read_seq BIGINT NOT NULL DEFAULT 0,
  last_read_id BIGINT NOT NULL DEFAULT 0,
  muted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (chat_id, user_id)
);
CREATE INDEX chat_members_by_user ON chat_members (user_id, chat_id);
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  chat_id BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  author_id BIGINT NOT NULL,
  text TEXT NOT NULL,
  params TEXT NOT NULL DEFAULT '',
  system INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  edited_at BIGINT NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_by_chat ON messages (chat_id, id);
)SQL"},
      // Messages: idempotent sends (TEMPLATE_ID) and the time of the chat's last message for the
      // recent list. Members: the recent-list marks (pinned, hidden until the next message, the
      // manual "unread" mark).
      {4, "messages_recent", R"SQL(
ALTER TABLE chats ADD COLUMN last_message_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN template_id TEXT;
CREATE UNIQUE INDEX messages_by_template ON messages (author_id, template_id);
ALTER TABLE chat_members ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chat_members ADD COLUMN hidden_at_seq BIGINT NOT NULL DEFAULT -1;
ALTER TABLE chat_members ADD COLUMN marked_unread INTEGER NOT NULL DEFAULT 0;
CREATE TABLE message_commands (
  id INTEGER PRIMARY KEY,
  message_id BIGINT NOT NULL,
  chat_id BIGINT NOT NULL,
  bot_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  command TEXT NOT NULL,
  command_params TEXT NOT NULL DEFAULT '',
  context TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
)SQL"},
      // Notifications (im.notify.*): each belongs to one recipient. The partial index on unread
      // rows makes a user's unread counter a count over that user's unread notifications only;
      // tags are looked up when a tagged notification replaces or deletes its predecessors.
      {6, "notifications", R"SQL(
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  user_id BIGINT NOT NULL,
  author_id BIGINT NOT NULL DEFAULT 0,
  type INTEGER NOT NULL,
  module TEXT NOT NULL DEFAULT '',
  event TEXT NOT NULL DEFAULT '',
  tag TEXT NOT NULL DEFAULT '',
  sub_tag TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL,
  text_out TEXT NOT NULL DEFAULT '',
  buttons TEXT NOT NULL DEFAULT '',
  answerable INTEGER NOT NULL DEFAULT 0,
  params TEXT NOT NULL DEFAULT '',
  is_read INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX notifications_by_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE is_read = 0;
CREATE INDEX notifications_by_tag ON notifications (tag) WHERE tag <> '';
CREATE INDEX notifications_by_sub_tag ON notifications (sub_tag) WHERE sub_tag <> '';
)SQL"},
      // Messenger presence and search history (im.user.status.*, im.search.last.*). Presence has a
      // table of its own because it changes on every request: the users table feeds the user
      // caches, which are dropped whenever it is written.
      {7, "presence_search_last", R"SQL(
CREATE TABLE user_presence (
  user_id BIGINT PRIMARY KEY,
  status TEXT NOT NULL DEFAULT 'online',
  idle_since BIGINT,
  last_activity BIGINT,
  desktop_last BIGINT,
  mobile_last BIGINT
);
CREATE TABLE search_last (
  user_id BIGINT NOT NULL,
  dialog_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  PRIMARY KEY (user_id, dialog_id)
);
CREATE INDEX search_last_by_seq ON search_last (user_id, seq);
)SQL"},
      // Drive objects (folders and files share one id space, as Drive objects do). A chat's
      // folder has code 'chat'; a user's "Saved Files" folder code 'saved'. A file's bytes live
      // in <data>/files/<blob[0:2]>/<blob>, one blob per object (copies are hard links), so
      // deleting an object never touches another's content. disk_attachments records which
      // message published a file in a chat (im.disk.file.commit).
      {8, "disk", R"SQL(
CREATE TABLE disk_objects (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  parent_id BIGINT NOT NULL DEFAULT 0,
  storage_id BIGINT NOT NULL DEFAULT 0,
  code TEXT,
  name TEXT NOT NULL,
  chat_id BIGINT NOT NULL DEFAULT 0,
  owner_id BIGINT NOT NULL DEFAULT 0,
  size BIGINT NOT NULL DEFAULT 0,
  mime TEXT NOT NULL DEFAULT '',
  blob TEXT NOT NULL DEFAULT '',
  width INTEGER NOT NULL DEFAULT 0,
  height INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX disk_objects_folder_code ON disk_objects (code, chat_id, owner_id);
CREATE UNIQUE INDEX disk_objects_name_in_folder ON disk_objects (parent_id, name) WHERE type = 'file';
CREATE INDEX disk_objects_by_chat ON disk_objects (chat_id);
CREATE TABLE disk_attachments (
  file_id BIGINT NOT NULL,
  chat_id BIGINT NOT NULL,
  message_id BIGINT NOT NULL,
  PRIMARY KEY (file_id, message_id)
);
CREATE INDEX disk_attachments_by_chat ON disk_attachments (chat_id, file_id);
)SQL"},
      // Link previews (URL_PREVIEW): a message's params.URL_ID names a row; a recent row for the
      // same URL is reused instead of fetching the page again.
      {9, "url_previews", R"SQL(
CREATE TABLE url_previews (
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  image TEXT NOT NULL DEFAULT '',
  fetched_at BIGINT NOT NULL
);
CREATE INDEX url_previews_by_url ON url_previews (url, fetched_at);
CREATE INDEX url_previews_by_time ON url_previews (fetched_at);
)SQL"},
      {10, "event_outbox", R"SQL(
CREATE TABLE event_outbox (
  id INTEGER PRIMARY KEY,
  app_id BIGINT NOT NULL,
  handler TEXT NOT NULL,
  event TEXT NOT NULL,
  event_handler_id BIGINT NOT NULL DEFAULT 0,
  payload TEXT NOT NULL,
  order_key TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX event_outbox_due ON event_outbox (next_attempt_at, id);
CREATE INDEX event_outbox_order ON event_outbox (order_key, id);
)SQL"},
      // Local applications (src/apps): the application, OAuth codes and spent refresh tokens
      // (access and refresh tokens themselves are signed, never stored), event subscriptions
      // and the offline event queue (protocol.md §7, §8.6).
      {11, "apps_oauth_events", R"SQL(
CREATE TABLE apps (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  client_id TEXT NOT NULL UNIQUE,
  client_secret_hash TEXT NOT NULL,
  application_token TEXT NOT NULL,
  handler TEXT NOT NULL,
  redirect_uri TEXT NOT NULL DEFAULT '',
  scopes TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  language_id TEXT NOT NULL DEFAULT 'en',
  installed INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 0,
  generation INTEGER NOT NULL DEFAULT 0,
  installed_by BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  installed_at BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE oauth_codes (
  code_hash TEXT PRIMARY KEY,
  app_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  generation INTEGER NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE TABLE oauth_spent_refresh_tokens (
  nonce TEXT PRIMARY KEY,
  app_id BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX oauth_spent_refresh_tokens_expiry ON oauth_spent_refresh_tokens (expires_at);
CREATE TABLE event_bindings (
  id INTEGER PRIMARY KEY,
  app_id BIGINT NOT NULL,
  event TEXT NOT NULL,
  handler TEXT NOT NULL DEFAULT '',
  user_id BIGINT NOT NULL DEFAULT 0,
  connector TEXT NOT NULL DEFAULT '',
  offline INTEGER NOT NULL DEFAULT 0,
  min_timeout INTEGER NOT NULL DEFAULT 1,
  notified_at BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX event_bindings_unique ON event_bindings (app_id, event, handler, user_id, connector);
CREATE INDEX event_bindings_by_event ON event_bindings (event, app_id);
CREATE TABLE offline_events (
  id INTEGER PRIMARY KEY,
  app_id BIGINT NOT NULL,
  connector TEXT NOT NULL DEFAULT '',
  event TEXT NOT NULL,
  data TEXT NOT NULL,
  user_id BIGINT NOT NULL DEFAULT 0,
  message_id TEXT NOT NULL,
  process_id TEXT NOT NULL DEFAULT '',
  error INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  reserved_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX offline_events_queue ON offline_events (app_id, connector, process_id, id);
CREATE INDEX offline_events_message ON offline_events (app_id, connector, message_id);
)SQL"},
      // The delivery worker finds new outbox rows with an id cursor, so ids must never be reused
      // (a plain INTEGER PRIMARY KEY hands out max(id) + 1, i.e. the id of a just-delivered row
      // again): the table is rebuilt with AUTOINCREMENT. Its lanes are (order key, handler),
      // read in id order. Events given up after `events.expire_after` wait in event_failed for
      // `imhub events retry`.
      {12, "event_delivery", R"SQL(
CREATE TABLE event_outbox_v12 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  app_id BIGINT NOT NULL,
  handler TEXT NOT NULL,
  event TEXT NOT NULL,
  event_handler_id BIGINT NOT NULL DEFAULT 0,
  payload TEXT NOT NULL,
  order_key TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  last_error TEXT NOT NULL DEFAULT ''
);
INSERT INTO event_outbox_v12 (id, app_id, handler, event, event_handler_id, payload, order_key, created_at, attempts,
  next_attempt_at, last_error)
  SELECT id, app_id, handler, event, event_handler_id, payload, order_key, created_at, attempts, next_attempt_at,
  last_error FROM event_outbox;
DROP TABLE event_outbox;
ALTER TABLE event_outbox_v12 RENAME TO event_outbox;
CREATE INDEX event_outbox_lane ON event_outbox (order_key, handler, id);
CREATE TABLE event_failed (
  id INTEGER PRIMARY KEY,
  app_id BIGINT NOT NULL,
  handler TEXT NOT NULL,
  event TEXT NOT NULL,
  event_handler_id BIGINT NOT NULL DEFAULT 0,
  payload TEXT NOT NULL,
  order_key TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  failed_at BIGINT NOT NULL,
  delivery_id TEXT NOT NULL DEFAULT ''
);
)SQL"},
      // Reads that must not touch member rows one by one: the muted members of a chat come from a
      // partial index. Idempotency keys: only messages sent with a TEMPLATE_ID are indexed, so an
      // ordinary message costs one index entry less to write.
      {13, "read_indexes", R"SQL(
CREATE INDEX chat_members_muted ON chat_members (chat_id, user_id) WHERE muted = 1;
DROP INDEX messages_by_template;
CREATE UNIQUE INDEX messages_by_template ON messages (author_id, template_id) WHERE template_id IS NOT NULL;
)SQL"},
      // Chatbots (imbot.*, protocol.md §9): a bot is a user (external_auth_id 'bot') plus this row.
      // `owner` is the application that registered it: "app:<id>" for an OAuth application,
      // "custom<CLIENT_ID>" for a bot registered through an inbound webhook (§9.5). Commands
      // belong to a bot and answer through their own handler.
      {14, "bots", R"SQL(
CREATE TABLE bots (
  id BIGINT PRIMARY KEY,
  code TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT 'B',
  openline INTEGER NOT NULL DEFAULT 0,
  app_id BIGINT NOT NULL DEFAULT 0,
  owner TEXT NOT NULL,
  handler_message_add TEXT NOT NULL DEFAULT '',
  handler_message_update TEXT NOT NULL DEFAULT '',
  handler_message_delete TEXT NOT NULL DEFAULT '',
  handler_welcome TEXT NOT NULL DEFAULT '',
  handler_bot_delete TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX bots_by_code ON bots (code);
CREATE INDEX bots_by_owner ON bots (owner, id);
CREATE TABLE bot_commands (
  id INTEGER PRIMARY KEY,
  bot_id BIGINT NOT NULL,
  command TEXT NOT NULL,
  common INTEGER NOT NULL DEFAULT 0,
  hidden INTEGER NOT NULL DEFAULT 0,
  extranet_support INTEGER NOT NULL DEFAULT 0,
  handler TEXT NOT NULL,
  lang TEXT NOT NULL DEFAULT '',
  owner TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX bot_commands_by_bot ON bot_commands (bot_id, command);
CREATE INDEX bot_commands_by_name ON bot_commands (command);
)SQL"},
      // The bot surface (imbot.chat.setManager, imbot.app.*, placement.*): chat managers, chat apps
      // ("Application for Chat") and the IM_* placements of applications. `owner` of a chat app is
      // the bot owner key of the application that registered it (bots/bot.hpp).
      {15, "bot_surface", R"SQL(
ALTER TABLE chat_members ADD COLUMN manager INTEGER NOT NULL DEFAULT 0;
CREATE INDEX chat_members_managers ON chat_members (chat_id, user_id) WHERE manager = 1;
CREATE TABLE chat_apps (
  id INTEGER PRIMARY KEY,
  owner TEXT NOT NULL,
  bot_id BIGINT NOT NULL,
  code TEXT NOT NULL,
  js_method TEXT NOT NULL DEFAULT '',
  js_param TEXT NOT NULL DEFAULT '',
  iframe TEXT NOT NULL DEFAULT '',
  iframe_width INTEGER NOT NULL DEFAULT 350,
  iframe_height INTEGER NOT NULL DEFAULT 250,
  iframe_popup INTEGER NOT NULL DEFAULT 0,
  hash TEXT NOT NULL DEFAULT '',
  context TEXT NOT NULL DEFAULT 'all',
  hidden INTEGER NOT NULL DEFAULT 0,
  extranet_support INTEGER NOT NULL DEFAULT 0,
  livechat_support INTEGER NOT NULL DEFAULT 0,
  icon TEXT NOT NULL DEFAULT '',
  lang TEXT NOT NULL DEFAULT '[]',
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX chat_apps_by_bot ON chat_apps (bot_id, code);
CREATE INDEX chat_apps_by_owner ON chat_apps (owner, id);
CREATE TABLE app_placements (
  id INTEGER PRIMARY KEY,
  app_id BIGINT NOT NULL,
  placement TEXT NOT NULL,
  handler TEXT NOT NULL,
  user_id BIGINT NOT NULL DEFAULT 0,
  options TEXT NOT NULL DEFAULT '{}',
  title TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  lang TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX app_placements_by_handler ON app_placements (app_id, placement, handler, user_id);
)SQL"},
      // A bot's PROPERTIES.COLOR (imbot.register): users have no colour of their own, bots may.
      {16, "bot_color", R"SQL(
ALTER TABLE bots ADD COLUMN color TEXT NOT NULL DEFAULT '';
)SQL"},
      // Ids are never reused (issue 11): with a plain INTEGER PRIMARY KEY SQLite hands out
      // max(id) + 1, so after the newest bot, chat, message or file was deleted the next one took
      // its id and inherited whatever still pointed at it (a bot's messages, a chat's owner).
      // AUTOINCREMENT keeps the highest id ever used in sqlite_sequence. Each table is rebuilt
      // with every row and id kept (the sequence starts at the current maximum), and its
      // indexes are created again.
      {17, "ids_never_reused", R"SQL(
CREATE TABLE users_v17 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  active INTEGER NOT NULL DEFAULT 1,
  login TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  second_name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  xml_id TEXT NOT NULL DEFAULT '',
  work_position TEXT NOT NULL DEFAULT '',
  work_phone TEXT NOT NULL DEFAULT '',
  work_company TEXT NOT NULL DEFAULT '',
  personal_gender TEXT NOT NULL DEFAULT '',
  personal_birthday TEXT NOT NULL DEFAULT '',
  personal_www TEXT NOT NULL DEFAULT '',
  personal_mobile TEXT NOT NULL DEFAULT '',
  personal_phone TEXT NOT NULL DEFAULT '',
  personal_city TEXT NOT NULL DEFAULT '',
  personal_photo TEXT NOT NULL DEFAULT '',
  uf_phone_inner TEXT NOT NULL DEFAULT '',
  uf_employment_date TEXT NOT NULL DEFAULT '',
  time_zone TEXT NOT NULL DEFAULT '',
  user_type TEXT NOT NULL DEFAULT 'employee',
  external_auth_id TEXT NOT NULL DEFAULT '',
  is_admin INTEGER NOT NULL DEFAULT 0,
  date_register BIGINT NOT NULL,
  last_login BIGINT,
  last_activity BIGINT,
  timestamp_x BIGINT NOT NULL,
  search_text TEXT NOT NULL DEFAULT ''
);
INSERT INTO users_v17 SELECT id, active, login, name, last_name, second_name, email, xml_id, work_position, work_phone,
  work_company, personal_gender, personal_birthday, personal_www, personal_mobile, personal_phone, personal_city,
  personal_photo, uf_phone_inner, uf_employment_date, time_zone, user_type, external_auth_id, is_admin, date_register,
  last_login, last_activity, timestamp_x, search_text FROM users;
DROP TABLE users;
ALTER TABLE users_v17 RENAME TO users;
CREATE TABLE chats_v17 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  color TEXT NOT NULL DEFAULT '',
  avatar TEXT NOT NULL DEFAULT '',
  owner_id BIGINT NOT NULL DEFAULT 0,
  author_id BIGINT NOT NULL DEFAULT 0,
  entity_type TEXT NOT NULL DEFAULT '',
  entity_id TEXT NOT NULL DEFAULT '',
  private_key TEXT,
  last_seq BIGINT NOT NULL DEFAULT 0,
  last_message_id BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  last_message_at BIGINT NOT NULL DEFAULT 0
);
INSERT INTO chats_v17 SELECT id, type, title, description, color, avatar, owner_id, author_id, entity_type, entity_id,
  private_key, last_seq, last_message_id, created_at, last_message_at FROM chats;
DROP TABLE chats;
ALTER TABLE chats_v17 RENAME TO chats;
CREATE UNIQUE INDEX chats_private_pair ON chats (private_key);
CREATE INDEX chats_by_entity ON chats (entity_type, entity_id);
CREATE TABLE messages_v17 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  chat_id BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  author_id BIGINT NOT NULL,
  text TEXT NOT NULL,
  params TEXT NOT NULL DEFAULT '',
  system INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  edited_at BIGINT NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  template_id TEXT
);
INSERT INTO messages_v17 SELECT id, chat_id, seq, author_id, text, params, system, created_at, edited_at, deleted,
  template_id FROM messages;
DROP TABLE messages;
ALTER TABLE messages_v17 RENAME TO messages;
CREATE INDEX messages_by_chat ON messages (chat_id, id);
CREATE UNIQUE INDEX messages_by_template ON messages (author_id, template_id) WHERE template_id IS NOT NULL;
CREATE TABLE disk_objects_v17 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  parent_id BIGINT NOT NULL DEFAULT 0,
  storage_id BIGINT NOT NULL DEFAULT 0,
  code TEXT,
  name TEXT NOT NULL,
  chat_id BIGINT NOT NULL DEFAULT 0,
  owner_id BIGINT NOT NULL DEFAULT 0,
  size BIGINT NOT NULL DEFAULT 0,
  mime TEXT NOT NULL DEFAULT '',
  blob TEXT NOT NULL DEFAULT '',
  width INTEGER NOT NULL DEFAULT 0,
  height INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
INSERT INTO disk_objects_v17 SELECT id, type, parent_id, storage_id, code, name, chat_id, owner_id, size, mime, blob,
  width, height, created_at, updated_at FROM disk_objects;
DROP TABLE disk_objects;
ALTER TABLE disk_objects_v17 RENAME TO disk_objects;
CREATE UNIQUE INDEX disk_objects_folder_code ON disk_objects (code, chat_id, owner_id);
CREATE UNIQUE INDEX disk_objects_name_in_folder ON disk_objects (parent_id, name) WHERE type = 'file';
CREATE INDEX disk_objects_by_chat ON disk_objects (chat_id);
)SQL"},
      // A webhook bot belongs to the user whose webhook registered it, not to whoever presents its
      // CLIENT_ID (issue 17): the owner key "custom<CLIENT_ID>" becomes
      // "user:<user id>:custom<CLIENT_ID>", in bots and in the commands and chat apps that carry
      // the same key. Stores made before this did not record the registering user: a bot goes to
      // the one user holding active webhooks with the imbot scope when there is exactly one, else
      // to the first active administrator (the `init` admin, whose webhook the quick start uses).
      {18, "webhook_bot_owner", R"SQL(
UPDATE bots SET owner = 'user:' || COALESCE(
    (SELECT CASE WHEN COUNT(DISTINCT user_id) = 1 THEN MIN(user_id) END FROM webhooks
      WHERE active = 1 AND (',' || scopes || ',') LIKE '%,imbot,%'),
    (SELECT MIN(id) FROM users WHERE is_admin = 1 AND active = 1),
    0) || ':' || owner
  WHERE app_id = 0 AND owner LIKE 'custom%';
UPDATE bot_commands SET owner = (SELECT b.owner FROM bots b WHERE b.id = bot_commands.bot_id)
  WHERE owner LIKE 'custom%' AND EXISTS (SELECT 1 FROM bots b WHERE b.id = bot_commands.bot_id);
UPDATE chat_apps SET owner = (SELECT b.owner FROM bots b WHERE b.id = chat_apps.bot_id)
  WHERE owner LIKE 'custom%' AND EXISTS (SELECT 1 FROM bots b WHERE b.id = chat_apps.bot_id);
)SQL"},
      // Handler URLs registered by an administrator or the CLI (events/handler_trust.hpp): only
      // these may reach loopback addresses without `[events] allow_private` (issue 17, SSRF).
      // Handlers that exist when the store is upgraded were registered before the rule and keep
      // working: they are recorded as the CLI's.
      {19, "event_handler_trust", R"SQL(
CREATE TABLE event_handler_trust (
  handler TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
INSERT INTO event_handler_trust (handler, user_id, created_at)
  SELECT h, 0, 0 FROM (
    SELECT handler_message_add AS h FROM bots UNION SELECT handler_message_update FROM bots
    UNION SELECT handler_message_delete FROM bots UNION SELECT handler_welcome FROM bots
    UNION SELECT handler_bot_delete FROM bots UNION SELECT handler FROM bot_commands
    UNION SELECT handler FROM event_bindings UNION SELECT handler FROM apps
    UNION SELECT handler FROM event_outbox) AS existing
  WHERE h <> '';
)SQL"},
      // The delivery log (issue 11): the last deliveries of each handler with their answer, kept
      // bounded by the delivery worker (events/delivery_log.hpp).
      {20, "event_delivery_log", R"SQL(
CREATE TABLE event_delivery_log (
  id INTEGER PRIMARY KEY,
  at BIGINT NOT NULL,
  app_id BIGINT NOT NULL,
  handler TEXT NOT NULL,
  event TEXT NOT NULL,
  outbox_id BIGINT NOT NULL,
  delivery_id TEXT NOT NULL DEFAULT '',
  attempt INTEGER NOT NULL DEFAULT 1,
  outcome TEXT NOT NULL,
  status INTEGER NOT NULL DEFAULT 0,
  duration_ms BIGINT NOT NULL DEFAULT 0,
  answer TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX event_delivery_log_by_handler ON event_delivery_log (handler, id);
CREATE INDEX event_delivery_log_by_app ON event_delivery_log (app_id, id);
)SQL"},
      // Sign-in (issue 13): a password hash per user (Argon2id, PHC string) and the browser
      // sessions, kept by the hash of their token only (users/password.hpp, users/session.hpp).
      {21, "sign_in", R"SQL(
CREATE TABLE user_passwords (
  user_id BIGINT PRIMARY KEY,
  hash TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL,
  csrf TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
)SQL"},
      // The developer console (issue 13): the request of each logged delivery (redacted,
      // events/request_redaction.hpp) and its size, when a pending event was last tried, and the
      // failed list by handler (imhub.console.failed and retry of one handler's events).
      {22, "developer_console", R"SQL(
ALTER TABLE event_delivery_log ADD COLUMN request TEXT NOT NULL DEFAULT '';
ALTER TABLE event_delivery_log ADD COLUMN request_bytes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE event_outbox ADD COLUMN last_attempt_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX event_failed_by_handler ON event_failed (handler, id);
)SQL"},
      // Open Channels (issue 14, docs/openlines.md): LINES chats keep ENTITY_DATA_1..3 (protocol.md
      // §11.3) on the chat row. A line's settings are one JSON object of every config field
      // (protocol-openlines.md §2), its queue rows are the QUEUE entries as given (users and
      // departments), and `openline_turns` remembers who got the last session for the evenly
      // distribution. A session belongs to one LINES chat; the open ones of an operator and the
      // ones with a timer due are found by partial indexes. Custom connectors (imconnector.*) are
      // registered by an application, activated per line, and their messages keep the external
      // ids they came with or were delivered under. Connector users are found by their XML_ID.
      {23, "openlines", R"SQL(
ALTER TABLE chats ADD COLUMN entity_data_1 TEXT NOT NULL DEFAULT '';
ALTER TABLE chats ADD COLUMN entity_data_2 TEXT NOT NULL DEFAULT '';
ALTER TABLE chats ADD COLUMN entity_data_3 TEXT NOT NULL DEFAULT '';
CREATE TABLE openlines (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  line_name TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  settings TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  modified_at BIGINT NOT NULL,
  modify_user_id BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE openline_queue (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  line_id BIGINT NOT NULL,
  sort INTEGER NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id BIGINT NOT NULL
);
CREATE INDEX openline_queue_by_line ON openline_queue (line_id, sort);
CREATE TABLE openline_turns (
  line_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  turn BIGINT NOT NULL,
  PRIMARY KEY (line_id, user_id)
);
CREATE TABLE openline_sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  line_id BIGINT NOT NULL,
  chat_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  user_code TEXT NOT NULL,
  connector TEXT NOT NULL,
  mode TEXT NOT NULL DEFAULT 'input',
  status INTEGER NOT NULL DEFAULT 0,
  closed INTEGER NOT NULL DEFAULT 0,
  operator_id BIGINT NOT NULL DEFAULT 0,
  answered INTEGER NOT NULL DEFAULT 0,
  parent_id BIGINT NOT NULL DEFAULT 0,
  pinned INTEGER NOT NULL DEFAULT 0,
  vote INTEGER NOT NULL DEFAULT 0,
  vote_head INTEGER NOT NULL DEFAULT 0,
  comment_head TEXT,
  tried TEXT NOT NULL DEFAULT '',
  first_message_id BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  modified_at BIGINT NOT NULL,
  operator_at BIGINT NOT NULL DEFAULT 0,
  answered_at BIGINT NOT NULL DEFAULT 0,
  closed_at BIGINT NOT NULL DEFAULT 0,
  queue_at BIGINT NOT NULL DEFAULT 0,
  no_answer_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX openline_sessions_by_chat ON openline_sessions (chat_id, id);
CREATE INDEX openline_sessions_open ON openline_sessions (operator_id, line_id) WHERE closed = 0;
CREATE INDEX openline_sessions_queue_due ON openline_sessions (queue_at) WHERE closed = 0 AND queue_at > 0;
CREATE INDEX openline_sessions_no_answer_due ON openline_sessions (no_answer_at) WHERE closed = 0 AND no_answer_at > 0;
CREATE TABLE imconnectors (
  id TEXT PRIMARY KEY,
  app_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  settings TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL
);
CREATE TABLE imconnector_lines (
  connector TEXT NOT NULL,
  line_id BIGINT NOT NULL,
  active INTEGER NOT NULL DEFAULT 0,
  data TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (connector, line_id)
);
CREATE TABLE imconnector_messages (
  message_id BIGINT NOT NULL,
  external_id TEXT NOT NULL,
  chat_id BIGINT NOT NULL,
  connector TEXT NOT NULL,
  line_id BIGINT NOT NULL,
  external_chat_id TEXT NOT NULL,
  outgoing INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (message_id, external_id)
);
CREATE INDEX imconnector_messages_by_external
  ON imconnector_messages (connector, line_id, external_chat_id, external_id);
CREATE INDEX users_connector_xml_id ON users (xml_id) WHERE external_auth_id = 'imconnector';
)SQL"},
      // Open-line sessions close themselves when the client stays silent after the operator's reply
      // (AUTO_CLOSE_TIME): the time is kept, and found due by a partial index like the others. The
      // metrics' time to first answer reads the sessions answered lately by their answer time. A
      // chat has at most one open session, which the store now enforces.
      {24, "openline_auto_close", R"SQL(
ALTER TABLE openline_sessions ADD COLUMN close_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX openline_sessions_close_due ON openline_sessions (close_at) WHERE closed = 0 AND close_at > 0;
CREATE INDEX openline_sessions_answered ON openline_sessions (answered_at) WHERE answered_at > 0;
CREATE UNIQUE INDEX openline_sessions_one_open ON openline_sessions (chat_id) WHERE closed = 0;
)SQL"},
      // The live chat (protocol-openlines.md §8-§9): every line has a public URL code the widget
      // names it by (existing lines get one here); a visitor is a connector user whose secret hash
      // is kept only as its SHA-256 (found by an index, compared in constant time); a visitor's
      // message and its copy in the operators' LINES chat (and an operator's message and its copy
      // in the visitor's chat) are paired, so edits and deletions follow.
      {25, "livechat", R"SQL(
CREATE TABLE livechat_lines (
  line_id BIGINT PRIMARY KEY,
  url_code TEXT NOT NULL
);
CREATE UNIQUE INDEX livechat_lines_by_code ON livechat_lines (url_code);
-- randomblob/hex are SQLite's (issue 15: PostgreSQL needs gen_random_bytes/encode here).
INSERT INTO livechat_lines (line_id, url_code) SELECT id, lower(hex(randomblob(16))) FROM openlines;
CREATE TABLE livechat_visitors (
  user_id BIGINT PRIMARY KEY,
  hash_sha256 TEXT NOT NULL,
  consent_url TEXT NOT NULL DEFAULT '',
  consent_at BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX livechat_visitors_by_hash ON livechat_visitors (hash_sha256);
CREATE TABLE livechat_messages (
  visitor_message_id BIGINT PRIMARY KEY,
  operator_message_id BIGINT NOT NULL
);
CREATE UNIQUE INDEX livechat_messages_by_operator ON livechat_messages (operator_message_id);
)SQL"},
      // The rest of the open-line clock and Bitrix24.Network (docs/openlines.md): a session remembers
      // that the client had the offline text (working hours, once per session), that it waits for
      // the client's rating and until when the rating counts (VOTE_TIME_LIMIT). A line can carry a
      // network code (imhub openlines network) and the bot that speaks for it; network messages are
      // counted per line and user (one a week).
      {26, "openline_worktime_vote_network", R"SQL(
ALTER TABLE openline_sessions ADD COLUMN worktime_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE openline_sessions ADD COLUMN wait_vote INTEGER NOT NULL DEFAULT 0;
ALTER TABLE openline_sessions ADD COLUMN vote_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE openlines ADD COLUMN network_code TEXT;
ALTER TABLE openlines ADD COLUMN network_bot_id BIGINT NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX openlines_network_code ON openlines (network_code) WHERE network_code IS NOT NULL;
CREATE TABLE openline_network_messages (
  line_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  sent_at BIGINT NOT NULL,
  PRIMARY KEY (line_id, user_id)
);
)SQL"},
      // Quick answers of open lines (imopenlines.message.quick.save, imhub.openlines.quick.*): one list
      // per line, as the platform keeps one per line; a message is saved once per line.
      {27, "openline_quick_answers", R"SQL(
CREATE TABLE openline_quick_answers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  line_id BIGINT NOT NULL,
  text TEXT NOT NULL,
  message_id BIGINT NOT NULL DEFAULT 0,
  author_id BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX openline_quick_answers_by_line ON openline_quick_answers (line_id, id);
CREATE UNIQUE INDEX openline_quick_answers_message ON openline_quick_answers (line_id, message_id)
  WHERE message_id > 0;
)SQL"},
      // A chat's roster stamp: moves whenever the member list, a mute or a manager flag changes, in
      // the same transaction, so a cache of what a chat object derives from its members (count,
      // mute_list, manager_list) is checked against the chat row it is read with. Triggers, not the
      // writers, keep it, so no path that writes chat_members (the CLI, open lines, a future
      // migration) can forget it; read marks and pins do not move it. SQLite syntax: a PostgreSQL
      // backend needs the same three triggers as one PL/pgSQL function.
      {28, "chat_members_version", R"SQL(
ALTER TABLE chats ADD COLUMN members_version BIGINT NOT NULL DEFAULT 0;
CREATE TRIGGER chat_members_version_insert AFTER INSERT ON chat_members BEGIN
  UPDATE chats SET members_version = members_version + 1 WHERE id = NEW.chat_id;
END;
CREATE TRIGGER chat_members_version_delete AFTER DELETE ON chat_members BEGIN
  UPDATE chats SET members_version = members_version + 1 WHERE id = OLD.chat_id;
END;
CREATE TRIGGER chat_members_version_update AFTER UPDATE OF chat_id, user_id, muted, manager ON chat_members
  WHEN OLD.chat_id IS NOT NEW.chat_id OR OLD.user_id IS NOT NEW.user_id OR OLD.muted IS NOT NEW.muted
    OR OLD.manager IS NOT NEW.manager BEGIN
  UPDATE chats SET members_version = members_version + 1 WHERE id IN (OLD.chat_id, NEW.chat_id);
END;
)SQL"},
  };
  return kAll;
}

}  // namespace imhub
