/** Error sentences clients see from the gateway itself (handshake ones are protocol's AUTH_ERRORS). */
export const UNKNOWN_EVENT = 'Unknown event';
