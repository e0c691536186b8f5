import { PresenceTracker } from '@switchboard/client';
import type { Presence, PresenceStatus } from '@switchboard/protocol';
import type { ChatController } from '../chat/chat-controller.ts';
import type { Connection } from '../connection/connection.ts';
import { Store } from '../ui/store.ts';

export type SettableStatus = Exclude<PresenceStatus, 'offline'>;
export const SETTABLE: SettableStatus[] = ['online', 'away', 'busy', 'in_call'];

/** Presence of everyone this user shares a room with (and their own), kept live across reconnects. */
export class PresenceController {
  readonly store = new Store<Record<string, Presence>>({});
  private readonly tracker: PresenceTracker;
  private readonly offs: Array<() => void> = [];

  constructor(connection: Connection, chat: ChatController) {
    this.tracker = new PresenceTracker(connection.client);
    this.offs.push(this.tracker.onChange((p) => this.store.update((s) => ({ ...s, [p.userId]: p }))));
    // Whoever appears in a participant list is watched from then on.
    const watchMembers = () => {
      const ids = new Set<string>([connection.session.userId]);
      for (const room of Object.values(chat.store.get().rooms)) for (const p of room.participants) ids.add(p.userId);
      void this.tracker.watch([...ids]).catch(() => undefined);
    };
    this.offs.push(chat.store.subscribe(watchMembers));
    watchMembers();
  }

  async setStatus(status: SettableStatus, customStatus?: string): Promise<void> {
    await this.tracker.setStatus(status, customStatus?.trim() ? customStatus.trim() : undefined);
  }

  close(): void {
    for (const off of this.offs) off();
    this.tracker.close();
  }
}
