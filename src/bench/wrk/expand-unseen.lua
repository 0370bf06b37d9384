-- $expand requests never seen before: a value set, page and text filter no other request used.
local FILTERS = {"", "psycho", "family", "crisis", "group", "test", "eval", "care", "session", "hour"}
request = function()
  local n = next_unique()
  local vs = VALUE_SETS[(n % #VALUE_SETS) + 1]
  local filter = FILTERS[(math.floor(n / #VALUE_SETS) % #FILTERS) + 1]
  local count = 1 + (n % 50)
  local offset = n % 7919
  local path = "/fhir/ValueSet/$expand?url=" .. urlencode(BASE_VS .. vs) .. "&count=" .. count .. "&offset=" .. offset
  if filter ~= "" then
    path = path .. "&filter=" .. filter
  end
  return wrk.format("GET", path)
end
