import crypto from 'node:crypto';
import { AppError } from '@switchboard/runtime';
import type { RequestHandler } from 'express';

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
    if (!given) return next(new AppError('UNAUTHENTICATED', 'Missing X-Api-Key header'));
    if (!expected || !crypto.timingSafeEqual(digest(given), expected)) {
      return next(new AppError('UNAUTHENTICATED', 'Invalid API key'));
    }
    next();
  };
}
