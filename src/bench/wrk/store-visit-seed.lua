-- POST /fhir with transaction Bundles of many visits each, to fill a store: store-visit-transaction.lua's visit
-- (store-large.sh loads common.lua, validate-visit-unseen.lua and that script first), repeated with consecutive
-- numbers, so every visit has its own MRN, date and minutes. Arguments after "--": threads, visits per Bundle,
-- the first visit number, the number of visits to store. Run with one connection per thread: a thread stops once
-- its next Bundle would go past the last visit (a request asked of it after that is a harmless GET /fhir/metadata).
-- Thread k of t sends the Bundles k, k + t, k + 2t, ...: the next one is chosen by the answers the thread has had,
-- not by how often wrk asked for a request, because wrk asks the first thread for one request it never sends (to
-- check the script before the run; counting requests lost that thread's first Bundle), and asks again for the
-- request it was sending when a connection broke.
local entries = template:match('"entry":%[\n(.*)\n%]}$')
local per_bundle, first, visits, answered = 100, 1, 0, 0

init = function(args)
  thread_count = tonumber(args[1] or "1")
  per_bundle = tonumber(args[2] or "100")
  first = tonumber(args[3] or "1")
  visits = tonumber(args[4] or "0")
end

-- the first visit (relative to `first`) of the thread's Bundle after this many answers
local function block_start(answers)
  return (answers * thread_count + thread_id) * per_bundle
end

request = function()
  local start = block_start(answered)
  if start >= visits then
    return wrk.format("GET", "/fhir/metadata")
  end
  local parts = {}
  for i = start, math.min(start + per_bundle, visits) - 1 do
    table.insert(parts, fill_visit(entries, first + i))
  end
  local body = '{"resourceType":"Bundle","type":"transaction","entry":[\n' .. table.concat(parts, ",\n") .. "\n]}"
  return wrk.format("POST", "/fhir", {["Content-Type"] = "application/fhir+json", ["Accept"] = "application/fhir+json"}, body)
end

response = function(status, headers, body)
  if string.find(body, '"CapabilityStatement"', 1, true) == nil then
    expect(status, body, '"transaction-response"')
  end
  answered = answered + 1
  if block_start(answered) >= visits then
    wrk.thread:stop()
  end
end
