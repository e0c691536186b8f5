// Token lifetime on a live socket: `auth:refresh` swaps the token a socket was authenticated
// with, `auth:expired` tells a socket its token ran out just before the gateway disconnects it.
import { z } from 'zod';

/** A JWT is a few hundred bytes; the bound keeps a hostile "token" from costing anything. */
export const AuthRefreshPayload = z.object({ token: z.string().min(1, 'is required').max(8192, 'is too long') });
export type AuthRefreshPayload = z.infer<typeof AuthRefreshPayload>;

/** `expiresAt`: ISO 8601 time the new token expires, `null` for a token without `exp`. */
export interface AuthRefreshResult {
  expiresAt: string | null;
}

/** `expiredAt`: the token's `exp`; the gateway disconnects the socket right after this event. */
export interface AuthExpiredEvent {
  expiredAt: string;
}

/** The refusal of a refresh whose token names another user than the socket's. */
export const AUTH_REFRESH_OTHER_USER = 'The new token is for another user: reconnect to switch users';
