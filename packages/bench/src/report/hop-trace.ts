import type { HopMark } from '@switchboard/runtime';

/** What the load generator saw of one sampled message, wall-clock ms (performance.timeOrigin + now). */
export interface ClientTimes {
  sentAt: number;
  ackAt?: number;
  firstDeliveryAt?: number;
  lastDeliveryAt?: number;
}

export interface HopTraceRow {
  /** `<process>: <hop>` (e.g. `gateway-1: gateway: request received`), or `client: …`. */
  hop: string;
  /** Sampled messages that have this hop. */
  count: number;
  /** Median ms from the client's send to this hop, over those messages. */
  p50Ms: number;
}

export interface HopTraceTable {
  /** 1 in N messages sampled by the servers. */
  every: number;
  /** Sampled messages the load generator sent and found marks for. */
  traced: number;
  rows: HopTraceRow[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(value * 100) / 100;
}

/**
 * One message's path, hop by hop: for each `<process>: <hop>` the median time since the client
 * sent it, over every sampled message of this run (marks of other runs or scenarios are ignored:
 * only keys the load generator sent count). Rows in the order of their medians.
 */
export function hopTraceTable(
  every: number,
  sent: Map<string, ClientTimes>,
  scrapes: { process: string; marks: HopMark[] }[],
): HopTraceTable {
  const offsets = new Map<string, number[]>();
  const traced = new Set<string>();
  const add = (hop: string, key: string, at: number | undefined) => {
    const client = sent.get(key);
    if (!client || at === undefined) return;
    traced.add(key);
    const list = offsets.get(hop) ?? [];
    list.push(at - client.sentAt);
    offsets.set(hop, list);
  };
  for (const { process, marks } of scrapes) for (const m of marks) add(`${process}: ${m.hop}`, m.key, m.at);
  for (const key of traced) {
    const client = sent.get(key)!;
    add('client: ack received', key, client.ackAt);
    add('client: first delivery', key, client.firstDeliveryAt);
    add('client: last delivery', key, client.lastDeliveryAt);
  }
  const rows = [...offsets]
    .map(([hop, list]) => ({ hop, count: list.length, p50Ms: median(list) }))
    .sort((a, b) => a.p50Ms - b.p50Ms);
  return { every, traced: traced.size, rows };
}

/** The table as markdown, with the step from the previous row. */
export function hopTraceMarkdown(table: HopTraceTable): string {
  const lines = [
    `| hop (1 in ${table.every} messages, ${table.traced} traced) | messages | p50 ms since send | step ms |`,
    '|---|---:|---:|---:|',
  ];
  let previous = 0;
  for (const row of table.rows) {
    lines.push(`| ${row.hop} | ${row.count} | ${row.p50Ms} | ${Math.round((row.p50Ms - previous) * 100) / 100} |`);
    previous = row.p50Ms;
  }
  return lines.join('\n');
}
