// Event names the k6 scenarios use. k6 cannot import packages/protocol (TypeScript), so the
// names are repeated here ONCE, and packages/cli/src/k6-framing.test.ts fails if any of them is
// missing from @switchboard/protocol's REQUESTS, SERVER_EVENTS or CLIENT_SIGNALS.

/** Client → server requests (sent with an ack id). Must be keys of REQUESTS. */
export const REQUEST = {
  roomCreate: 'room:create',
  roomJoin: 'room:join',
  messageSend: 'message:send',
  messageHistory: 'message:history',
  presenceSetStatus: 'presence:setStatus',
  presenceSubscribe: 'presence:subscribe',
  callInitiate: 'call:initiate',
  callAccept: 'call:accept',
  callSignal: 'call:signal',
  callEnd: 'call:end',
};

/** Server → client events. Must be in SERVER_EVENTS. */
export const SERVER_EVENT = {
  connected: 'connected',
  messageNew: 'message:new',
  presenceChanged: 'presence:changed',
  callIncoming: 'call:incoming',
  callAccepted: 'call:accepted',
  callSignal: 'call:signal',
  callEnded: 'call:ended',
};

/** Client → server events without ack. Must be keys of CLIENT_SIGNALS. */
export const CLIENT_SIGNAL = {
  typingStart: 'typing:start',
};
