import { DevTokenPayload, type DevTokenResult, type DevTokenStatus } from '@switchboard/protocol';
import { Router } from 'express';
import { AppError } from './app-error.ts';
import { type AuthConfig, normalizePhone, signToken } from './auth.ts';
import { DEV_JWT_SECRET } from './config.ts';
import { REFUSALS } from './refusals.ts';
import { parseOrThrow } from './validate.ts';

/** Dev tokens live long enough for a day of trying things out. */
const DEV_TOKEN_TTL_SECONDS = 12 * 3600;

/** Why dev sign-in is refused on this server, or undefined when it is allowed. */
export function devTokenRefusal(auth: AuthConfig): string | undefined {
  if (auth.publicKey)
    return 'Dev sign-in is off: this server verifies RS256 tokens with a public key. Paste a JWT from your identity provider.';
  if (auth.secret !== DEV_JWT_SECRET) {
    return 'Dev sign-in is off: this server checks tokens with its own JWT_SECRET, not the public dev secret. Paste a JWT signed with that secret (npm run token with the same JWT_SECRET).';
  }
  return undefined;
}

function userIdFrom(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/[^a-z0-9_-]/g, '');
  if (!slug) throw new AppError('INVALID_PAYLOAD', REFUSALS.devTokenUserId);
  return slug.slice(0, 128);
}

/**
 * `GET|POST /dev/token` (mounted at `/api`): the web app's "sign in as". Minting tokens for any
 * user is only harmless while the server runs on the public dev secret, so on any other server
 * both answer the refusal (GET as `available: false`, POST as 403) and nothing is signed.
 */
export function devTokenRouter(auth: AuthConfig): Router {
  const router = Router();
  const refusal = devTokenRefusal(auth);

  router.get('/dev/token', (_req, res) => {
    const body: DevTokenStatus = refusal
      ? { success: true, available: false, reason: refusal }
      : { success: true, available: true };
    res.set('Cache-Control', 'no-store').json(body);
  });

  router.post('/dev/token', (req, res) => {
    if (refusal) throw new AppError('FORBIDDEN', refusal);
    const body = parseOrThrow(DevTokenPayload, req.body ?? {});
    const phone = body.phone === undefined ? undefined : normalizePhone(body.phone);
    if (body.phone !== undefined && !phone) throw new AppError('INVALID_PAYLOAD', REFUSALS.devTokenPhone);
    const userId = body.userId ?? userIdFrom(body.name);
    const token = signToken(DEV_JWT_SECRET, userId, {
      name: body.name,
      role: body.role,
      phone,
      expiresInSeconds: DEV_TOKEN_TTL_SECONDS,
    });
    const result: DevTokenResult = {
      success: true,
      token,
      userId,
      expiresAt: new Date(Date.now() + DEV_TOKEN_TTL_SECONDS * 1000).toISOString(),
    };
    res.status(201).set('Cache-Control', 'no-store').json(result);
  });

  return router;
}
