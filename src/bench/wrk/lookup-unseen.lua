-- $lookup requests never seen before: a code and a set of requested properties no other request used
-- (unique for the first 50 x 16384 requests of a run).
request = function()
  local n = next_unique()
  local code = CODES[(n % #CODES) + 1]
  local mask = math.floor(n / #CODES) % 16384
  local path = "/fhir/CodeSystem/$lookup?system=" .. urlencode(CPT) .. "&code=" .. code
  for i, p in ipairs(PROPERTIES) do
    if math.floor(mask / 2 ^ (i - 1)) % 2 == 1 then
      path = path .. "&property=" .. p
    end
  end
  return wrk.format("GET", path)
end
