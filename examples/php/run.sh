#!/usr/bin/env bash
# One command: registers the PHP EchoBot in imhub through an inbound webhook and serves it with
# PHP's built-in server.
#   examples/php/run.sh http://127.0.0.1:8080/rest/1/<secret>/ [PORT]
# Write to the bot in imhub (its id is printed), and it answers; its "Again" button works too.
set -euo pipefail
WEBHOOK="${1:?usage: $0 WEBHOOK_URL [PORT]   (the webhook that imhub init printed, with the server address)}"
PORT="${2:-9000}"
CLIENT_ID="${IMHUB_CLIENT_ID:-php-echobot}"
HERE="$(cd "$(dirname "$0")" && pwd)"
HANDLER="http://127.0.0.1:$PORT/bot.php"
[[ "$WEBHOOK" == */ ]] || WEBHOOK="$WEBHOOK/"

call() {  # call METHOD form-args…: prints the answer; fails on an error answer
  local out
  out=$(curl -sS "$WEBHOOK$1" "${@:2}")
  case "$out" in *'"error"'*) echo "run.sh: $1: $out" >&2; return 1 ;; esac
  echo "$out"
}

export IMHUB_WEBHOOK="$WEBHOOK" IMHUB_CLIENT_ID="$CLIENT_ID"
php -S "127.0.0.1:$PORT" -t "$HERE" >/dev/null 2>&1 &
php_pid=$!
trap 'kill $php_pid 2>/dev/null' EXIT INT TERM

# imbot.register answers with the existing bot's id when CODE and CLIENT_ID already registered it.
bot=$(call imbot.register -d CODE=php_echobot -d TYPE=B -d "EVENT_HANDLER=$HANDLER" -d "CLIENT_ID=$CLIENT_ID" \
  -d 'PROPERTIES[NAME]=EchoBot (PHP)' -d 'PROPERTIES[WORK_POSITION]=Repeats what you say' \
  | sed -E 's/^\{"result":([0-9]+).*/\1/')
call imbot.command.register -d "BOT_ID=$bot" -d COMMAND=echo -d "EVENT_COMMAND_ADD=$HANDLER" -d "CLIENT_ID=$CLIENT_ID" \
  -d 'LANG[0][LANGUAGE_ID]=en' -d 'LANG[0][TITLE]=Echo' -d 'LANG[0][PARAMS]=text' >/dev/null 2>&1 || true  # exists on a rerun
echo "{\"bot_id\":$bot,\"handler\":\"$HANDLER\"}"
wait $php_pid
