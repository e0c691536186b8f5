import type { z } from 'zod';

/** One sentence naming the first bad field, for acks and HTTP 400s. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'Invalid payload';
  const field = issue.path.map(String).join('.');
  if (issue.message.startsWith('Message content')) return issue.message;
  return field ? `${field}: ${issue.message}` : issue.message;
}

/** Zod parse that also refuses a payload that is not a plain object (arrays, strings, null). */
export function parsePayload<S extends z.ZodType>(
  schema: S,
  payload: unknown,
): { ok: true; data: z.infer<S> } | { ok: false; error: string } {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return { ok: false, error: 'Payload must be an object' };
  }
  const result = schema.safeParse(payload);
  if (!result.success) return { ok: false, error: describeZodError(result.error) };
  // Postgres text and jsonb refuse U+0000: refused here, naming the field, rather than failing
  // later as an INTERNAL error (or failing a whole group-commit batch with it).
  const nul = pathOfNul(result.data);
  if (nul !== undefined) return { ok: false, error: `${nul || 'payload'}: must not contain NUL characters` };
  return { ok: true, data: result.data };
}

/** Path of the first string (value or key) holding U+0000, '' for the root, undefined if none. */
export function pathOfNul(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (key.includes('\u0000')) return path ? `${path}.${key.replace(/\u0000/g, '')}` : 'payload';
    const found = pathOfNul(child, path ? `${path}.${key}` : key);
    if (found !== undefined) return found;
  }
  return undefined;
}
