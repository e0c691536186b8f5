import type { Notification } from '@switchboard/protocol';
import type { Connection } from '../connection/connection.ts';
import { Store } from '../ui/store.ts';

export interface NotificationsState {
  /** What the server last said (`notification:unread`, or the count asked for on connect). */
  unread: number;
  /** Newest first, each once (a live one and a listed one meet by id). */
  items: Notification[];
  hasMore: boolean;
  /** The first page was asked for (the panel was opened at least once). */
  loaded: boolean;
  loading: boolean;
  error?: string;
}

const PAGE = 20;

/**
 * The bell: the unread count, kept live across this user's tabs and devices by the server's
 * `notification:unread`, and the list, paged by the id of the last notification shown.
 */
export class NotificationController {
  readonly store = new Store<NotificationsState>({
    unread: 0,
    items: [],
    hasMore: false,
    loaded: false,
    loading: false,
  });
  private readonly offs: Array<() => void> = [];

  constructor(private readonly connection: Connection) {
    const client = connection.client;
    this.offs.push(
      // On every (re)connect: what arrived while offline is in the count and the first page.
      client.on('connected', () => {
        void this.refreshCount();
        if (this.store.get().loaded) void this.reload();
      }),
      // Before the first page is asked for, a live one would only come again with it.
      client.on('notification:new', (n) =>
        this.store.update((s) => (s.loaded ? { ...s, items: mergeNewestFirst(s.items, [n]) } : s)),
      ),
      client.on('notification:unread', ({ unreadCount }) => this.store.update((s) => ({ ...s, unread: unreadCount }))),
    );
  }

  close(): void {
    for (const off of this.offs) off();
  }

  /** The first page again (the panel opened, or a reconnect while it was loaded). */
  async reload(): Promise<void> {
    await this.page(undefined);
  }

  async loadMore(): Promise<void> {
    await this.page(this.store.get().items.at(-1)?.id);
  }

  async read(notificationId: string): Promise<void> {
    await this.guard(() => this.connection.client.request('notification:read', { notificationId }));
    const at = new Date().toISOString();
    this.store.update((s) => ({
      ...s,
      items: s.items.map((n) => (n.id === notificationId && !n.readAt ? { ...n, readAt: at } : n)),
    }));
  }

  async readAll(): Promise<void> {
    await this.guard(() => this.connection.client.request('notification:readAll', {}));
    const at = new Date().toISOString();
    this.store.update((s) => ({ ...s, unread: 0, items: s.items.map((n) => (n.readAt ? n : { ...n, readAt: at })) }));
  }

  private async refreshCount(): Promise<void> {
    const result = await this.guard(() => this.connection.client.request('notification:getUnreadCount', {}));
    if (result) this.store.update((s) => ({ ...s, unread: result.unreadCount }));
  }

  private async page(before: string | undefined): Promise<void> {
    this.store.update((s) => ({ ...s, loading: true }));
    const result = await this.guard(() =>
      this.connection.client.request('notification:list', { limit: PAGE, ...(before ? { before } : {}) }),
    );
    this.store.update((s) =>
      result
        ? {
            ...s,
            loaded: true,
            loading: false,
            // A first page replaces what was listed (reads on other devices show), live ones stay.
            items: mergeNewestFirst(before ? s.items : [], result.notifications),
            hasMore: result.hasMore,
          }
        : { ...s, loading: false },
    );
  }

  /** A failed request is shown in the panel, not thrown at a click handler. */
  private async guard<T>(run: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await run();
      this.store.update((s) => (s.error ? { ...s, error: undefined } : s));
      return result;
    } catch (error) {
      this.store.update((s) => ({ ...s, error: (error as Error).message }));
      return undefined;
    }
  }
}

function mergeNewestFirst(existing: Notification[], incoming: Notification[]): Notification[] {
  const byId = new Map(existing.map((n) => [n.id, n]));
  for (const n of incoming) byId.set(n.id, n);
  return [...byId.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}
