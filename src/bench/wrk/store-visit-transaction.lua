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
  return wrk.format("POST", "/fhir", fhir_headers(), fill_visit(template, next_unique()))
end

-- Each answer must be a transaction-response that created the visit: a 422 or another refusal would mean the
-- generated visit is not the one meant, and is counted and reported.
response = function(status, headers, body)
  expect(status, body, '"transaction-response"', '201 Created')
end
