-- update.lua - wrk script: PUT /sessions/:id with If-Match, over sessions seeded in $IDS_FILE.
-- Usage: API_TOKEN=... IDS_FILE=ids.txt PEER_BENCH=../shared/bench THREADS=2 wrk -t2 -c64 -d10s --latency -s update.lua URL
--
-- Each wrk thread updates its own share of the ids round robin, so no two requests in
-- flight touch one session; the version for If-Match comes from that session's previous
-- answer (its body carries session_id and version). A 412 would mean a lost version.
package.path = os.getenv("PEER_BENCH") .. "/rest-load/?.lua;" .. package.path
local token = os.getenv("API_TOKEN") or "bench-token"
-- Every thread has a Lua state of its own: the count must match wrk's -t.
local threadCount = tonumber(os.getenv("THREADS") or "2")
local created = 0

function setup(thread)
  thread:set("index", created)
  created = created + 1
end

function init(args)
  local all = require("ids").load()
  ids, versions, nextId = {}, {}, 0
  for i, id in ipairs(all) do
    if (i - 1) % threadCount == index then
      ids[#ids + 1] = id
      versions[id] = 1
    end
  end
  authorization = "Bearer " .. token
end

function request()
  nextId = nextId % #ids + 1
  local id = ids[nextId]
  -- wrk.format uses the headers given instead of wrk.headers, not on top of them: pass all.
  local headers = {
    ["Authorization"] = authorization,
    ["Content-Type"] = "application/json",
    ["If-Match"] = '"' .. versions[id] .. '"',
  }
  local body = string.format('{"metadata":{"client":"wrk","n":%d}}', versions[id])
  return wrk.format("PUT", "/sessions/" .. id, headers, body)
end

function response(status, headers, body)
  if status ~= 200 then return end
  local id = body:match('"session_id":"([^"]+)"')
  local version = body:match('"version":(%d+)')
  if id and version then versions[id] = tonumber(version) end
end
