-- POST Encounter/$suggest-codes with a visit never posted before (Patient, Practitioner, Encounter): the session
-- type, class and minutes change with every request, so each answer is computed.
local types = {"individual", "individual", "family-with-patient", "crisis", "group", "diagnostic-evaluation"}
local template = [[{"resourceType":"Bundle","type":"collection","entry":[
{"fullUrl":"urn:uuid:6b1d2e3f-0000-4000-8000-%N%01","resource":{"resourceType":"Patient","id":"p%N%"}},
{"fullUrl":"urn:uuid:6b1d2e3f-0000-4000-8000-%N%02","resource":{"resourceType":"Practitioner","id":"pr%N%","qualification":[{"code":{"coding":[{"system":"http://nucc.org/provider-taxonomy","code":"1041C0700X"}]}}]}},
{"fullUrl":"urn:uuid:6b1d2e3f-0000-4000-8000-%N%03","resource":{"resourceType":"Encounter","id":"e%N%","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"%CLASS%"},"type":[{"coding":[{"system":"http://psychcode.org/fhir/CodeSystem/session-type","code":"%TYPE%"}]}],"subject":{"reference":"urn:uuid:6b1d2e3f-0000-4000-8000-%N%01"},"participant":[{"individual":{"reference":"urn:uuid:6b1d2e3f-0000-4000-8000-%N%02"}}],"period":{"start":"2025-03-04T10:00:00-05:00"},"length":{"value":%MIN%,"unit":"min","system":"http://unitsofmeasure.org","code":"min"}}}
]}]]

request = function()
  local n = next_unique()
  local body = template
    :gsub("%%N%%", string.format("%010d", n))
    :gsub("%%TYPE%%", types[(n % #types) + 1])
    :gsub("%%CLASS%%", (n % 2 == 0) and "AMB" or "VR")
    :gsub("%%MIN%%", tostring(20 + (n % 120)))
  return wrk.format("POST", "/fhir/Encounter/$suggest-codes", {["Content-Type"] = "application/fhir+json", ["Accept"] = "application/fhir+json"}, body)
end

response = function(status, headers, body)
  expect(status, body, '"suggestion"')
end
