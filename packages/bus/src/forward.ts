import {
  type CommandRegistry,
  REQUESTS,
  type RequestContext,
  type RequestName,
  type RequestPayload,
  type RequestResult,
} from '@switchboard/protocol';
import type { Bus, RequestOptions } from './bus.ts';

/**
 * Forward a client request to the service that owns it. For a name known only as the union
 * `RequestName`, TypeScript cannot follow "each request is a command of its owner" through
 * `Bus.request`'s generics; the registry is built from `REQUESTS` exactly so, hence the cast.
 */
export function forwardRequest<E extends RequestName>(
  bus: Bus,
  name: E,
  payload: RequestPayload<E>,
  ctx: RequestContext,
  options?: RequestOptions,
): Promise<RequestResult<E>> {
  const untyped = bus as unknown as Bus<CommandRegistry>;
  return untyped.request(REQUESTS[name].service, name, payload, ctx, options) as Promise<RequestResult<E>>;
}
