import type { E2eClient } from '@switchboard/e2e';
import type { ServerEventName, ServerEventPayload } from '@switchboard/protocol';

/** Wall-clock ms with the monotonic clock's resolution, comparable with the server's timestamps (one machine). */
export const nowMs = (): number => performance.timeOrigin + performance.now();

export interface Arrival {
  at: number;
  client: E2eClient;
}
/** Receipts by a key of the event (its alert id, or alert id and level), in arrival order. */
export type Arrivals = Map<string, Arrival[]>;

/** From now on, every `event` this client receives is stamped and filed under `keyOf(payload)`. */
export function recordArrivals<E extends ServerEventName>(
  client: E2eClient,
  event: E,
  keyOf: (payload: ServerEventPayload<E>) => string,
  into: Arrivals,
): void {
  (client.socket.on as (e: string, h: (data: ServerEventPayload<E>) => void) => void)(event, (data) => {
    const at = nowMs();
    const key = keyOf(data);
    const list = into.get(key);
    if (list) list.push({ at, client });
    else into.set(key, [{ at, client }]);
  });
}
