-- The same $expand, over and over.
request = function()
  return wrk.format("GET", "/fhir/ValueSet/$expand?url=" .. urlencode(BASE_VS .. "behavioral-health-codes") .. "&count=20")
end
