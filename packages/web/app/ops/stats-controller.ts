import { Store } from '../ui/store.ts';
import type { StatsBody } from './stats-types.ts';

export interface Sample {
  at: number;
  connections: number;
  messagesPerSecond: number;
  activeCalls: number;
  gateways: Record<string, { connections: number; messagesPerSecond: number }>;
}

export interface OpsState {
  samples: Sample[];
  latest?: StatsBody;
  error?: string;
}

/** How many samples the charts keep (2 s apart: the last two minutes). */
const KEEP = 60;

/** Polls `GET /api/stats` while the operator view is open; each answer becomes a point on the charts. */
export class StatsPoller {
  readonly store = new Store<OpsState>({ samples: [] });
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;

  constructor(private readonly everyMs = 2000) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.poll();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  private async poll(): Promise<void> {
    try {
      const response = await fetch('/api/stats', { headers: { Accept: 'application/json' }, cache: 'no-store' });
      if (!response.ok) throw new Error(`GET /api/stats answered ${response.status}`);
      const body = (await response.json()) as StatsBody;
      const sample: Sample = {
        at: Date.now(),
        connections: body.connections,
        messagesPerSecond: body.messagesPerSecond,
        activeCalls: body.activeCalls,
        gateways: Object.fromEntries(
          body.gateways.map((g) => [
            g.gatewayId,
            { connections: g.connections, messagesPerSecond: g.messagesPerSecond },
          ]),
        ),
      };
      this.store.update((s) => ({ samples: [...s.samples, sample].slice(-KEEP), latest: body }));
    } catch (error) {
      this.store.update((s) => ({ ...s, error: (error as Error).message }));
    }
    if (this.running) this.timer = setTimeout(() => void this.poll(), this.everyMs);
  }
}
