# Seeding for bench/run.sh and bench/store.sh: writes SQL straight into a stopped imhub store, so a
# store of millions of messages takes seconds, not hours of API calls. Sourced by them.
# DB is the SQLite file (sqlite3 runs the SQL) or a postgresql:// URL (psql runs it, with SQLite's
# two idioms here turned into PostgreSQL's: no PRAGMA, the Unix time from now()).

seed_exec() {  # DB, the SQL on stdin
  case "$1" in
    postgresql://*)
      sed -e '/^PRAGMA /d' -e "s/strftime('%s', 'now')/CAST(EXTRACT(EPOCH FROM now()) AS BIGINT)/g" |
        "${PSQL:-psql}" "$1" -q -v ON_ERROR_STOP=1 >/dev/null ;;
    *) sqlite3 "$1" ;;
  esac
}

# seed_people DB USERS: users 2..USERS+1 (user 1 is the admin `imhub init` made).
seed_people() {
  # The journal_mode pragma prints the mode; the bench's stdout is its report.
  seed_exec "$1" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
INSERT INTO users (login, name, last_name, email, date_register, timestamp_x)
SELECT 'user' || i, 'Person', 'Number ' || i, 'user' || i || '@example.com', strftime('%s', 'now'), strftime('%s', 'now')
FROM n;
COMMIT;
SQL
}

# seed_chats DB CHATS MEMBERS DIALOGS: CHATS group chats owned by user 1 with MEMBERS members
# each (user 1 and users 2..MEMBERS), and DIALOGS private dialogs of user 1 with users 2.. .
seed_chats() {
  seed_exec "$1" <<SQL
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
INSERT INTO chats (type, title, color, owner_id, author_id, created_at)
SELECT 'C', 'Bench chat ' || i, 'MINT', 1, 1, strftime('%s', 'now') FROM n;
INSERT INTO chat_members (chat_id, user_id, joined_at)
SELECT c.id, u.id, strftime('%s', 'now') FROM chats c JOIN users u ON u.id <= $3 WHERE c.type = 'C';
WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < $4 + 1)
INSERT INTO chats (type, owner_id, author_id, created_at, private_key)
SELECT 'P', 0, 1, strftime('%s', 'now'), '1:' || i FROM n;
INSERT INTO chat_members (chat_id, user_id, joined_at)
SELECT id, 1, strftime('%s', 'now') FROM chats WHERE type = 'P';
INSERT INTO chat_members (chat_id, user_id, joined_at)
SELECT id, CAST(substr(private_key, 3) AS INTEGER), strftime('%s', 'now') FROM chats WHERE type = 'P';
COMMIT;
SQL
}

# seed_messages DB COUNT [CHATS]: COUNT more messages spread over every chat in turn (or over
# chats 1..CHATS only), then the chats' sequence, last message and read marks brought up to date
# (members have read all but the last 3 messages of each chat).
seed_messages() {
  seed_exec "$1" <<SQL
PRAGMA cache_size = -200000;
BEGIN;
CREATE TEMP TABLE ids AS SELECT id, last_seq, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM chats
  WHERE id <= ${3:-9223372036854775807};
CREATE TEMP TABLE total AS SELECT COUNT(*) AS c FROM ids;
-- Message i goes to chat i mod C as that chat's message number i div C after what it had.
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $2 - 1)
INSERT INTO messages (chat_id, seq, author_id, text, created_at)
SELECT ids.id, ids.last_seq + n.i / (SELECT c FROM total) + 1, 1, 'Seeded message number ' || n.i,
  strftime('%s', 'now') - ($2 - n.i) / 100
FROM n JOIN ids ON ids.k = n.i % (SELECT c FROM total);
UPDATE chats SET last_seq = (SELECT MAX(seq) FROM messages WHERE chat_id = chats.id),
  last_message_id = (SELECT MAX(id) FROM messages WHERE chat_id = chats.id),
  last_message_at = (SELECT MAX(created_at) FROM messages WHERE chat_id = chats.id)
WHERE EXISTS (SELECT 1 FROM messages WHERE chat_id = chats.id);
UPDATE chat_members SET
  last_read_seq = (SELECT seq FROM messages WHERE chat_id = chat_members.chat_id ORDER BY id DESC LIMIT 1 OFFSET 3),
  last_read_id = (SELECT id FROM messages WHERE chat_id = chat_members.chat_id ORDER BY id DESC LIMIT 1 OFFSET 3)
WHERE EXISTS (SELECT 1 FROM messages WHERE chat_id = chat_members.chat_id);
COMMIT;
SQL
}

# seed_outbox DB EVENTS HANDLERS CHATS SINK: EVENTS ONIMBOTMESSAGEADD rows in the outbox, as
# bench/delivery.sh seeds them (about 900 bytes of payload, HANDLERS handler URLs under SINK, CHATS
# order keys) but in SQL both engines run: the payload is built by concatenation, not with
# json_object(), and its TEMPLATE_ID and delivery_id are the row's number in 32 digits (unique, and
# hex as enqueue_event()'s are) instead of randomblob(). Due at once.
seed_outbox() {
  local zeros=00000000000000000000000000000000
  seed_exec "$1" <<SQL
BEGIN;
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < $2),
rows AS (SELECT n, n % $3 AS h, n % $4 + 1 AS chat, 2 + n % 50 AS author,
  substr('$zeros' || CAST(n AS TEXT), length(CAST(n AS TEXT)) + 1) AS num FROM seq)
INSERT INTO event_outbox (app_id, handler, event, event_handler_id, payload, order_key, created_at, next_attempt_at)
SELECT 0, '$5/bot' || h || '.php?CLIENT_ID=bench-client-' || h, 'ONIMBOTMESSAGEADD', h + 1,
  '{"data":{"BOT":{"39":{"BOT_ID":39,"BOT_CODE":"bench_bot"}},"PARAMS":{"MESSAGE":"Message number ' || n ||
  ' of the delivery benchmark, with some [b]text[/b] & symbols","MESSAGE_ORIGINAL":"[USER=39]Bench[/USER] message number ' || n ||
  '","TEMPLATE_ID":"f' || substr(num, 2) || '","MESSAGE_TYPE":"C","FROM_USER_ID":' || author || ',"DIALOG_ID":"chat' || chat ||
  '","TO_CHAT_ID":' || chat || ',"AUTHOR_ID":' || author || ',"SYSTEM":"N","TO_USER_ID":39,"MENTIONED_LIST":{"39":39},"MESSAGE_ID":' || n ||
  ',"CHAT_TYPE":"C","LANGUAGE":"en","CHAT_ID":' || chat || ',"CHAT_TITLE":"Bench chat","CHAT_USER_COUNT":50,"PLATFORM_CONTEXT":"web"},' ||
  '"USER":{"ID":' || author || ',"NAME":"Bench User","FIRST_NAME":"Bench","LAST_NAME":"User","WORK_POSITION":"","GENDER":"M",' ||
  '"IS_BOT":"N","IS_CONNECTOR":"N","IS_NETWORK":"N","IS_EXTRANET":"N"}},"auth_user_id":' || author ||
  ',"send_refresh_token":true,"application_token":"bench-client-' || h ||
  '","token_slots":[{"path":["BOT","39"],"user_id":39}],"event_ttl":7,"delivery_id":"' || num || '"}',
  'chat:' || chat, strftime('%s', 'now') * 1000, 0
FROM rows;
COMMIT;
SQL
}
