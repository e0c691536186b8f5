import { z } from 'zod';

/**
 * The dev-only sign-in of the web app: `POST /api/dev/token` mints a token for any name and role,
 * which is only safe while the server checks tokens with the public dev secret (anyone can mint
 * those anyway). Every other server refuses it, and `GET` says so before a form is shown.
 */
export const DEV_TOKEN_PATH = '/api/dev/token';

const Text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');

export const DevTokenPayload = z.object({
  name: Text(200).pipe(z.string().min(1, 'is required')),
  /** Defaults to the name in lower case with everything but letters, digits, `-` and `_` dropped. */
  userId: Text(128).pipe(z.string().min(1)).optional(),
  role: Text(64).pipe(z.string().min(1)).optional(),
  phone: Text(32).pipe(z.string().min(3)).optional(),
});
export type DevTokenPayload = z.infer<typeof DevTokenPayload>;

/** `GET /api/dev/token`: whether dev sign-in works here, and if not, why. */
export interface DevTokenStatus {
  success: true;
  available: boolean;
  reason?: string;
}

/** `POST /api/dev/token` → 201. */
export interface DevTokenResult {
  success: true;
  token: string;
  userId: string;
  expiresAt: string;
}
