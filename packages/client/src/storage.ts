/**
 * Where the client keeps each room's delivery cursor (highest seq handed to the app), so a
 * restarted app resumes where it stopped instead of replaying rooms from seq 1. Synchronous on
 * purpose: `localStorage`, a file or a Map all fit.
 */
export interface CursorStorage {
  load(): Record<string, number>;
  save(roomId: string, seq: number): void;
}

export function memoryCursorStorage(initial: Record<string, number> = {}): CursorStorage {
  const cursors = new Map(Object.entries(initial));
  return {
    load: () => Object.fromEntries(cursors),
    save: (roomId, seq) => void cursors.set(roomId, seq),
  };
}
