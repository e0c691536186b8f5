import { parsePayload } from '@switchboard/protocol';
import type { z } from 'zod';
import { AppError } from './app-error.ts';

/**
 * Validate at a service's edge (a bus command, a REST body): the gateway validated already, but
 * the bus is a boundary too (another service, a replayed stream entry). Names the bad field.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, payload: unknown): z.infer<S> {
  const parsed = parsePayload(schema, payload);
  if (!parsed.ok) throw new AppError('INVALID_PAYLOAD', parsed.error);
  return parsed.data;
}
