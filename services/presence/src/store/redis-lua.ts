// Lua for the Redis presence store. Every mutation is one script, so device counting and the
// "did the visible presence change?" decision are atomic across presence processes.
//
// Keys under K = ARGV[1] (`<REDIS_PREFIX>presence:`):
//   K s:<socketId>   hash  u=userId g=gatewayId t=openedAt
//   K g:<gatewayId>  set   socketIds of the gateway
//   K gw             zset  gatewayId -> liveness expiry (ms)
//   K d:<userId>     set   socketIds of the user (device count = SCARD)
//   K u:<userId>     hash  m=manual status c=custom status a=auto-away(1/0) ls=lastSeen(ms)
//   K act            zset  userId -> last activity, for connected users not yet auto-away
//   K sub:<userId>   set   subscribers of the user;  K subof:<userId> set  users they watch
//   K x:<socketId>   string tombstone of a closed socket (PX ttl): opens and heartbeats skip it
//   K wh             list   JSON of each offline<->connected crossing, not yet in the webhook outbox
//   K whseq          counter of the crossings journaled (part of their webhook ids)
// Keys are computed inside the scripts (one presence state spans users and gateways), so the
// store needs a single Redis node or shard; see the service README.

const PRELUDE = `
local K = ARGV[1]
local before, order = {}, {}

local function eff(uid)
  local n = redis.call('SCARD', K..'d:'..uid)
  local h = redis.call('HMGET', K..'u:'..uid, 'm', 'c', 'a', 'ls')
  local m, c, a, ls = h[1] or '', h[2] or '', h[3] or '0', h[4] or '0'
  local st
  if n == 0 then st = 'offline'
  elseif m ~= '' and m ~= 'online' then st = m
  elseif a == '1' then st = 'away'
  else st = 'online' end
  return {uid, st, c, ls}
end

local function touch(uid)
  if before[uid] == nil then before[uid] = eff(uid); order[#order + 1] = uid end
end

-- An offline<->connected crossing is journaled by the script that decided it, atomically with
-- the change: the user.online/user.offline webhook outlives a crash of the presence process that
-- ran it (webhooks/transition-relay.ts moves the journal into the outbox). The id — time, then a
-- counter — is the webhook-id, the same however often the entry is relayed. Bounded: past
-- WH_CAP entries not relayed (Postgres down a long time) the oldest go.
local WH_CAP = 100000
local function journal(a, previous)
  local t = redis.call('TIME')
  local sec, usec = tonumber(t[1]), tonumber(t[2])
  local seq = redis.call('INCR', K..'whseq') % 4294967296
  redis.call('RPUSH', K..'wh', cjson.encode({
    id = string.format('msg_p%08x%05x%08x', sec, usec, seq),
    type = previous == 'offline' and 'user.online' or 'user.offline',
    at = sec * 1000 + math.floor(usec / 1000),
    userId = a[1], status = a[2], lastSeen = tonumber(a[4]),
  }))
  if redis.call('LLEN', K..'wh') > WH_CAP then redis.call('LPOP', K..'wh') end
end

-- Changes as flat [userId, status, custom, lastSeen, previousStatus, …]: the previous status
-- tells a real offline<->online transition (webhooks) from an away/busy change.
local function finish()
  local out = {}
  for _, uid in ipairs(order) do
    local b, a = before[uid], eff(uid)
    if b[2] ~= a[2] or b[3] ~= a[3] then
      out[#out + 1] = a[1]; out[#out + 1] = a[2]; out[#out + 1] = a[3]; out[#out + 1] = a[4]
      out[#out + 1] = b[2]
      if (b[2] == 'offline') ~= (a[2] == 'offline') then journal(a, b[2]) end
    end
  end
  return out
end

local function removeSocket(sid, now)
  local h = redis.call('HMGET', K..'s:'..sid, 'u', 'g')
  if not h[1] then return end
  local uid = h[1]
  touch(uid)
  redis.call('DEL', K..'s:'..sid)
  redis.call('SREM', K..'g:'..h[2], sid)
  redis.call('SREM', K..'d:'..uid, sid)
  if redis.call('SCARD', K..'d:'..uid) > 0 then return end
  redis.call('HSET', K..'u:'..uid, 'ls', now, 'a', '0')
  redis.call('ZREM', K..'act', uid)
  local targets = redis.call('SMEMBERS', K..'subof:'..uid)
  for _, t in ipairs(targets) do redis.call('SREM', K..'sub:'..t, uid) end
  redis.call('DEL', K..'subof:'..uid)
end

-- A socket removed without its session:close (its gateway died or no longer holds it): recorded,
-- so call-signaling can be told what the gateway could not tell it.
local swept = {}
local function sweep(sid, gid, now)
  if redis.call('EXISTS', K..'s:'..sid) == 1 then swept[#swept + 1] = sid; swept[#swept + 1] = gid end
  removeSocket(sid, now)
end

-- [count, socketId, gatewayId pairs of the swept sockets…, then finish()'s changes].
local function finishSwept()
  local out = {#swept / 2}
  for _, v in ipairs(swept) do out[#out + 1] = v end
  for _, v in ipairs(finish()) do out[#out + 1] = v end
  return out
end

-- Returns false for a closed socket id (tombstone): a late open or stale heartbeat.
local function addSocket(uid, sid, gid, now)
  if redis.call('EXISTS', K..'x:'..sid) == 1 then return false end
  local h = redis.call('HMGET', K..'s:'..sid, 'u', 'g')
  if h[1] == uid and h[2] == gid then return true end
  if h[1] then removeSocket(sid, now) end
  touch(uid)
  if redis.call('SCARD', K..'d:'..uid) == 0 then
    redis.call('HSET', K..'u:'..uid, 'ls', now, 'a', '0')
    redis.call('ZADD', K..'act', now, uid)
  end
  redis.call('HSET', K..'s:'..sid, 'u', uid, 'g', gid, 't', now)
  redis.call('SADD', K..'g:'..gid, sid)
  redis.call('SADD', K..'d:'..uid, sid)
  return true
end
`;

