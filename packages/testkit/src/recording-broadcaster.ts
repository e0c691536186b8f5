import type { ServerToClientEvents } from '@switchboard/protocol';
import type { Broadcaster, BroadcastTarget } from '@switchboard/runtime';

export interface RecordedEmit {
  targets: string[];
  /** Rooms (socket ids) left out of the targets. */
  except?: string[];
  event: keyof ServerToClientEvents;
  data: unknown;
}
export interface RecordedMove {
  op: 'join' | 'leave' | 'disconnect';
  from: string[];
  rooms: string[];
}

/**
 * Test double of the runtime Broadcaster, shared by the services' tests: records every emit
 * (with its target rooms) and every socket-room move, and answers questions about them.
 */
export class RecordingBroadcaster implements Broadcaster {
  readonly emits: RecordedEmit[] = [];
  readonly moves: RecordedMove[] = [];

  to(room: string | string[], except?: string | string[]): Pick<BroadcastTarget, 'emit'> {
    if (except === undefined) return this.in(room);
    const targets = ([] as string[]).concat(room);
    const left = ([] as string[]).concat(except);
    return {
      emit: (event, ...args) => {
        this.emits.push({ targets, except: left, event, data: args[0] });
        return true;
      },
    };
  }

  in(room: string | string[]): BroadcastTarget {
    const from = ([] as string[]).concat(room);
    const list = (r: string | string[]) => ([] as string[]).concat(r);
    return {
      emit: (event, ...args) => {
        this.emits.push({ targets: from, event, data: args[0] });
        return true;
      },
      socketsJoin: (rooms) => void this.moves.push({ op: 'join', from, rooms: list(rooms) }),
      socketsLeave: (rooms) => void this.moves.push({ op: 'leave', from, rooms: list(rooms) }),
      disconnectSockets: () => void this.moves.push({ op: 'disconnect', from, rooms: [] }),
    };
  }

  /** Payloads of `event` emitted to a target that includes `room`. */
  sentTo<E extends keyof ServerToClientEvents>(room: string, event: E): Parameters<ServerToClientEvents[E]>[0][] {
    return this.emits
      .filter((e) => e.event === event && e.targets.includes(room))
      .map((e) => e.data as Parameters<ServerToClientEvents[E]>[0]);
  }

  /** Every emit of `event`, wherever it went, oldest first. */
  all(event: keyof ServerToClientEvents): RecordedEmit[] {
    return this.emits.filter((e) => e.event === event);
  }

  /** Did some socketsJoin move the sockets of `from` into `room`? */
  joined(from: string, room: string): boolean {
    return this.moves.some((m) => m.op === 'join' && m.from.includes(from) && m.rooms.includes(room));
  }

  left(from: string, room: string): boolean {
    return this.moves.some((m) => m.op === 'leave' && m.from.includes(from) && m.rooms.includes(room));
  }

  clear(): void {
    this.emits.length = 0;
    this.moves.length = 0;
  }
}
