import type { CursorStorage } from './storage.ts';

/** The part of the Web Storage API the cursor store needs (`localStorage`, `sessionStorage`). */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * Cursors in Web Storage under one key (one JSON object), so a reloaded page resumes each room
 * where it stopped. Use one key per user: cursors are per user, and two people may share a
 * browser. Unreadable or foreign content counts as no cursors; a full or blocked storage keeps
 * working in memory (delivery is then at-least-once across a reload, never lossy).
 */
export function webCursorStorage(storage: WebStorageLike, key: string): CursorStorage {
  let cursors: Record<string, number> = {};
  try {
    const parsed: unknown = JSON.parse(storage.getItem(key) ?? '{}');
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      for (const [roomId, seq] of Object.entries(parsed))
        if (Number.isInteger(seq) && (seq as number) >= 0) cursors[roomId] = seq as number;
    }
  } catch {
    cursors = {};
  }
  return {
    load: () => ({ ...cursors }),
    save(roomId, seq) {
      if ((cursors[roomId] ?? 0) >= seq) return;
      cursors[roomId] = seq;
      try {
        storage.setItem(key, JSON.stringify(cursors));
      } catch {
        // Quota or privacy mode: keep the in-memory cursor.
      }
    },
  };
}
