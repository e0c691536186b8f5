import type { z } from 'zod';

/** A field path fit for a sentence: hostile keys and deep nesting make paths of any length. */
function shortPath(path: string): string {
  return path.length > 120 ? `${path.slice(0, 117)}…` : path;
}

/** One sentence naming the first bad field, for acks and HTTP 400s. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'Invalid payload';
  const field = shortPath(issue.path.map(String).join('.'));
  if (issue.message.startsWith('Message content')) return issue.message;
  return field ? `${field}: ${issue.message}` : issue.message;
}

/** Zod parse that also refuses a payload that is not a plain object (arrays, strings, null). */
export function parsePayload<S extends z.ZodType>(
  schema: S,
  payload: unknown,
): { ok: true; data: z.infer<S> } | { ok: false; error: string } {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return { ok: false, error: PAYLOAD_NOT_OBJECT };
  }
  const result = schema.safeParse(payload);
  if (!result.success) return { ok: false, error: describeZodError(result.error) };
  // Postgres text and jsonb refuse U+0000, and an unpaired surrogate is not Unicode at all (the
  // database driver fails on it): refused here, naming the field, rather than failing later as
  // an INTERNAL error (or failing a whole group-commit batch with it).
  const bad = badText(result.data);
  if (bad !== undefined) return { ok: false, error: `${shortPath(bad.path) || 'payload'}: ${bad.reason}` };
  return { ok: true, data: result.data };
}

/** The sentence for a payload that is not a plain object (arrays, strings, null). */
export const PAYLOAD_NOT_OBJECT = 'Payload must be an object';

const NUL = 'must not contain NUL characters';
const SURROGATE = 'must be valid Unicode (no unpaired surrogates)';

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return NUL;
  LONE_SURROGATE.lastIndex = 0;
  if (LONE_SURROGATE.test(text)) return SURROGATE;
  return undefined;
}

/**
 * The first string (value or key) holding U+0000 or an unpaired surrogate, with its path ('' for
 * the root), or undefined. Iterative: a value thousands of levels deep (allowed where a schema
 * takes `unknown`, such as call signals) cannot overflow the stack.
 */
export function badText(value: unknown): { path: string; reason: string } | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [current, path] = stack.pop() as [unknown, string];
    if (typeof current === 'string') {
      const reason = textProblem(current);
      if (reason) return { path, reason };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    const entries = Object.entries(current);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i] as [string, unknown];
      const reason = textProblem(key);
      // A bad key is named by its printable part (the field it was meant to be).
      if (reason)
        return {
          path: path ? `${path}.${key.replaceAll('\u0000', '').replace(LONE_SURROGATE, '')}` : 'payload',
          reason,
        };
      stack.push([child, path ? `${path}.${key}` : key]);
    }
  }
  return undefined;
}

/** Path of the first string (value or key) holding U+0000 or an unpaired surrogate, '' for the root. */
export function pathOfNul(value: unknown): string | undefined {
  return badText(value)?.path;
}
