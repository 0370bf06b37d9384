-- CodeSystem/$validate-code requests never seen before: each carries a display no other request used.
request = function()
  local n = next_unique()
  local code = CODES[(n % #CODES) + 1]
  return wrk.format("GET", "/fhir/CodeSystem/$validate-code?system=" .. urlencode(CPT) .. "&code=" .. code .. "&display=Session%20" .. n)
end
