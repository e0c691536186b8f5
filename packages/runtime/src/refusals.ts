/**
 * The sentences clients and backends read when the runtime refuses something (acks and HTTP
 * bodies). One place, so docs and tests quote them and a wording change is one edit.
 */
export const REFUSALS = {
  internal: 'Internal server error',
  /** A per-key budget (a rate limit, a bus `CountGuard`) is spent for this window. */
  rateLimited: 'Too many requests, slow down',
  /** A lost database connection (or another backing server): worth a retry, unlike INTERNAL. */
  backingServerUnreachable: 'A backing server is unreachable; retry shortly',
  missingBearer: 'Missing bearer token',
  noSuchEndpoint: 'No such endpoint',
  bodyNotJson: 'Body is not valid JSON',
  bodyTooLarge: 'Body is too large',
  bodyCharset: 'Body charset is not supported: send UTF-8 JSON',
  bodyEncoding: 'Body content encoding is not supported',
  bodyUnreadable: 'Body could not be read',
  devTokenUserId: 'userId: is required when the name has no letters or digits',
  devTokenPhone: 'phone: is not a phone number',
} as const;
