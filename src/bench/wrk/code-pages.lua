-- GET /codes/<code>, cycling through the published codes: each request a whole server-rendered page.
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/codes/" .. PAGE_CODES[(i % #PAGE_CODES) + 1], {["Accept"] = "text/html"})
end

response = function(status, headers, body)
  expect(status, body, nil)
end
