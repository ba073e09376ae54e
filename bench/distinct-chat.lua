-- wrk script for `llmc-tools bench routing`: every request is a chat completion with a prompt no other request of the
-- run has (a counter, with the topic rotating), for model $BENCH_MODEL ("auto" or an expert's name), so that nothing
-- can be served from a cache; prints latency percentiles in the same parseable line as chat.lua.
local model = os.getenv("BENCH_MODEL")
local key = os.getenv("BENCH_KEY")
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
  local body = string.format('{"model": "%s", "messages": [{"role": "user", "content": "%s"}]}', model, prompt)
  local headers = {["Content-Type"] = "application/json"}
  if key ~= nil and key ~= "" then
    headers["Authorization"] = "Bearer " .. key
  end
  return wrk.format("POST", nil, headers, body)
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d seconds=%.3f errors=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
