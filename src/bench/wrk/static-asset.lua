-- GET /assets/site.css: Spring's own static-resource handler, the floor a page request stands on.
request = function()
  return wrk.format("GET", "/assets/site.css", {["Accept"] = "text/css"})
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
