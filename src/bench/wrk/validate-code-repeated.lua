-- The same CodeSystem/$validate-code request, over and over: what an EHR checking a common code does.
request = function()
  return wrk.format("GET", "/fhir/CodeSystem/$validate-code?system=" .. urlencode(CPT) .. "&code=90834&display=" .. urlencode("Psychotherapy, 45 minutes"))
end
