import type { Broadcaster } from '@switchboard/runtime';

/** Emit seen without Switchboard's event map: a backend's own event names are not in it. */
interface UntypedEmit {
  emit(event: string, data: unknown): boolean;
}

/**
 * Emit an application event (`position_update`, `queue_refresh`, …) to rooms. The one place the
 * broadcaster's typed event map is set aside, and only for names `publish.ts` has checked are
 * not Switchboard's own. An empty room list is Socket.IO's "every socket".
 */
export function emitAppEvent(broadcaster: Broadcaster, rooms: string[], event: string, data: unknown): void {
  (broadcaster.to(rooms) as unknown as UntypedEmit).emit(event, data);
}
