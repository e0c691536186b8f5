/** Typing is a signal, not a state: send `start` at most every few seconds while keys are pressed, `stop` after a pause. */
export class TypingSignal {
  private lastStart = new Map<string, number>();
  private stopTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly emit: (roomId: string, typing: boolean) => void,
    private readonly repeatMs = 3000,
    private readonly idleMs = 2500,
  ) {}

  keystroke(roomId: string): void {
    const now = Date.now();
    if (now - (this.lastStart.get(roomId) ?? 0) > this.repeatMs) {
      this.lastStart.set(roomId, now);
      this.emit(roomId, true);
    }
    clearTimeout(this.stopTimers.get(roomId));
    this.stopTimers.set(
      roomId,
      setTimeout(() => this.stop(roomId), this.idleMs),
    );
  }

  stop(roomId: string): void {
    clearTimeout(this.stopTimers.get(roomId));
    this.stopTimers.delete(roomId);
    if (!this.lastStart.has(roomId)) return;
    this.lastStart.delete(roomId);
    this.emit(roomId, false);
  }

  close(): void {
    for (const timer of this.stopTimers.values()) clearTimeout(timer);
  }
}
