import type { Room } from '@switchboard/protocol';

/**
 * Room details (name, type, owner, contacts) this browser has seen, per user. The protocol has
 * no "list my rooms" request: `connected` names the rooms by id only, so without this cache a
 * reloaded page could show a room by its members but not by its name.
 */
export class RoomCache {
  private readonly key: string;

  constructor(
    userId: string,
    private readonly storage: Storage = window.localStorage,
  ) {
    this.key = `switchboard.rooms.${userId}`;
  }

  load(): Record<string, Room> {
    try {
      const parsed: unknown = JSON.parse(this.storage.getItem(this.key) ?? '{}');
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, Room>)
        : {};
    } catch {
      return {};
    }
  }

  save(room: Room): void {
    try {
      this.storage.setItem(this.key, JSON.stringify({ ...this.load(), [room.id]: room }));
    } catch {
      // Full or blocked storage: the page still works, it just forgets names on reload.
    }
  }
}
