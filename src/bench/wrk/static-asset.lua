-- GET /assets/site.css: Spring's own static-resource handler, the floor a page request stands on.
request = function()
  return wrk.format("GET", "/assets/site.css", {["Accept"] = "text/css"})
end

response = function(status, headers, body)
  expect(status, body, nil)
end
