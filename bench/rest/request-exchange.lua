-- request-exchange.lua - wrk script: POST /sessions/:id/request with a request the
-- exchange-sim back-end answers (a book snapshot), for random ids from $IDS_FILE.
-- The peer's request.lua sends {"input":"ping"}, which only its toy service understands.
package.path = os.getenv("PEER_BENCH") .. "/rest-load/?.lua;" .. package.path
local ids = require("ids").load()
local token = os.getenv("API_TOKEN")

wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token

request = function()
  return wrk.format("POST", "/sessions/" .. ids[math.random(#ids)] .. "/request", nil,
                    '{"type":"book","symbol":"SIM-A","depth":5}')
end
