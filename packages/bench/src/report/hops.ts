import { gaugeValue, histogramDelta, parsePrometheus, type Sample } from './prometheus.ts';

/** One process's /metrics text, named as in the cluster (gateway-1, messaging, …). */
export interface ProcessScrape {
  name: string;
  text: string;
}

export interface HopBreakdown {
  /** Per process: event-loop delay over the phase (prom-client resets its histogram at each scrape). */
  eventLoop: { process: string; p50Ms: number | null; p99Ms: number | null; maxMs: number | null }[];
  /** Median-ish (bucket bound) and mean per hop, over every message:send in the phase. */
  hops: { hop: string; count: number; meanMs: number; p50LeMs: number; p99LeMs: number }[];
}

const ms = (seconds: number | undefined) => (seconds === undefined ? null : Math.round(seconds * 10_000) / 10);

/**
 * Where a message's time goes, from the histograms the processes already export, compared
 * between a scrape before the send phase and one after the drain:
 *  - gateway `message:send` ack: from the client event arriving at the gateway to its ack (the
 *    bus round trip to messaging and the commit inside it);
 *  - gateway bus request to messaging `message:send`: stream add → handler → reply;
 *  - messaging `message_batch`: the group commit's transaction.
 * The client adds send → ack and send → delivery; the differences are the hops between.
 */
export function hopBreakdown(before: ProcessScrape[], after: ProcessScrape[]): HopBreakdown {
  const parsed = (list: ProcessScrape[]) => new Map(list.map((p) => [p.name, parsePrometheus(p.text)]));
  const b = parsed(before);
  const a = parsed(after);
  const eventLoop = [...a].map(([process, samples]) => ({
    process,
    p50Ms: ms(gaugeValue(samples, 'nodejs_eventloop_lag_p50_seconds')),
    p99Ms: ms(gaugeValue(samples, 'nodejs_eventloop_lag_p99_seconds')),
    maxMs: ms(gaugeValue(samples, 'nodejs_eventloop_lag_max_seconds')),
  }));
  const merged = (map: Map<string, Sample[]>, prefix: string) =>
    [...map].filter(([name]) => name.startsWith(prefix)).flatMap(([, samples]) => samples);
  const hops: HopBreakdown['hops'] = [];
  const add = (hop: string, prefix: string, metric: string, where: Record<string, string>) => {
    const delta = histogramDelta(merged(b, prefix), merged(a, prefix), metric, where);
    if (delta) hops.push({ hop, ...delta, meanMs: Math.round(delta.meanMs * 100) / 100 });
  };
  add('gateway: message:send received → ack sent', 'gateway', 'switchboard_ack_seconds', { event: 'message:send' });
  add('gateway: bus request to messaging (stream → handler → reply)', 'gateway', 'switchboard_bus_request_seconds', {
    service: 'messaging',
    command: 'message:send',
  });
  add('messaging: group commit transaction', 'messaging', 'switchboard_db_query_seconds', {
    operation: 'message_batch',
  });
  return { eventLoop, hops };
}
