import { fetchCallLog } from '@switchboard/client';
import { restTarget } from '../api/rest.ts';
import type { Connection } from '../connection/connection.ts';
import { Store } from '../ui/store.ts';
import type { CallController } from './call-controller.ts';
import { type CallLogState, emptyCallLog, mergeFirstPage } from './call-log-state.ts';

export const CALL_LOG_PAGE_SIZE = 20;

/**
 * The user's call log (`GET /api/calls`, through the SDK): the first page when the view opens,
 * older pages by `before`, and the first page again whenever a call of this user ends (or this
 * page reconnects) while the view is open.
 */
export class CallLogController {
  readonly store = new Store<CallLogState>(emptyCallLog);
  private views = 0;
  private offs: Array<() => void> = [];
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;

  constructor(
    private readonly connection: Connection,
    private readonly calls: CallController,
    private readonly pageSize = CALL_LOG_PAGE_SIZE,
  ) {}

  /** The view is shown: load, and follow call endings until the returned function is called. */
  open(): () => void {
    if (this.views++ === 0) {
      this.offs = [
        this.calls.onCallOver(() => void this.refresh()),
        this.connection.client.on('connected', () => void this.refresh()),
      ];
      void this.refresh();
    }
    return () => {
      if (--this.views === 0) for (const off of this.offs.splice(0)) off();
    };
  }

  /** The first page again, merged with what is shown; calls made while one runs coalesce into one more. */
  refresh(): Promise<void> {
    if (this.refreshing !== undefined) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.store.update((s) => (s.status === 'idle' ? { ...s, status: 'loading' } : s));
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        try {
          const page = await fetchCallLog(restTarget(this.connection.session), { limit: this.pageSize });
          this.store.update((s) => {
            const calls = mergeFirstPage(s.calls, page.calls);
            // Older pages already loaded keep their own hasMore; otherwise the page says.
            const hasMore = calls.length > page.calls.length ? s.hasMore : page.hasMore;
            return { ...s, calls, hasMore, status: 'ready', error: undefined };
          });
        } catch (error) {
          this.store.update((s) => ({
            ...s,
            status: 'ready',
            error: `The call log could not be loaded: ${(error as Error).message}`,
          }));
        }
      } while (this.refreshAgain);
      this.refreshing = undefined;
    })();
    return this.refreshing;
  }

  /** The next older page, after the last call shown. */
  async more(): Promise<void> {
    const { calls, hasMore, loadingMore } = this.store.get();
    if (!hasMore || loadingMore) return;
    this.store.update((s) => ({ ...s, loadingMore: true }));
    try {
      const page = await fetchCallLog(restTarget(this.connection.session), {
        limit: this.pageSize,
        before: calls.at(-1)?.callId,
      });
      this.store.update((s) => {
        const shown = new Set(s.calls.map((c) => c.callId));
        return {
          ...s,
          calls: [...s.calls, ...page.calls.filter((c) => !shown.has(c.callId))],
          hasMore: page.hasMore,
          loadingMore: false,
          error: undefined,
        };
      });
    } catch (error) {
      this.store.update((s) => ({
        ...s,
        loadingMore: false,
        error: `Older calls could not be loaded: ${(error as Error).message}`,
      }));
    }
  }

  close(): void {
    for (const off of this.offs.splice(0)) off();
  }
}
