-- Prepended to every scenario by run.sh. Per-thread counters keep "never seen" requests unique across
-- threads: thread k of t issues the numbers k, k + t, k + 2t, ...
local threads = {}
local counter = 0
thread_id = 0
thread_count = 1

CPT = "http://www.ama-assn.org/go/cpt"
BASE_VS = "http://psychcode.org/fhir/ValueSet/"
CODES = {"90785","90791","90792","90832","90833","90834","90836","90837","90838","90839","90840",
         "90845","90846","90847","90849","90853","90863","90865","90867","90868","90869","90870",
         "90880","90882","90885","90887","90889","90899","96127","96130","96131","96132","96133",
         "96136","96137","96138","96139","96156","96158","96159","99484","99492","99493","99494",
         "99213","99214","99215","90801","90806","99354"}
PROPERTIES = {"minimum-minutes","maximum-minutes","session-type","add-on","primary-code","never-with",
              "requires-prescriber","max-units-per-day","telehealth","typical-indication","setting",
              "similar-code","status","inactive"}
VALUE_SETS = {"behavioral-health-codes","psychotherapy-individual","psychotherapy-add-on","family","group",
              "crisis","diagnostic-evaluation","em-primary-codes","session-type","place-of-service"}

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

-- Arguments after "--": the number of threads, then (optional) an offset added to every number, so that runs
-- against the same server given different offsets never repeat a number either.
local offset = 0

function init(args)
  counter = 0
  thread_count = tonumber(args[1] or "1")
  offset = tonumber(args[2] or "0")
end

-- A number no other request of this run has used.
function next_unique()
  counter = counter + 1
  return offset + counter * thread_count + thread_id
end

function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

-- A scenario that checks its answers calls expect from its response function: an answer other than 200, or
-- without every text it must hold, is counted (and the first one shown); the total over the threads is reported on
-- stderr for the scripts to read.
unexpected = 0

function expect(status, body, ...)
  local missing = false
  for _, needle in ipairs({...}) do
    missing = missing or not string.find(body, needle, 1, true)
  end
  if status ~= 200 or missing then
    unexpected = unexpected + 1
    if unexpected == 1 then
      io.stderr:write("unexpected answer " .. status .. ": " .. string.sub(body, 1, 300) .. "\n")
    end
  end
end

done = function(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do
    total = total + (t:get("unexpected") or 0)
  end
  io.stderr:write("unexpected answers: " .. total .. "\n")
end

-- The headers of a FHIR request, with the bearer token the benchmark minted when it runs with security on
-- (BENCH_SECURITY=on: BENCH_TOKEN), so the same scenarios measure the server with and without token checks.
local bearer = os.getenv("BENCH_TOKEN")
function fhir_headers()
  local h = {["Content-Type"] = "application/fhir+json", ["Accept"] = "application/fhir+json"}
  if bearer and bearer ~= "" then
    h["Authorization"] = "Bearer " .. bearer
  end
  return h
end
