import type { RequestContext } from '@switchboard/protocol';

/** A service's command handler: returns the ack result, or throws an AppError. */
export type CommandHandler = (payload: unknown, ctx: RequestContext) => Promise<unknown>;
export type CommandHandlers = Record<string, CommandHandler>;

export interface RequestOptions {
  /** Deadline for the reply; past it the caller gets `UNAVAILABLE`. */
  timeoutMs?: number;
}

/**
 * Commands between the gateway and services. Delivery is at least once: a command accepted
 * by `request`/`send` is processed even if the owning service restarts, so handlers must be
 * idempotent for their own keys (e.g. `clientMessageId`).
 */
export interface Bus {
  /** Send a command and wait for its reply. Errors thrown by the handler are re-thrown here as AppErrors. */
  request<T = unknown>(
    service: string,
    command: string,
    payload: unknown,
    ctx: RequestContext,
    options?: RequestOptions,
  ): Promise<T>;
  /** Send a command without waiting for a reply (still processed at least once). */
  send(service: string, command: string, payload: unknown, ctx: RequestContext): Promise<void>;
  /** Consume a service's commands. One call per service per process. */
  handle(service: string, handlers: CommandHandlers): Promise<void>;
  /** Commands accepted but not yet processed, per service (the queue depth). */
  depth(service: string): Promise<number>;
  close(): Promise<void>;
}

/** Wire format of a reply. */
export type BusReply = { ok: true; result: unknown } | { ok: false; code: string; error: string };
