// Who each virtual user is: either tokens minted here from JWT_SECRET (user ids
// `<prefix>-<index>`), or pre-minted tokens from TOKENS (user id read from each token's `sub`).
// Pure: the HMAC comes in as a function, so node tests this file and k6 runs it (config.js).
import { decodeClaims, mintToken } from './jwt.js';

/** The public dev secret `npm start` / `npm run cluster` fall back to (the node test checks it matches). */
export const DEV_JWT_SECRET = 'switchboard-dev-secret-change-me';

/**
 * @param {{ tokens?: string[], secret?: string, prefix: string, hmac: (secret: string, data: string) => string }} options
 * @returns {{ preMinted: boolean, count: number | undefined, userIdOf(index: number): string, tokenFor(index: number, claims?: { role?: string }): string }}
 */
export function createIdentities({ tokens, secret, prefix, hmac }) {
  if (tokens && tokens.length > 0) {
    const userIds = tokens.map((token, i) => {
      try {
        return decodeClaims(token).sub;
      } catch (error) {
        throw new Error(`TOKENS[${i}] is not a JWT: ${error.message}`);
      }
    });
    const check = (index) => {
      if (index < 0 || index >= tokens.length)
        throw new Error(`this scenario needs token #${index + 1} but TOKENS has ${tokens.length}`);
    };
    return {
      preMinted: true,
      count: tokens.length,
      userIdOf: (index) => {
        check(index);
        return userIds[index];
      },
      tokenFor: (index) => {
        check(index);
        return tokens[index];
      },
    };
  }
  const key = secret || DEV_JWT_SECRET;
  const cache = {};
  const userIdOf = (index) => `${prefix}-${index}`;
  return {
    preMinted: false,
    count: undefined,
    userIdOf,
    /** `claims` (e.g. `{ role: 'admin' }`) are added to minted tokens; pre-minted TOKENS carry their own. */
    tokenFor(index, claims = {}) {
      const userId = userIdOf(index);
      const cacheKey = `${userId}|${claims.role ?? ''}`;
      // Minting is cheap but not free; a VU asks for its own token on every iteration.
      if (!cache[cacheKey]) cache[cacheKey] = mintToken({ sub: userId, name: `Load ${index}`, ...claims }, key, hmac);
      return cache[cacheKey];
    },
  };
}

/** `a, b ,c` → ['a','b','c']; empty → undefined. */
export function splitList(value) {
  if (value === undefined || value === null) return undefined;
  const items = String(value)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return items.length > 0 ? items : undefined;
}
