import type { Attachment, Message } from '@switchboard/protocol';
import { SwitchboardError } from './errors.ts';
import { MESSAGE_NOT_SENT } from './refusals.ts';
import type { RequestFn } from './request.ts';

export interface SendMessageInput {
  roomId: string;
  content: string;
  targetUserId?: string;
  attachments?: Attachment[];
  /** Pass your own to make a send idempotent across app restarts; generated otherwise. */
  clientMessageId?: string;
}

export interface RetryPolicy {
  /** Total attempts, the first included. */
  maxAttempts: number;
  /** Back-off before attempt n+1 is baseDelayMs · 2^(n-1), capped at maxDelayMs, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per-attempt deadline. */
  timeoutMs: number;
}

export const DEFAULT_SEND_RETRY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 4000,
  timeoutMs: 10_000,
};

function newClientMessageId(): string {
  // randomUUID needs a secure context in browsers; getRandomValues works everywhere.
  if (typeof globalThis.crypto.randomUUID === 'function') return globalThis.crypto.randomUUID();
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * `message:send` that survives timeouts and reconnects: every attempt carries the same
 * clientMessageId, and the server answers a repeated id with the first stored message, so a
 * send whose ack was lost is stored once however often it is retried. Only UNAVAILABLE (timeout,
 * lost connection, a service restarting) is retried; any other code is the server's final word.
 */
export async function sendWithRetry(
  request: RequestFn,
  input: SendMessageInput,
  policy: RetryPolicy,
  /** False once the client is closed: stop retrying at once. */
  canRetry: () => boolean = () => true,
): Promise<Message> {
  const payload = { ...input, clientMessageId: input.clientMessageId ?? newClientMessageId() };
  let lastError: unknown;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    try {
      const { message } = await request('message:send', payload, { timeoutMs: policy.timeoutMs });
      return message;
    } catch (error) {
      if (!(error instanceof SwitchboardError) || error.code !== 'UNAVAILABLE') throw error;
      lastError = error;
      if (attempt === policy.maxAttempts || !canRetry()) break;
      const backoff = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
      await sleep(backoff / 2 + Math.random() * (backoff / 2));
    }
  }
  throw lastError instanceof SwitchboardError ? lastError : new SwitchboardError('UNAVAILABLE', MESSAGE_NOT_SENT);
}
