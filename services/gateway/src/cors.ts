import type { IncomingMessage } from 'node:http';

/** Parsed CORS_ORIGINS: any origin, a list, or none (same-origin only). */
export type OriginPolicy = { kind: 'any' } | { kind: 'list'; origins: Set<string> } | { kind: 'same-origin' };

export function parseOriginPolicy(value: string | undefined): OriginPolicy {
  const entries = (value ?? '')
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  if (entries.includes('*')) return { kind: 'any' };
  if (entries.length === 0) return { kind: 'same-origin' };
  return { kind: 'list', origins: new Set(entries) };
}

/**
 * Whether a request's `Origin` may open a session. Requests without an Origin (native apps,
 * servers, same-origin GETs) pass: CORS protects browsers, and browsers always send one on
 * cross-origin requests and WebSocket upgrades. Same-origin means the Origin's host equals Host.
 */
export function originAllowed(policy: OriginPolicy, req: Pick<IncomingMessage, 'headers'>): boolean {
  const origin = req.headers.origin;
  if (!origin || policy.kind === 'any') return true;
  if (policy.kind === 'list') return policy.origins.has(origin);
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** The `cors` option of Socket.IO for polling requests (WebSocket upgrades are checked in allowRequest). */
export function corsOption(policy: OriginPolicy): { origin: boolean | string[]; methods: string[] } | undefined {
  if (policy.kind === 'any') return { origin: true, methods: ['GET', 'POST'] };
  if (policy.kind === 'list') return { origin: [...policy.origins], methods: ['GET', 'POST'] };
  return undefined;
}
