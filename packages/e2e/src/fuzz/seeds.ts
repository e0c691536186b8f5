// A valid example of each request and REST body, for the fuzzer to start from (and break): a
// mutation of a valid payload gets past the first check and reaches the deeper ones. A request
// or route without a seed is still fuzzed, from `{}`.
import type { ClientRequestName } from '@switchboard/protocol';

export interface SeedContext {
  roomId: string;
  otherUserId: string;
}

const now = () => new Date().toISOString();

export function requestSeeds({ roomId, otherUserId }: SeedContext): Partial<Record<ClientRequestName, unknown>> {
  return {
    'room:create': { type: 'group', name: 'fuzz', memberIds: [otherUserId] },
    'room:join': { roomId },
    'room:leave': { roomId: `${roomId}-not-this-one` },
    'room:participants': { roomId },
    'room:requestJoin': { roomId },
    'room:approveJoin': { roomId, userId: otherUserId },
    'room:denyJoin': { roomId, userId: otherUserId },
    'message:send': { roomId, content: 'hello', clientMessageId: 'c1', targetUserId: otherUserId },
    'message:history': { roomId, beforeSeq: 10, limit: 5 },
    'message:delivered': { roomId, seq: 1 },
    'message:read': { roomId, seq: 1 },
    sync: { rooms: { [roomId]: 0 } },
    'presence:get': { userIds: [otherUserId] },
    'presence:setStatus': { status: 'busy', customStatus: 'fuzzing' },
    'presence:subscribe': { userIds: [otherUserId] },
    'presence:unsubscribe': { userIds: [otherUserId] },
    'location:update': { latitude: 1, longitude: 2, accuracy: 3, timestamp: now(), battery: 50 },
    'call:initiate': { recipientId: otherUserId, callType: 'audio', roomId },
    'call:accept': { callId: 'call-1' },
    'call:reject': { callId: 'call-1', reason: 'busy' },
    'call:end': { callId: 'call-1' },
    'call:signal': { callId: 'call-1', signalType: 'offer', signal: { sdp: 'v=0' } },
    'call:quality': { callId: 'call-1', rtt: 10, jitter: 1, packetLoss: 0, bitrate: 1000 },
    'notification:read': { notificationId: 'n1' },
    'notification:readAll': {},
    'notification:getUnreadCount': {},
    'notification:list': { limit: 10 },
    'notification:subscribe': { topics: ['t1'] },
    'notification:unsubscribe': { topics: ['t1'] },
    'emergency:sos': { type: 'MEDICAL', message: 'help', location: { latitude: 1, longitude: 2 } },
    'emergency:acknowledge': { alertId: 'a1' },
    'emergency:resolve': { alertId: 'a1', resolution: 'fine' },
    'auth:refresh': { token: 'set-by-the-test' },
  };
}

/** REST bodies (POST/PUT/PATCH) and queries (GET/DELETE), by `METHOD path`. */
export function restSeeds({ roomId, otherUserId }: SeedContext): Record<string, unknown> {
  return {
    'POST /messages': { roomId, content: 'hello over REST' },
    'POST /location': { latitude: 1, longitude: 2, timestamp: now() },
    'GET /location/history': { userId: otherUserId, limit: '10' },
    'POST /geofences': {
      name: 'zone',
      kind: 'danger',
      roomId,
      shape: { type: 'circle', center: { latitude: 1, longitude: 2 }, radiusMeters: 50 },
    },
    'GET /geofences': { roomId },
    'POST /notifications': { to: { user: otherUserId }, type: 'fuzz', title: 'Hi', body: 'There' },
    'POST /publish': { to: { user: otherUserId }, event: 'fuzz_event', data: { a: 1 } },
    'POST /alerts': { type: 'MEDICAL', message: 'help' },
    'GET /calls': { limit: '5' },
  };
}
