import { isErrorCode } from '@switchboard/protocol';
import { SwitchboardError } from './errors.ts';
import { unexpectedAnswer, unreachable } from './refusals.ts';

/** Where and as whom the REST helpers ask: the server's base URL and a JWT (Bearer). */
export interface RestTarget {
  /** e.g. `https://chat.example.com`, or `location.origin` in the web app. */
  url: string;
  token: string;
  /** Defaults to the global `fetch` (browsers, Node 18+). */
  fetch?: typeof fetch;
}

/**
 * GET a Switchboard REST endpoint. Resolves with the JSON body of a 2xx; a refusal rejects with a
 * SwitchboardError carrying the server's code and sentence, like a request's ack; no answer at all
 * is UNAVAILABLE.
 */
export async function getJson<T>(
  target: RestTarget,
  path: string,
  query: Record<string, string | number | undefined> = {},
): Promise<T> {
  const url = new URL(path, target.url);
  for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
  const doFetch = target.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, { headers: { Accept: 'application/json', Authorization: `Bearer ${target.token}` } });
  } catch (error) {
    throw new SwitchboardError('UNAVAILABLE', unreachable(path, (error as Error).message));
  }
  const body = (await response.json().catch(() => null)) as
    | ({ success?: boolean; code?: unknown; error?: unknown } & Record<string, unknown>)
    | null;
  if (response.ok && body?.success === true) return body as T;
  if (body && isErrorCode(body.code) && typeof body.error === 'string')
    throw new SwitchboardError(body.code, body.error);
  throw new SwitchboardError(
    response.status >= 500 ? 'UNAVAILABLE' : 'INTERNAL',
    unexpectedAnswer(path, response.status),
  );
}
