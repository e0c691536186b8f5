import crypto from 'node:crypto';
import { AppError } from '@switchboard/runtime';
import type { RequestHandler } from 'express';
import { INVALID_API_KEY, MISSING_API_KEY } from '../refusals.ts';

const digest = (text: string) => crypto.createHash('sha256').update(text).digest();

/**
 * `X-Api-Key` guard for the backend endpoints: 401 without it, with a wrong one, or when no
 * `API_KEY` is configured. Both sides are hashed first so `timingSafeEqual` compares equal
 * lengths and the comparison's time says nothing about the key.
 */
export function requireApiKey(apiKey: string | undefined): RequestHandler {
  const expected = apiKey === undefined ? undefined : digest(apiKey);
  return (req, _res, next) => {
    const given = req.header('x-api-key');
    if (!given) return next(new AppError('UNAUTHENTICATED', MISSING_API_KEY));
    if (!expected || !crypto.timingSafeEqual(digest(given), expected)) {
      return next(new AppError('UNAUTHENTICATED', INVALID_API_KEY));
    }
    next();
  };
}
