-- The same $lookup, over and over.
request = function()
  return wrk.format("GET", "/fhir/CodeSystem/$lookup?system=" .. urlencode(CPT) .. "&code=90837")
end
