"""The Lua scripts the shared scheduler runs in Redis, each one atomic step on the crawl's keys:
`crawler.distributed.scheduler`."""

from __future__ import annotations

# A member of <key>:queue and <key>:leases is "<priority>:<sequence>:<request JSON>": unique, and its
# queue score (-priority * 2**32 + sequence: a higher priority first, first in first out within one)
# can be computed back from it when a lease returns to the queue.
LUA_SCORE = """
local function score(m)
  local p, n = string.match(m, '^(-?%d+):(%d+):')
  return -tonumber(p) * 4294967296 + tonumber(n)
end
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) + tonumber(t[2]) / 1000000
end
"""
# KEYS: queue, seen, sequence, listings. ARGV: the listing-page cap per portal (0: none), then (fingerprint
# or "" for dont_filter, priority, request JSON, portal whose listing-page cap it counts against or "")...
# Returns per request: 1 queued, 0 seen before, 2 over its portal's cap (counted in the listings hash).
PUSH = (
    LUA_SCORE
    + """
local pushed = {}
local cap = tonumber(ARGV[1])
for i = 2, #ARGV, 4 do
  if ARGV[i] ~= '' and redis.call('SADD', KEYS[2], ARGV[i]) == 0 then
    pushed[#pushed + 1] = 0
  elseif cap > 0 and ARGV[i + 3] ~= '' and redis.call('HINCRBY', KEYS[4], ARGV[i + 3], 1) > cap then
    pushed[#pushed + 1] = 2
  else
    local m = ARGV[i + 1] .. ':' .. redis.call('INCR', KEYS[3]) .. ':' .. ARGV[i + 2]
    redis.call('ZADD', KEYS[1], score(m), m)
    pushed[#pushed + 1] = 1
  end
end
return pushed
"""
)
# KEYS: queue, leases. ARGV: how many to take, lease seconds. Leases that ran out go back to the queue first.
# Returns {requeued, queued, leased, taken member...} (queued and leased: what is left after taking).
TAKE = (
    LUA_SCORE
    + """
local t = now()
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', t)
for _, m in ipairs(expired) do
  redis.call('ZREM', KEYS[2], m)
  redis.call('ZADD', KEYS[1], score(m), m)
end
local result = {#expired, 0, 0}
local n = tonumber(ARGV[1])
if n > 0 then
  local popped = redis.call('ZPOPMIN', KEYS[1], n)
  for i = 1, #popped, 2 do
    redis.call('ZADD', KEYS[2], t + tonumber(ARGV[2]), popped[i])
    result[#result + 1] = popped[i]
  end
end
result[2] = redis.call('ZCARD', KEYS[1])
result[3] = redis.call('ZCARD', KEYS[2])
return result
"""
)
# KEYS: workers, leases. ARGV: worker id, seconds, held member... Renews the presence and the leases still held.
RENEW = """
local t = redis.call('TIME')
local until_ = tonumber(t[1]) + tonumber(t[2]) / 1000000 + tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], until_, ARGV[1])
for i = 3, #ARGV do redis.call('ZADD', KEYS[2], 'XX', until_, ARGV[i]) end
"""
# KEYS: workers, queue, seen, sequence, leases, listings. ARGV: worker id, seconds.
# Returns 0: joined processes present; 1: a new crawl; 2: resumed an interrupted crawl (its leases requeued).
JOIN = (
    LUA_SCORE
    + """
local t = now()
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', t)
local state = 0
if redis.call('ZCARD', KEYS[1]) == 0 then
  if redis.call('ZCARD', KEYS[2]) == 0 and redis.call('ZCARD', KEYS[5]) == 0 then
    redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
    state = 1
  else
    for _, m in ipairs(redis.call('ZRANGE', KEYS[5], 0, -1)) do redis.call('ZADD', KEYS[2], score(m), m) end
    redis.call('DEL', KEYS[5])
    state = 2
  end
end
redis.call('ZADD', KEYS[1], t + tonumber(ARGV[2]), ARGV[1])
return state
"""
)
# KEYS: workers, queue, seen, sequence, leases, listings. ARGV: worker id, member to give back... Returns 1 when the
# crawl is over (no process present, nothing queued or leased) and its keys were removed.
LEAVE = (
    LUA_SCORE
    + """
for i = 2, #ARGV do
  if redis.call('ZREM', KEYS[5], ARGV[i]) == 1 then redis.call('ZADD', KEYS[2], score(ARGV[i]), ARGV[i]) end
end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now())
if redis.call('ZCARD', KEYS[1]) > 0 or redis.call('ZCARD', KEYS[2]) > 0 or redis.call('ZCARD', KEYS[5]) > 0 then
  return 0
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
return 1
"""
)
