-- wrk script: GET every step fragment of one routine in turn (BASE = ".../steps/", STEPS = count).
local n = 0
local base = os.getenv("BASE")
local total = tonumber(os.getenv("STEPS") or "1")
request = function()
  local path = base .. (n % total)
  n = n + 1
  return wrk.format("GET", path)
end
