import type { AuthRefreshResult } from '@switchboard/protocol';

export interface TokenRefresherDeps {
  /** The app's token source (`ClientOptions.getToken`); without it nothing is refreshed. */
  getToken?: () => string | Promise<string>;
  /** Sends `auth:refresh` on the live socket. */
  refresh: (token: string) => Promise<AuthRefreshResult>;
  onError: (error: unknown) => void;
}

/** setTimeout's limit (about 24.8 days); a later deadline is reached in several steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** How long before `exp` to refresh: a tenth of what is left, between 2 s and 60 s. */
export function refreshLeadMs(remainingMs: number): number {
  return Math.min(60_000, Math.max(2_000, remainingMs * 0.1));
}

/**
 * Keeps a live socket's token fresh: ahead of each expiry the server announced (`connected`,
 * or a refresh's answer) it asks `getToken()` for a token and sends `auth:refresh`. A failed
 * or useless refresh (the same expiry again) is retried a few times before `exp`; after that
 * the server's `auth:expired` and disconnect lead to a reconnect, which calls `getToken()` too.
 */
export class TokenRefresher {
  private expiresAt: number | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly deps: TokenRefresherDeps) {}

  /** The expiry of the socket's current token: null when unknown or when it never expires. */
  get expiry(): Date | null {
    return this.expiresAt === null ? null : new Date(this.expiresAt);
  }

  /** The server said when the current token expires (ISO; null = never). */
  update(expiresAt: string | null | undefined): void {
    const parsed = expiresAt ? Date.parse(expiresAt) : Number.NaN;
    this.expiresAt = Number.isFinite(parsed) ? parsed : null;
    this.schedule(
      this.expiresAt === null ? null : this.expiresAt - Date.now() - refreshLeadMs(this.expiresAt - Date.now()),
    );
  }

  /** Refresh at once (also what the timer does); resolves with the new expiry. */
  async refreshNow(): Promise<Date | null> {
    if (!this.deps.getToken) throw new Error('auth:refresh needs the getToken option');
    const before = this.expiresAt;
    const token = await this.deps.getToken();
    const { expiresAt } = await this.deps.refresh(token);
    this.update(expiresAt);
    // getToken handed back the same token (or no later one): try again later, not in a loop.
    if (before !== null && this.expiresAt !== null && this.expiresAt <= before) this.retryBeforeExpiry();
    return this.expiry;
  }

  /** The connection is gone: the next `connected` says the new expiry. */
  pause(): void {
    this.clear();
  }

  stop(): void {
    this.stopped = true;
    this.clear();
  }

  private schedule(delayMs: number | null): void {
    this.clear();
    if (delayMs === null || this.stopped || !this.deps.getToken) return;
    const wait = Math.max(0, delayMs);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        if (wait > MAX_TIMER_MS) return this.schedule(delayMs - MAX_TIMER_MS);
        this.refreshNow().catch((error: unknown) => {
          this.deps.onError(error);
          this.retryBeforeExpiry();
        });
      },
      Math.min(wait, MAX_TIMER_MS),
    );
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Half of what is left before `exp`, at least 1 s; nothing once it has passed. */
  private retryBeforeExpiry(): void {
    if (this.expiresAt === null) return;
    const left = this.expiresAt - Date.now();
    if (left > 1_000) this.schedule(Math.max(1_000, left / 2));
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
