import type { Logger } from '@switchboard/runtime';
import type { Redis } from 'ioredis';
import type { BusReply } from './bus.ts';
import { decodeReplyMessage } from './stream-entry.ts';

interface Waiter {
  resolve: (reply: BusReply) => void;
  timer: NodeJS.Timeout;
}

/**
 * The requesting side of the bus: one pub/sub channel per process, subscribed once, on which
 * every reply to this process's requests arrives; each request waits for its id until its deadline.
 */
export class ReplyChannel {
  private readonly waiters = new Map<string, Waiter>();
  private subscribed: Promise<void> | undefined;
  private readonly onMessage = (channel: string, message: string) => this.receive(channel, message);

  constructor(
    private readonly subscriber: Redis,
    readonly channel: string,
    private readonly log: Logger,
  ) {}

  /** Subscribe on first use; a failed attempt is retried by the next request. */
  ready(): Promise<void> {
    if (!this.subscribed) {
      this.subscriber.on('message', this.onMessage);
      this.subscribed = this.subscriber.subscribe(this.channel).then(
        () => undefined,
        (error: unknown) => {
          this.subscriber.off('message', this.onMessage);
          this.subscribed = undefined;
          throw error;
        },
      );
    }
    return this.subscribed;
  }

  /** Wait for the reply to `id`; past `timeoutMs` resolves with `onTimeout()` instead. */
  expect(id: string, timeoutMs: number, onTimeout: () => BusReply): Promise<BusReply> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle(id, onTimeout()), timeoutMs);
      this.waiters.set(id, { resolve, timer });
    });
  }

  isWaiting(id: string): boolean {
    return this.waiters.has(id);
  }

  /** Answer a waiting request (reply arrived, timed out, or could not be sent). */
  settle(id: string, reply: BusReply): void {
    const waiter = this.waiters.get(id);
    if (!waiter) return;
    this.waiters.delete(id);
    clearTimeout(waiter.timer);
    waiter.resolve(reply);
  }

  /** Answer every waiting request with `reply` and stop listening. */
  async close(reply: BusReply): Promise<void> {
    for (const id of [...this.waiters.keys()]) this.settle(id, reply);
    if (!this.subscribed) return;
    this.subscriber.off('message', this.onMessage);
    this.subscribed = undefined;
    await this.subscriber.unsubscribe(this.channel).catch((error: unknown) => {
      this.log.debug({ err: error, channel: this.channel }, 'bus unsubscribe failed');
    });
  }

  private receive(channel: string, message: string): void {
    if (channel !== this.channel) return;
    const decoded = decodeReplyMessage(message);
    if (!decoded) {
      this.log.warn({ channel }, 'bus reply malformed');
      return;
    }
    // A reply for an id no longer waiting (timed out, or a redelivery's second answer) is dropped.
    this.settle(decoded.id, decoded.reply);
  }
}
