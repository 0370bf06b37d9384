-- POST /fhir with a transaction Bundle of a 6-resource visit (Patient, Practitioner, Organization, Coverage,
-- Encounter, Claim) never posted before: every request carries its own MRN (the Patient is created on condition
-- of it: If-None-Exist), date and minutes (38-52, billed as 90834), so each stores six new resources.
local template = [[{"resourceType":"Bundle","type":"transaction","entry":[
{"fullUrl":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%01","resource":{"resourceType":"Patient","identifier":[{"system":"http://example.org/fhir/mrn","value":"MRN-%N%"}],"name":[{"family":"Rivera","given":["Ana"]}],"gender":"female","birthDate":"1988-04-12"},"request":{"method":"POST","url":"Patient","ifNoneExist":"identifier=http://example.org/fhir/mrn|MRN-%N%"}},
{"fullUrl":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%02","resource":{"resourceType":"Practitioner","identifier":[{"system":"http://hl7.org/fhir/sid/us-npi","value":"1234567893"}],"name":[{"family":"Okafor","given":["Grace"]}],"qualification":[{"code":{"coding":[{"system":"http://nucc.org/provider-taxonomy","code":"1041C0700X"}]}}]},"request":{"method":"POST","url":"Practitioner"}},
{"fullUrl":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%03","resource":{"resourceType":"Organization","name":"Riverbend Counseling"},"request":{"method":"POST","url":"Organization"}},
{"fullUrl":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%04","resource":{"resourceType":"Coverage","status":"active","beneficiary":{"reference":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%01"},"payor":[{"display":"Example Health Plan"}]},"request":{"method":"POST","url":"Coverage"}},
{"fullUrl":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%05","resource":{"resourceType":"Encounter","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},"type":[{"coding":[{"system":"http://psychcode.org/fhir/CodeSystem/session-type","code":"individual"}]}],"subject":{"reference":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%01"},"period":{"start":"2025-%M%-%D%T10:00:00-05:00","end":"2025-%M%-%D%T10:%MIN%:00-05:00"},"length":{"value":%MIN%,"unit":"min","system":"http://unitsofmeasure.org","code":"min"}},"request":{"method":"POST","url":"Encounter"}},
{"fullUrl":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%06","resource":{"resourceType":"Claim","status":"active","type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/claim-type","code":"professional"}]},"use":"claim","patient":{"reference":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%01"},"created":"2025-%M%-%D%","provider":{"reference":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%03"},"priority":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/processpriority","code":"normal"}]},"careTeam":[{"sequence":1,"provider":{"reference":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%02"},"qualification":{"coding":[{"system":"http://nucc.org/provider-taxonomy","code":"1041C0700X"}]}}],"diagnosis":[{"sequence":1,"diagnosisCodeableConcept":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"F41.1"}]}}],"insurance":[{"sequence":1,"focal":true,"coverage":{"reference":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%04"}}],"item":[{"sequence":1,"careTeamSequence":[1],"diagnosisSequence":[1],"productOrService":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"90834"}]},"servicedDate":"2025-%M%-%D%","locationCodeableConcept":{"coding":[{"system":"https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set","code":"11"}]},"quantity":{"value":1},"encounter":[{"reference":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%05"}]}]},"request":{"method":"POST","url":"Claim"}}
]}]]

request = function()
  local n = next_unique()
  local body = template
    :gsub("%%N%%", string.format("%010d", n))
    :gsub("%%M%%", string.format("%02d", (n % 12) + 1))
    :gsub("%%D%%", string.format("%02d", (n % 28) + 1))
    :gsub("%%MIN%%", tostring(38 + (n % 15)))
  return wrk.format("POST", "/fhir", {["Content-Type"] = "application/fhir+json", ["Accept"] = "application/fhir+json"}, body)
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