/** ARGV: K, userId, socketId, gatewayId, now, gatewayExpiresAt */
export const OPEN = `${PRELUDE}
local uid, sid, gid, now, exp = ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
if addSocket(uid, sid, gid, now) then
  redis.call('HSET', K..'u:'..uid, 'ls', now, 'a', '0')
  redis.call('ZADD', K..'act', now, uid)
end
local cur = redis.call('ZSCORE', K..'gw', gid)
if not cur or tonumber(cur) < exp then redis.call('ZADD', K..'gw', exp, gid) end
return finish()`;

/** ARGV: K, socketId, now, tombstoneMs */
export const CLOSE = `${PRELUDE}
removeSocket(ARGV[2], ARGV[3])
redis.call('SET', K..'x:'..ARGV[2], '1', 'PX', tonumber(ARGV[4]))
return finish()`;

/** ARGV: K, gatewayId, now, gatewayExpiresAt, graceMs, then socketId, userId pairs ('' = unknown) */
export const HEARTBEAT = `${PRELUDE}
local gid, now, exp, grace = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
redis.call('ZADD', K..'gw', exp, gid)
local listed = {}
for i = 6, #ARGV, 2 do listed[ARGV[i]] = ARGV[i + 1] end
local current = redis.call('SMEMBERS', K..'g:'..gid)
local known = {}
for _, sid in ipairs(current) do
  known[sid] = true
  if listed[sid] == nil then
    local t = tonumber(redis.call('HGET', K..'s:'..sid, 't') or '0')
    if tonumber(now) - t > grace then sweep(sid, gid, now) end
  end
end
-- Only sockets this gateway does not hold yet (lost state) cost commands: steady beats are cheap.
for i = 6, #ARGV, 2 do
  if not known[ARGV[i]] and ARGV[i + 1] ~= '' then addSocket(ARGV[i + 1], ARGV[i], gid, now) end
end
return finishSwept()`;

/** ARGV: K, now, limit */
export const REAP = `${PRELUDE}
local now = ARGV[2]
local gws = redis.call('ZRANGEBYSCORE', K..'gw', '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
for _, gid in ipairs(gws) do
  local socks = redis.call('SMEMBERS', K..'g:'..gid)
  for _, sid in ipairs(socks) do sweep(sid, gid, now) end
  redis.call('DEL', K..'g:'..gid)
  redis.call('ZREM', K..'gw', gid)
end
-- First the number of gateways reaped: a full batch means the caller should ask again.
local out = finishSwept()
table.insert(out, 1, #gws)
return out`;

/** ARGV: K, userId, status, now, hasCustom(1/0), custom */
export const SET_STATUS = `${PRELUDE}
local uid = ARGV[2]
touch(uid)
redis.call('HSET', K..'u:'..uid, 'm', ARGV[3], 'a', '0')
if ARGV[5] == '1' then redis.call('HSET', K..'u:'..uid, 'c', ARGV[6]) end
if redis.call('SCARD', K..'d:'..uid) > 0 then redis.call('ZADD', K..'act', ARGV[4], uid) end
return finish()`;

/** ARGV: K, userId, now */
export const ACTIVITY = `${PRELUDE}
local uid = ARGV[2]
if redis.call('SCARD', K..'d:'..uid) == 0 then return {} end
touch(uid)
redis.call('HSET', K..'u:'..uid, 'a', '0')
redis.call('ZADD', K..'act', ARGV[3], uid)
return finish()`;

/** ARGV: K, idleSince, limit */
export const MARK_IDLE = `${PRELUDE}
local uids = redis.call('ZRANGEBYSCORE', K..'act', '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
for _, uid in ipairs(uids) do
  touch(uid)
  redis.call('ZREM', K..'act', uid)
  if redis.call('SCARD', K..'d:'..uid) > 0 then redis.call('HSET', K..'u:'..uid, 'a', '1') end
end
return finish()`;

/** ARGV: K, userIds… — read only: the current presence of each. */
export const GET = `${PRELUDE}
local out = {}
for i = 2, #ARGV do
  local p = eff(ARGV[i])
  for j = 1, 4 do out[#out + 1] = p[j] end
end
return out`;
