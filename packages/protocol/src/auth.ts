import { z } from 'zod';

/** Exact `connect_error` messages of a refused handshake (clients match on them). */
export const AUTH_ERRORS = {
  noToken: 'Authentication error: No token provided',
  invalidToken: 'Authentication error: Invalid token',
  tokenExpired: 'Authentication error: Token expired',
} as const;

/** Claims Switchboard reads from a verified JWT. `role` is free text; `admin` is special. */
export const JwtClaimsSchema = z.object({
  sub: z.string().min(1).max(128),
  name: z.string().max(200).optional(),
  role: z.string().max(64).optional(),
  phone: z.string().max(32).optional(),
  exp: z.number().optional(),
});
export type JwtClaims = z.infer<typeof JwtClaimsSchema>;

/** The authenticated caller as every service sees it. */
export interface Principal {
  userId: string;
  name: string;
  role: string;
  /** E.164, normalised; absent when the token carries none. */
  phone?: string;
}
