import type { ServerEventName } from '@switchboard/protocol';
import type { BroadcastTarget, Broadcaster } from '@switchboard/runtime';

export interface Emitted {
  targets: string[];
  event: ServerEventName;
  data: unknown;
}

/** Broadcaster test double: records every emit with its target rooms. */
export function createRecordingBroadcaster(): { broadcaster: Broadcaster; emitted: Emitted[] } {
  const emitted: Emitted[] = [];
  const target = (room: string | string[]): BroadcastTarget => ({
    emit(event, ...args) {
      emitted.push({ targets: [room].flat(), event, data: args[0] });
      return true;
    },
    socketsJoin() {},
    socketsLeave() {},
    disconnectSockets() {},
  });
  return { broadcaster: { to: target, in: target }, emitted };
}
