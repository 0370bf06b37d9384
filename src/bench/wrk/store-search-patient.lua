-- The searches by patient of a filled store (store-large.sh): each request a patient of PATIENTS (a table of ids
-- store-large.sh writes before this script) in turn, QUERY (set after this script) "encounter":
-- Encounter?patient=ID, "claim": Claim?patient=ID&_include=Claim:encounter. Each answer must hold the patient's
-- Encounter (and for claims its Claim). QUERY "page": a client paging through every Patient without criteria, each
-- request one of the first 500 pages of 20 (Patient?_count=20&_offset=...); each answer must hold Patients.
request = function()
  local n = next_unique()
  if QUERY == "page" then
    return wrk.format("GET", "/fhir/Patient?_count=20&_offset=" .. ((n % 500) * 20), {["Accept"] = "application/fhir+json"})
  end
  local id = PATIENTS[(n % #PATIENTS) + 1]
  if QUERY == "claim" then
    return wrk.format("GET", "/fhir/Claim?patient=" .. id .. "&_include=Claim:encounter", {["Accept"] = "application/fhir+json"})
  end
  return wrk.format("GET", "/fhir/Encounter?patient=" .. id, {["Accept"] = "application/fhir+json"})
end

response = function(status, headers, body)
  if QUERY == "page" then
    expect(status, body, '"resourceType":"Patient"')
    return
  end
  if QUERY == "claim" and not string.find(body, '"resourceType":"Claim"', 1, true) then
    status = 0
  end
  expect(status, body, '"resourceType":"Encounter"')
end
