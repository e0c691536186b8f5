import { errorMessage } from '@switchboard/runtime';
import { webhookHeaders } from './signature.ts';

/** What one attempt came to: `ok` only for a 2xx answer within the timeout. */
export type AttemptOutcome = { ok: true; status: number } | { ok: false; error: string };

/**
 * POST one event, signed for this attempt's timestamp. Redirects are not followed (a 3xx is a
 * failure the operator should see), and the timeout aborts a receiver that never answers.
 */
export async function postWebhook(
  url: string,
  key: Buffer,
  event: { id: string; payload: unknown },
  timeoutMs: number,
  now: Date,
): Promise<AttemptOutcome> {
  const body = JSON.stringify(event.payload);
  const headers = webhookHeaders(key, event.id, Math.floor(now.getTime() / 1000), body);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Drain the body so the connection is released.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    return { ok: false, error: `HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}
