-- The searches by patient of a filled store (store-large.sh): each request a patient of PATIENTS (a table of ids
-- store-large.sh writes before this script) in turn, QUERY (set after this script) "encounter":
-- Encounter?patient=ID, "claim": Claim?patient=ID&_include=Claim:encounter. Each answer must hold the patient's
-- Encounter (and for claims its Claim).
request = function()
  local id = PATIENTS[(next_unique() % #PATIENTS) + 1]
  if QUERY == "claim" then
    return wrk.format("GET", "/fhir/Claim?patient=" .. id .. "&_include=Claim:encounter", {["Accept"] = "application/fhir+json"})
  end
  return wrk.format("GET", "/fhir/Encounter?patient=" .. id, {["Accept"] = "application/fhir+json"})
end

response = function(status, headers, body)
  if QUERY == "claim" and not string.find(body, '"resourceType":"Claim"', 1, true) then
    status = 0
  end
  expect(status, body, '"resourceType":"Encounter"')
end
