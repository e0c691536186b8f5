import type { Notification, NotificationListResult } from '@switchboard/protocol';
import type { SwitchboardClient } from './client.ts';

export type UnreadCountHandler = (unreadCount: number) => void;
export type NotificationHandler = (notification: Notification) => void;

/**
 * The user's notification inbox: list/read/readAll, topics, and the unread count as an
 * observable value. The count is the server's, kept in sync by `notification:unread` (sent to
 * every device whenever it changes) and fetched again on every (re)connect, so a badge never
 * drifts across devices or across a disconnect.
 */
export class NotificationInbox {
  private count: number | undefined;
  private readonly countHandlers = new Set<UnreadCountHandler>();
  private readonly newHandlers = new Set<NotificationHandler>();
  private readonly off: Array<() => void>;

  constructor(private readonly client: SwitchboardClient) {
    this.off = [
      client.on('notification:unread', ({ unreadCount }) => this.setCount(unreadCount)),
      client.on('notification:new', (notification) => {
        for (const handler of this.newHandlers) handler(notification);
      }),
      client.on('connected', () => void this.refreshUnreadCount().catch(() => undefined)),
    ];
    // An inbox made on a client that is already connected would otherwise wait for the next
    // connect or change to learn the count.
    if (client.socket.connected) void this.refreshUnreadCount().catch(() => undefined);
  }

  /** The last known unread count (`undefined` until the server has told it). */
  get unreadCount(): number | undefined {
    return this.count;
  }

  /** Called with the count now (if known) and on every change. Returns an unsubscribe function. */
  onUnreadCount(handler: UnreadCountHandler): () => void {
    this.countHandlers.add(handler);
    if (this.count !== undefined) handler(this.count);
    return () => void this.countHandlers.delete(handler);
  }

  /** Each `notification:new` pushed to this device. */
  onNotification(handler: NotificationHandler): () => void {
    this.newHandlers.add(handler);
    return () => void this.newHandlers.delete(handler);
  }

  /** A page of the inbox, newest first; pass the last id of the previous page as `before`. */
  async list(options: { before?: string; limit?: number } = {}): Promise<NotificationListResult> {
    const { notifications, hasMore } = await this.client.request('notification:list', options);
    return { notifications, hasMore };
  }

  async read(notificationId: string): Promise<void> {
    await this.client.request('notification:read', { notificationId });
  }

  /** Mark everything read; resolves with how many were unread. */
  async readAll(): Promise<number> {
    return (await this.client.request('notification:readAll', {})).markedCount;
  }

  /** Ask the server for the count (also done on every connect) and publish it to the handlers. */
  async refreshUnreadCount(): Promise<number> {
    const { unreadCount } = await this.client.request('notification:getUnreadCount', {});
    this.setCount(unreadCount);
    return unreadCount;
  }

  /** Subscribe to topics; resolves with every topic the user is subscribed to now. */
  async subscribe(topics: string[]): Promise<string[]> {
    return (await this.client.request('notification:subscribe', { topics })).topics;
  }

  async unsubscribe(topics: string[]): Promise<string[]> {
    return (await this.client.request('notification:unsubscribe', { topics })).topics;
  }

  close(): void {
    for (const off of this.off) off();
    this.countHandlers.clear();
    this.newHandlers.clear();
  }

  private setCount(unreadCount: number): void {
    if (unreadCount === this.count) return;
    this.count = unreadCount;
    for (const handler of this.countHandlers) handler(unreadCount);
  }
}
