-- wrk script for `./llmc bench gateway` and `bench routing`: POSTs one chat completion per request to the path wrk was
-- given, with the body in $BENCH_BODY or, when $BENCH_MODEL is set instead, a prompt no other request of the run has
-- (a counter, the topic rotating) for that model, so that nothing can be served from a cache; with $BENCH_KEY an API
-- key. Prints latency percentiles in a parseable line.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("BENCH_KEY")
if key ~= nil and key ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. key
end

local model = os.getenv("BENCH_MODEL")
if model ~= nil and model ~= "" then
  local topics = {
    "how long should I knead bread dough before the first rise",
    "why does my Java program throw a NullPointerException in the constructor",
    "how can I comfort a friend who just lost their job",
    "what is the difference between a stock and a bond",
    "which stretches help with lower back pain after sitting all day",
    "how do I fix a merge conflict in git without losing my changes",
    "what should I pack for a week of hiking in the Alps in September",
    "how do vaccines train the immune system",
  }
  local counter = 0
  request = function()
    counter = counter + 1
    local prompt = string.format("Question %d: %s?", counter, topics[(counter % #topics) + 1])
    return wrk.format(nil, nil, nil,
      string.format('{"model": "%s", "messages": [{"role": "user", "content": "%s"}]}', model, prompt))
  end
end

done = function(summary, latency, requests)
  -- wrk's latency histogram is in microseconds.
  io.write(string.format("RESULT requests=%d seconds=%.3f errors=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
