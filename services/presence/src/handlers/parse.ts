import type { z } from 'zod';
import { parsePayload } from '@switchboard/protocol';
import { AppError } from '@switchboard/runtime';

/** Validate a bus payload at the service's edge: the gateway validated it, but the bus is a boundary too. */
export function parseOrThrow<S extends z.ZodType>(schema: S, payload: unknown): z.infer<S> {
  const parsed = parsePayload(schema, payload);
  if (!parsed.ok) throw new AppError('INVALID_PAYLOAD', parsed.error);
  return parsed.data;
}
