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
export function parsePayload<S extends z.ZodType>(schema: S, payload: unknown): { ok: true; data: z.infer<S> } | { ok: false; error: string } {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return { ok: false, error: 'Payload must be an object' };
  }
  const result = schema.safeParse(payload);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, error: describeZodError(result.error) };
}
