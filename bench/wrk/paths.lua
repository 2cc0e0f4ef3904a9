-- Cycles through the paths given after `--` (one request each), so that one wrk run
-- mixes common surnames and digit prefixes instead of repeating one query.
local paths = {}
local n = 0

function init(args)
  for _, p in ipairs(args) do
    paths[#paths + 1] = p
  end
end

function request()
  n = n % #paths + 1
  return wrk.format("GET", paths[n])
end

function response(status)
  if status ~= 200 then
    wrk.thread:set("bad", (wrk.thread:get("bad") or 0) + 1)
  end
end
