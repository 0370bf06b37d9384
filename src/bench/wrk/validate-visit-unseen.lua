-- Bundle/$validate with a 6-resource visit (Patient, Practitioner, Organization, Coverage, Encounter, Claim)
-- never posted before: every request carries its own ids, MRN, date and minutes (38-52, billed as 90834),
-- so no cache of whole answers can serve it.
local template = [[{"resourceType":"Bundle","type":"collection","entry":[
{"fullUrl":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%01","resource":{"resourceType":"Patient","id":"p%N%","identifier":[{"system":"http://example.org/fhir/mrn","value":"MRN-%N%"}],"name":[{"family":"Rivera","given":["Ana"]}],"gender":"female","birthDate":"1988-04-12"}},
{"fullUrl":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%02","resource":{"resourceType":"Practitioner","id":"pr%N%","identifier":[{"system":"http://hl7.org/fhir/sid/us-npi","value":"1234567893"}],"name":[{"family":"Okafor","given":["Grace"]}],"qualification":[{"code":{"coding":[{"system":"http://nucc.org/provider-taxonomy","code":"1041C0700X"}]}}]}},
{"fullUrl":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%03","resource":{"resourceType":"Organization","id":"o%N%","name":"Riverbend Counseling"}},
{"fullUrl":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%04","resource":{"resourceType":"Coverage","id":"c%N%","status":"active","beneficiary":{"reference":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%01"},"payor":[{"display":"Example Health Plan"}]}},
{"fullUrl":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%05","resource":{"resourceType":"Encounter","id":"e%N%","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},"type":[{"coding":[{"system":"http://psychcode.org/fhir/CodeSystem/session-type","code":"individual"}]}],"subject":{"reference":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%01"},"period":{"start":"2025-%M%-%D%T10:00:00-05:00","end":"2025-%M%-%D%T10:%MIN%:00-05:00"},"length":{"value":%MIN%,"unit":"min","system":"http://unitsofmeasure.org","code":"min"}}},
{"fullUrl":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%06","resource":{"resourceType":"Claim","id":"cl%N%","status":"active","type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/claim-type","code":"professional"}]},"use":"claim","patient":{"reference":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%01"},"created":"2025-%M%-%D%","provider":{"reference":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%03"},"priority":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/processpriority","code":"normal"}]},"careTeam":[{"sequence":1,"provider":{"reference":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%02"},"qualification":{"coding":[{"system":"http://nucc.org/provider-taxonomy","code":"1041C0700X"}]}}],"diagnosis":[{"sequence":1,"diagnosisCodeableConcept":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"F41.1"}]}}],"insurance":[{"sequence":1,"focal":true,"coverage":{"reference":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%04"}}],"item":[{"sequence":1,"careTeamSequence":[1],"diagnosisSequence":[1],"productOrService":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"90834"}]},"servicedDate":"2025-%M%-%D%","locationCodeableConcept":{"coding":[{"system":"https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set","code":"11"}]},"quantity":{"value":1},"encounter":[{"reference":"urn:uuid:5a0c1e2d-0000-4000-8000-%N%05"}]}]}}
]}]]

-- The visit numbered n in text (the template, or a part of it): its own ids, MRN, date and minutes.
function fill_visit(text, n)
  return (text
    :gsub("%%N%%", string.format("%010d", n))
    :gsub("%%M%%", string.format("%02d", (n % 12) + 1))
    :gsub("%%D%%", string.format("%02d", (n % 28) + 1))
    :gsub("%%MIN%%", tostring(38 + (n % 15))))
end

request = function()
  return wrk.format("POST", "/fhir/Bundle/$validate", fhir_headers(), fill_visit(template, next_unique()))
end

-- Each answer must be the valid visit's single information issue: a billing finding or a 4xx would mean the
-- generated visit is not the one meant, and is counted and reported.
response = function(status, headers, body)
  expect(status, body, '"informational"')
end
