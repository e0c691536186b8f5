import type { DevTokenPayload, DevTokenResult, DevTokenStatus } from '@switchboard/protocol';
import { DEV_TOKEN_PATH } from '../api/protocol-values.ts';

export type DevSignInStatus = { available: true } | { available: false; reason: string };

interface Failure {
  success: false;
  code?: string;
  error?: string;
}

/** Whether this server offers "sign in as" (only on the public dev secret), and if not, why. */
export async function devSignInStatus(): Promise<DevSignInStatus> {
  let response: Response;
  try {
    response = await fetch(DEV_TOKEN_PATH, { headers: { Accept: 'application/json' } });
  } catch {
    return { available: false, reason: 'The server cannot be reached.' };
  }
  if (response.status === 404) return { available: false, reason: 'This server offers no dev sign-in endpoint.' };
  const body = (await response.json().catch(() => null)) as DevTokenStatus | Failure | null;
  if (!body?.success)
    return { available: false, reason: (body as Failure | null)?.error ?? `The server answered ${response.status}.` };
  return body.available
    ? { available: true }
    : { available: false, reason: body.reason ?? 'Dev sign-in is off on this server.' };
}

/** Mint a dev token; rejects with the server's sentence (refusal, a bad field). */
export async function devSignIn(payload: DevTokenPayload): Promise<string> {
  const response = await fetch(DEV_TOKEN_PATH, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(payload),
  });
  const body = (await response.json().catch(() => null)) as DevTokenResult | Failure | null;
  if (!body?.success) throw new Error((body as Failure | null)?.error ?? `The server answered ${response.status}.`);
  return body.token;
}
