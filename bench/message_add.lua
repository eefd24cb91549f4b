-- wrk script: im.message.add into 100 group chats and 1,000 private dialogs, in turn.
-- Arguments: first chat id, number of chats, first user id, number of users.
local n = 0
local first_chat, chats, first_user, users = 1, 100, 2, 1000

function init(args)
  first_chat = tonumber(args[1] or first_chat)
  chats = tonumber(args[2] or chats)
  first_user = tonumber(args[3] or first_user)
  users = tonumber(args[4] or users)
  -- Threads start at different places so they do not all write the same chat.
  n = math.random(0, 1000000)
end

function request()
  n = n + 1
  local dialog
  if n % 2 == 0 then
    dialog = "chat" .. (first_chat + math.floor(n / 2) % chats)
  else
    dialog = tostring(first_user + math.floor(n / 2) % users)
  end
  local body = "DIALOG_ID=" .. dialog .. "&MESSAGE=Benchmark+message+number+" .. n
  return wrk.format("POST", nil, { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end
