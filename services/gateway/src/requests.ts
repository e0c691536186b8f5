import { performance } from 'node:perf_hooks';
import { type Bus, forwardRequest, serviceDidNotAnswer } from '@switchboard/bus';
import { type AckFailure, parsePayload, REQUESTS, type RequestName } from '@switchboard/protocol';
import {
  AppError,
  type BaseEnv,
  isAppError,
  type Logger,
  type Metrics,
  REFUSALS,
  requestContext,
  toAckFailure,
  wallClockMs,
} from '@switchboard/runtime';
import type { InFlight } from './in-flight.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { GatewaySocket } from './types.ts';

export type AckCallback = (response: unknown) => void;
type Bucket = Exclude<(typeof REQUESTS)[RequestName]['bucket'], 'unlimited'>;

export const RATE_LIMITED_MESSAGE = REFUSALS.rateLimited;
// The bus enforces the deadline itself; this guard only catches a bus that never settles.
const DEADLINE_GUARD_MS = 1000;

export interface ForwarderDeps {
  config: BaseEnv;
  bus: Bus;
  log: Logger;
  metrics: Metrics;
  rateLimiter: RateLimiter;
  gatewayId: string;
  inFlight: InFlight;
}

/** `{ success: true, ...result }`; a non-object result adds nothing, and cannot override `success`. */
export function successAck(result: unknown): Record<string, unknown> {
  const fields = result && typeof result === 'object' && !Array.isArray(result) ? result : {};
  const ack: Record<string, unknown> = { success: true, ...fields };
  ack.success = true; // a result field named `success` must not turn the ack into a failure
  return ack;
}

/** Count a hit against a user's bucket. A broken limiter fails open: availability over strictness. */
export async function withinLimit(limiter: RateLimiter, key: string, limit: number, log: Logger): Promise<boolean> {
  try {
    return await limiter.hit(key, limit);
  } catch (error) {
    log.warn({ err: error }, 'rate limiter failed: allowing');
    return true;
  }
}

function withGuard<T>(work: Promise<T>, ms: number, service: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError('UNAVAILABLE', serviceDidNotAnswer(service))), ms);
  });
  return Promise.race([work, guard]).finally(() => clearTimeout(timer));
}

/**
 * Validates a client request, applies the user's rate limit and forwards it to the owning
 * service over the bus; always answers the ack (when there is one) and never throws.
 */
export function createRequestForwarder({ config, bus, log, metrics, rateLimiter, gatewayId, inFlight }: ForwarderDeps) {
  const limits: Record<Bucket, number> = {
    write: config.RATE_LIMIT_WRITE,
    read: config.RATE_LIMIT_READ,
    signal: config.RATE_LIMIT_SIGNAL,
  };
  const timeoutMs = config.BUS_TIMEOUT_MS;
  // An SOS is never refused by a rate limit: repeated presses are absorbed by the one-alert rule.
  // Where the limiter can hand its counter to the bus, the hit rides on the add (one round trip,
  // refused as RATE_LIMITED by the bus); else it is counted here first.
  const admission = async (userId: string, bucket: Bucket | 'unlimited') => {
    if (bucket === 'unlimited') return { allowed: true };
    const key = `${userId}:${bucket}`;
    const guard = rateLimiter.guardFor?.(key, limits[bucket]);
    return guard ? { allowed: true, guard } : { allowed: await withinLimit(rateLimiter, key, limits[bucket], log) };
  };

  return async function forward(
    socket: GatewaySocket,
    name: RequestName,
    payload: unknown,
    ack: AckCallback | undefined,
  ): Promise<void> {
    const started = performance.now();
    let traceKey: string | undefined;
    const answer = (response: Record<string, unknown> | AckFailure) => {
      metrics.ackLatency.observe({ event: name }, (performance.now() - started) / 1000);
      if (traceKey) metrics.hops.mark(traceKey, 'ack sent');
      if (response.success === false) metrics.errors.inc({ code: (response as AckFailure).code });
      if (!ack) return;
      try {
        ack(response);
      } catch (error) {
        log.warn({ err: error, event: name }, 'ack failed');
      }
    };
    try {
      const spec = REQUESTS[name];
      const parsed = parsePayload(spec.schema, payload);
      if (!parsed.ok) return answer({ success: false, code: 'INVALID_PAYLOAD', error: parsed.error });
      traceKey = sampledKey(metrics, parsed.data);
      if (traceKey) metrics.hops.mark(traceKey, 'request received', wallClockMs(started));
      const { principal } = socket.data;
      const { allowed, guard } = await admission(principal.userId, spec.bucket);
      if (!allowed) return answer({ success: false, code: 'RATE_LIMITED', error: RATE_LIMITED_MESSAGE });
      const ctx = requestContext(principal, { socketId: socket.id, gatewayId });
      // The deadline runs from the request's arrival: time spent in the limiter counts.
      const left = Math.max(1, Math.round(timeoutMs - (performance.now() - started)));
      const options = { timeoutMs: left, ...(traceKey ? { traceKey } : {}), ...(guard ? { guard } : {}) };
      const work = forwardRequest(bus, name, parsed.data, ctx, options);
      const result = await inFlight.track(socket.id, withGuard(work, left + DEADLINE_GUARD_MS, spec.service));
      answer(successAck(result));
    } catch (error) {
      if (!isAppError(error)) log.error({ err: error, event: name, socketId: socket.id }, 'request failed');
      answer(toAckFailure(error));
    }
  };
}
/** A request whose `clientMessageId` HOP_TRACE_EVERY samples (message:send): its trace key. */
function sampledKey(metrics: Metrics, payload: unknown): string | undefined {
  if (!metrics.hops.enabled || !payload || typeof payload !== 'object') return undefined;
  const key = (payload as { clientMessageId?: unknown }).clientMessageId;
  return typeof key === 'string' && metrics.hops.sampled(key) ? key : undefined;
}

export type RequestForwarder = ReturnType<typeof createRequestForwarder>;
