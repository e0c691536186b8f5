import client from 'prom-client';
import { createHopTrace } from './hop-trace.ts';

/**
 * One registry per process (not prom-client's global), so tests and the embedded mode can run
 * several services side by side. Metric names are shared by all services; the `service` label
 * tells them apart.
 */
export function createMetrics(service: string, options: { hopTraceEvery?: number } = {}) {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service });
  client.collectDefaultMetrics({ register: registry });
  const ms = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000].map((v) => v / 1000);
  const outgoingTallies = new Map<string, number>();
  return {
    registry,
    /** HOP_TRACE_EVERY: sampled per-message hop times, served at `GET /debug/hops` (hop-trace.ts). */
    hops: createHopTrace(options.hopTraceEvery ?? 0),
    /**
     * Per-socket deliveries at a gateway, counted in a plain Map and added to
     * `switchboard_events_out_total` when it is scraped: a broadcast to N local sockets is one
     * update of N (the gateway's local-broadcast.ts), a direct emit one of 1 (docs/performance.md).
     */
    countOutgoing(event: string, sockets = 1): void {
      outgoingTallies.set(event, (outgoingTallies.get(event) ?? 0) + sockets);
    },
    connections: new client.Gauge({
      name: 'switchboard_connections',
      help: 'Open client sockets',
      registers: [registry],
    }),
    eventsIn: new client.Counter({
      name: 'switchboard_events_in_total',
      help: 'Client events received',
      labelNames: ['event'],
      registers: [registry],
    }),
    eventsOut: new client.Counter({
      name: 'switchboard_events_out_total',
      help: 'Events sent to clients: per socket at gateways, per broadcast at services',
      labelNames: ['event'],
      registers: [registry],
      collect() {
        for (const [event, count] of outgoingTallies) this.inc({ event }, count);
        outgoingTallies.clear();
      },
    }),
    ackLatency: new client.Histogram({
      name: 'switchboard_ack_seconds',
      help: 'Time from request to ack',
      labelNames: ['event'],
      buckets: ms,
      registers: [registry],
    }),
    errors: new client.Counter({
      name: 'switchboard_errors_total',
      help: 'Errors answered, by code',
      labelNames: ['code'],
      registers: [registry],
    }),
    busLatency: new client.Histogram({
      name: 'switchboard_bus_request_seconds',
      help: 'Bus request round trip',
      labelNames: ['service', 'command'],
      buckets: ms,
      registers: [registry],
    }),
    busHandled: new client.Counter({
      name: 'switchboard_bus_handled_total',
      help: 'Bus commands handled',
      labelNames: ['command', 'outcome'],
      registers: [registry],
    }),
    busQueueDepth: new client.Gauge({
      name: 'switchboard_bus_queue_depth',
      help: 'Commands waiting in the bus stream',
      labelNames: ['stream'],
      registers: [registry],
    }),
    dbLatency: new client.Histogram({
      name: 'switchboard_db_query_seconds',
      help: 'Database operation latency',
      labelNames: ['operation'],
      buckets: ms,
      registers: [registry],
    }),
    messagesPersisted: new client.Counter({
      name: 'switchboard_messages_persisted_total',
      help: 'Messages committed',
      registers: [registry],
    }),
    guards: new client.Counter({
      name: 'switchboard_guard_total',
      help: 'Gateway connections refused or cut by a protective limit (capacity, handshake_rate, token_expired, slow_consumer)',
      labelNames: ['guard'],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
