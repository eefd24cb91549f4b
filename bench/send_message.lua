-- wrk script: ejabberd's send_message (mod_http_api) into ROOMS multi-user chat rooms, in turn, as
-- a groupchat message from the service administrator (the peer of bench/message_add.lua).
-- Arguments: number of rooms, MUC service, sender JID.
local n = 0
local rooms, service, from = 100, "conference.localhost", "bench@localhost"

function init(args)
  rooms = tonumber(args[1] or rooms)
  service = args[2] or service
  from = args[3] or from
  -- Threads start at different places so they do not all write the same room.
  n = math.random(0, 1000000)
end

function request()
  n = n + 1
  local body = '{"type":"groupchat","from":"' .. from .. '","to":"room' .. (1 + n % rooms) .. "@" .. service
    .. '","subject":"","body":"Benchmark message number ' .. n .. '"}'
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
