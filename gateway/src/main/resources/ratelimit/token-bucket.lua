-- Two token buckets of one API key in one hash, updated atomically so every gateway replica shares the limit.
-- KEYS[1]: the key's hash (r = requests left, t = tokens left, ts = last refill in ms, from Redis's clock so
--          replicas with skewed clocks agree)
-- ARGV: requests per minute, tokens per minute (0 = unlimited), requests to take (1 for a request), tokens to reserve
--       (a chat turn's expected tokens), tokens to charge (a settled turn's usage less its reservation; negative
--       refunds). Taking and reserving need r >= take and t > 0 and happen together or not at all; a charge always
--       happens. Returns 0 when allowed, else the milliseconds until it would be.
-- Same arithmetic as LocalTokenBuckets: refill x <- min(limit, x + elapsed * limit / 60 s).
local rpm, tpm = tonumber(ARGV[1]), tonumber(ARGV[2])
local take, reserve, charge = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'r', 't', 'ts')
local r = tonumber(state[1]) or rpm
local t = tonumber(state[2]) or tpm
local elapsed = math.max(0, now - (tonumber(state[3]) or now))
if rpm > 0 then r = math.min(rpm, r + elapsed * rpm / 60000) end
if tpm > 0 then t = math.min(tpm, t + elapsed * tpm / 60000) end
local wait = 0
if take > 0 or reserve > 0 then
    -- less a nanosecond, so float residue (20000.000000004 ms) does not round up a whole millisecond
    if take > 0 and rpm > 0 and r < take then wait = math.ceil((take - r) * 60000 / rpm - 1e-6) end
    if tpm > 0 and t <= 0 then wait = math.max(wait, 1, math.ceil(-t * 60000 / tpm - 1e-6)) end
    if wait == 0 then
        if rpm > 0 then r = r - take end
        if tpm > 0 then t = t - reserve end
    end
end
if tpm > 0 then t = math.min(tpm, t - charge) end
-- Forget the key once both buckets would be full again: then a missing hash means the same thing.
local full = 0
if rpm > 0 then full = math.max(full, (rpm - r) * 60000 / rpm) end
if tpm > 0 then full = math.max(full, (tpm - t) * 60000 / tpm) end
redis.call('HSET', KEYS[1], 'r', tostring(r), 't', tostring(t), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(full) + 1000)
return wait
