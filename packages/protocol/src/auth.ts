import { z } from 'zod';

/** Exact `connect_error` messages of a refused handshake (clients match on them). */
export const AUTH_ERRORS = {
  noToken: 'Authentication error: No token provided',
  invalidToken: 'Authentication error: Invalid token',
  tokenExpired: 'Authentication error: Token expired',
} as const;

/** Claims Switchboard reads from a verified JWT. `role` is free text; `admin` is special. */
const ClaimText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');
export const JwtClaimsSchema = z.object({
  sub: ClaimText(128).pipe(z.string().min(1)),
  name: ClaimText(200).optional(),
  role: ClaimText(64).optional(),
  phone: ClaimText(32).optional(),
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
