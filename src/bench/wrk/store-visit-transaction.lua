-- POST /fhir with a transaction Bundle of a 6-resource visit (Patient, Practitioner, Organization, Coverage,
-- Encounter, Claim) never posted before: every request carries its own MRN (the Patient is created on condition
-- of it: If-None-Exist), date and minutes (38-52, billed as 90834), so each stores six new resources.
-- The visit is validate-visit-unseen.lua's (store.sh loads that script first), made a transaction: every entry
-- POSTed without its id, the Patient on condition of its MRN.
local lines = {}
for line in (template .. "\n"):gmatch("(.-)\n") do
  local t = line:match('"resource":{"resourceType":"(%a+)"')
  if t then
    line = line:gsub('"id":"%a+%%N%%",', "")
    local condition = t == "Patient" and ',"ifNoneExist":"identifier=http://example.org/fhir/mrn|MRN-%%N%%"' or ""
    line = line:gsub("}}(,?)$", '},"request":{"method":"POST","url":"' .. t .. '"' .. condition .. '}}%1')
  end
  table.insert(lines, line)
end
template = table.concat(lines, "\n"):gsub('"type":"collection"', '"type":"transaction"')

request = function()
  local n = next_unique()
  local body = template
    :gsub("%%N%%", string.format("%010d", n))
    :gsub("%%M%%", string.format("%02d", (n % 12) + 1))
    :gsub("%%D%%", string.format("%02d", (n % 28) + 1))
    :gsub("%%MIN%%", tostring(38 + (n % 15)))
  return wrk.format("POST", "/fhir", fhir_headers(), body)
end

-- Each answer must be a transaction-response that created the visit: a 422 or another refusal would mean the
-- generated visit is not the one meant, and is counted and reported.
unexpected = 0

response = function(status, headers, body)
  if status ~= 200 or not string.find(body, '"transaction-response"', 1, true) or not string.find(body, '201 Created', 1, true) then
    unexpected = unexpected + 1
    if unexpected == 1 then
      io.stderr:write("unexpected answer " .. status .. ": " .. string.sub(body, 1, 300) .. "\n")
    end
  end
end

done = function(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do
    total = total + (t:get("unexpected") or 0)
  end
  io.stderr:write("unexpected answers: " .. total .. "\n")
end
