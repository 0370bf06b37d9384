-- GET /codes/<code>, cycling through the published codes: each request a whole server-rendered page.
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/codes/" .. PAGE_CODES[(i % #PAGE_CODES) + 1], {["Accept"] = "text/html"})
end

unexpected = 0
response = function(status, headers, body)
  if status ~= 200 then
    unexpected = unexpected + 1
  end
end

done = function(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do
    total = total + (t:get("unexpected") or 0)
  end
  io.stderr:write("unexpected answers: " .. total .. "\n")
end
