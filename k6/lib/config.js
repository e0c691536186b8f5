// Scenario settings from k6's environment (`-e NAME=value` or the process environment).
// k6 only: reads the `__ENV` global and uses `k6/crypto` for HS256.
import crypto from 'k6/crypto';
import { createIdentities, splitList } from './identities.js';

export function env(name, fallback) {
  const value = __ENV[name];
  return value === undefined || value === '' ? fallback : value;
}

export function numberEnv(name, fallback) {
  const raw = env(name, undefined);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name} must be a non-negative number, got ${JSON.stringify(raw)}`);
  return value;
}

/** nginx in front of the gateways: `docker compose up` and `npm run cluster` both listen on 8080. */
export const BASE_URL = env('BASE_URL', 'http://127.0.0.1:8080');

export function hmacSha256Base64Url(secret, data) {
  return crypto.hmac('sha256', secret, data, 'base64rawurl');
}

const perVu = {};

/**
 * Identities for one run. Call in setup() with a fresh run id (or RUN_ID) and pass it to the VUs
 * through setup's data: init code runs once per VU, so a Date.now() there would differ per VU.
 */
export function identities(runId, label) {
  // Module state is per VU in k6 (each VU has its own JS runtime): mint each token once per VU.
  const key = `${label}-${runId}`;
  if (perVu[key]) return perVu[key];
  return (perVu[key] = createIdentities({
    tokens: splitList(env('TOKENS', undefined)),
    secret: env('JWT_SECRET', undefined),
    prefix: `k6-${label}-${runId}`,
    hmac: hmacSha256Base64Url,
  }));
}

export function newRunId() {
  return env('RUN_ID', String(Date.now()));
}

/** One line for setup() logs: where tokens come from (the dev secret only works on dev servers). */
export function authNote() {
  if (splitList(env('TOKENS', undefined))) return 'auth: pre-minted TOKENS';
  if (env('JWT_SECRET', undefined)) return 'auth: HS256 tokens minted with JWT_SECRET';
  return 'auth: JWT_SECRET unset, minting with the public dev secret (npm start / npm run cluster default)';
}
