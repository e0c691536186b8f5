import type {
  BusCommands,
  CommandInput,
  CommandOf,
  CommandPayload,
  CommandRegistry,
  CommandResult,
  RequestContext,
  ServiceOf,
} from '@switchboard/protocol';

/** A handler for one command: gets the payload as its schema parsed it, returns the reply or throws an AppError. */
export type CommandHandler<R extends CommandRegistry, S extends ServiceOf<R>, C extends CommandOf<R, S>> = (
  payload: CommandPayload<R, S, C>,
  ctx: RequestContext,
) => Promise<CommandResult<R, S, C>>;

/**
 * Every command of a service, each with its handler. Derived from the registry: a handler left
 * out, or one whose payload or reply does not match, is a compile error.
 */
export type ServiceHandlers<S extends ServiceOf<R>, R extends CommandRegistry = BusCommands> = {
  [C in CommandOf<R, S>]: CommandHandler<R, S, C>;
};

/**
 * A fixed-window counter a command must fit under to be accepted. The bus counts one hit on
 * `key` (a counter's full name in the bus's store; it expires `windowMs` after its first hit)
 * and adds the command only while the count is within `limit`, in the same atomic step as the
 * add: one round trip, and a refused command adds nothing. Refused hits count too. A refused
 * command is rejected with `RATE_LIMITED` (REFUSALS.rateLimited).
 */
export interface CountGuard {
  key: string;
  limit: number;
  windowMs: number;
}

export interface SendOptions {
  /** Accept the command only within this counter's limit (see `CountGuard`). */
  guard?: CountGuard;
}

export interface RequestOptions extends SendOptions {
  /** Deadline for the reply; past it the caller gets `UNAVAILABLE`. */
  timeoutMs?: number;
  /** A sampled message's trace key (HOP_TRACE_EVERY): the entry carries it, each hop marks it. */
  traceKey?: string;
}

/**
 * Commands between the gateway and services, typed against a command registry (Switchboard's
 * `BUS_COMMANDS` unless a test brings its own). Delivery is at least once: a command accepted
 * by `request`/`send` is processed even if the owning service restarts, so handlers must be
 * idempotent for their own keys (e.g. `clientMessageId`). Payloads are validated against the
 * registry's schema on the handling side: the bus is a boundary too.
 */
export interface Bus<R extends CommandRegistry = BusCommands> {
  /** Send a command and wait for its reply. Errors thrown by the handler are re-thrown here as AppErrors. */
  request<S extends ServiceOf<R>, C extends CommandOf<R, S>>(
    service: S,
    command: C,
    payload: CommandInput<R, S, C>,
    ctx: RequestContext,
    options?: RequestOptions,
  ): Promise<CommandResult<R, S, C>>;
  /** Send a command without waiting for a reply (still processed at least once). */
  send<S extends ServiceOf<R>, C extends CommandOf<R, S>>(
    service: S,
    command: C,
    payload: CommandInput<R, S, C>,
    ctx: RequestContext,
    options?: SendOptions,
  ): Promise<void>;
  /** Consume a service's commands. One call per service per process. */
  handle<S extends ServiceOf<R>>(service: S, handlers: ServiceHandlers<S, R>): Promise<void>;
  /** Commands accepted but not yet processed, per service (the queue depth). */
  depth(service: ServiceOf<R>): Promise<number>;
  /**
   * Stop taking commands (requests and sends still work) and wait, bounded, for the handlers
   * already running. The first step of a shutdown; `close` drains too if nobody did.
   */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** Wire format of a reply. */
export type BusReply = { ok: true; result: unknown } | { ok: false; code: string; error: string };

/**
 * The untyped view every engine implements internally: the typed `Bus` is this with the
 * registry's types laid over it (see `typed-bus.ts`).
 */
export type RawHandler = (payload: unknown, ctx: RequestContext) => Promise<unknown>;
export type RawHandlers = Record<string, RawHandler>;
