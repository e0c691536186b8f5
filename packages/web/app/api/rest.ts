import type { RestTarget } from '@switchboard/client';
import type { Session } from '../session/session.ts';

/** A REST call with the session's token; a refusal rejects with the server's sentence. */
export async function apiFetch<T>(session: Session, path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, {
    ...init,
    headers: {
      Accept: 'application/json',
      Authorization: `Bearer ${session.token}`,
      ...(init.body ? { 'Content-Type': 'application/json' } : {}),
      ...init.headers,
    },
  });
  const body = (await response.json().catch(() => null)) as ({ success?: boolean; error?: string } & T) | null;
  if (!response.ok || !body || body.success === false)
    throw new Error(body?.error ?? `The server answered ${response.status}`);
  return body;
}

/** The SDK's REST helpers' target: this page's origin, as the session. */
export function restTarget(session: Session): RestTarget {
  return { url: window.location.origin, token: session.token };
}
