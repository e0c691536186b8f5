/** The sentences of the errors the SDK raises itself (the server's own arrive in its acks). */
export const noAnswerWithin = (event: string, timeoutMs: number): string =>
  `No answer to ${event} within ${timeoutMs} ms`;

export const CONNECTION_LOST = 'Connection lost before the server answered';
export const NOT_CONNECTED = 'The client is not connected';
export const MESSAGE_NOT_SENT = 'Message could not be sent';
export const MALFORMED_ACK = 'The server answered with a malformed ack';
/** An ack that failed without saying why (a server that breaks the ack contract). */
export const REQUEST_FAILED = 'Request failed';
/** A REST answer that is not the JSON the endpoint promises (a proxy's error page, say). */
export const unexpectedAnswer = (path: string, status: number): string =>
  `GET ${path} answered ${status} without a Switchboard body`;
export const unreachable = (path: string, reason: string): string => `GET ${path} did not reach the server: ${reason}`;
