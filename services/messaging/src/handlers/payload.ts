import { parsePayload } from '@switchboard/protocol';
import { AppError } from '@switchboard/runtime';
import type { z } from 'zod';

/**
 * The gateway validated already, but the bus is a boundary too (another service, a replayed
 * stream entry): validate again and name the bad field.
 */
export function validPayload<S extends z.ZodType>(schema: S, payload: unknown): z.infer<S> {
  const parsed = parsePayload(schema, payload);
  if (!parsed.ok) throw new AppError('INVALID_PAYLOAD', parsed.error);
  const nul = pathOfNul(parsed.data);
  // Postgres text and jsonb refuse U+0000: one such message would fail its whole group-commit
  // batch (everyone else's sends included), so it is refused here, naming the field.
  if (nul !== undefined) throw new AppError('INVALID_PAYLOAD', `${nul || 'payload'}: must not contain NUL characters`);
  return parsed.data;
}

function pathOfNul(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (key.includes('\u0000')) return path ? `${path}.${key.replace(/\u0000/g, '')}` : 'payload';
    const found = pathOfNul(child, path ? `${path}.${key}` : key);
    if (found !== undefined) return found;
  }
  return undefined;
}
