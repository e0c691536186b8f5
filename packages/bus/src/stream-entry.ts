import type { RequestContext } from '@switchboard/protocol';
import { REFUSALS } from '@switchboard/runtime';
import { z } from 'zod';
import type { BusReply } from './bus.ts';

/** A command as it travels in a stream entry: JSON payload and context, reply channel for requests. */
export interface CommandEntry {
  id: string;
  command: string;
  payload: unknown;
  ctx: RequestContext;
  /** Pub/sub channel to publish the reply on; absent for `send`. */
  replyTo?: string;
  /** Epoch ms after which the requester has stopped waiting (informational: still processed). */
  deadline: number;
  /** Only on a sampled message (HOP_TRACE_EVERY): its trace key, so the consumer marks its hops. */
  trace?: string;
}

const RequestContextSchema = z.looseObject({
  userId: z.string(),
  name: z.string(),
  role: z.string(),
  phone: z.string().optional(),
  requestId: z.string(),
  socketId: z.string().optional(),
  gatewayId: z.string().optional(),
});

const EntryFieldsSchema = z.object({
  id: z.string().min(1),
  command: z.string().min(1),
  payload: z.string(),
  ctx: z.string(),
  replyTo: z.string().min(1).optional(),
  deadline: z.coerce.number().int().nonnegative(),
  trace: z.string().min(1).optional(),
});

const BusReplySchema = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), code: z.string(), error: z.string() }),
]);

const ReplyMessageSchema = z.object({ id: z.string(), reply: BusReplySchema });

/** Flat field/value list for XADD. */
export function encodeEntry(entry: CommandEntry): string[] {
  const fields = [
    'id',
    entry.id,
    'command',
    entry.command,
    'payload',
    JSON.stringify(entry.payload ?? null),
    'ctx',
    JSON.stringify(entry.ctx),
    'deadline',
    String(entry.deadline),
  ];
  if (entry.replyTo) fields.push('replyTo', entry.replyTo);
  if (entry.trace) fields.push('trace', entry.trace);
  return fields;
}

export type DecodedEntry = { ok: true; entry: CommandEntry } | { ok: false; reason: string };

/** Parse the flat field list of a stream entry; anything malformed is reported, never thrown. */
export function decodeEntry(fields: readonly string[] | null): DecodedEntry {
  if (!fields) return { ok: false, reason: 'entry was deleted' };
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]!] = fields[i + 1]!;
  const parsed = EntryFieldsSchema.safeParse(record);
  if (!parsed.success)
    return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  try {
    const ctx = RequestContextSchema.safeParse(JSON.parse(parsed.data.ctx));
    if (!ctx.success) return { ok: false, reason: 'ctx is not a request context' };
    const payload: unknown = JSON.parse(parsed.data.payload);
    const { id, command, replyTo, deadline, trace } = parsed.data;
    return {
      ok: true,
      entry: {
        id,
        command,
        payload,
        ctx: ctx.data,
        deadline,
        ...(replyTo ? { replyTo } : {}),
        ...(trace ? { trace } : {}),
      },
    };
  } catch {
    return { ok: false, reason: 'payload or ctx is not JSON' };
  }
}

/** A reply serialised once; a result JSON cannot carry becomes an INTERNAL failure. */
export function serializeReply(reply: BusReply): string {
  try {
    return JSON.stringify(reply);
  } catch {
    return JSON.stringify({ ok: false, code: 'INTERNAL', error: REFUSALS.internal } satisfies BusReply);
  }
}

/** The pub/sub message carrying a reply: the stored reply JSON is embedded as is. */
export function encodeReplyMessage(id: string, replyJson: string): string {
  return `{"id":${JSON.stringify(id)},"reply":${replyJson}}`;
}

export function decodeReplyMessage(message: string): { id: string; reply: BusReply } | undefined {
  try {
    const parsed = ReplyMessageSchema.safeParse(JSON.parse(message));
    return parsed.success ? (parsed.data as { id: string; reply: BusReply }) : undefined;
  } catch {
    return undefined;
  }
}
