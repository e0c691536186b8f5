/** Error sentences clients see from the gateway itself (handshake ones are protocol's AUTH_ERRORS). */
export const UNKNOWN_EVENT = 'Unknown event';
/** Handshakes refused at the HTTP level, which socket.io-client retries with backoff. */
export const SHUTTING_DOWN = 'Server is shutting down';
export const ORIGIN_REFUSED = 'Origin not allowed';
export const BUSY_OPENING_SESSIONS = 'Server busy opening sessions, try again';
