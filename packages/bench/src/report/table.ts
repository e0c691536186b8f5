import type { ScenarioResult } from './results.ts';

const fmt = (value: number | null) => (value === null || Number.isNaN(value) ? '–' : String(value));

/** The results as a markdown table, one row per scenario and system. */
export function markdownTable(rows: ScenarioResult[]): string {
  const header =
    '| scenario | system | connections | rate | p50 ms | p99 ms | delivered/s | lost | RSS/conn KiB | server CPU ms / 1k deliveries |';
  const rule = '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|';
  const lines = rows.map(
    (r) =>
      `| ${r.name} | ${r.system} | ${r.connections} | ${fmt(r.rate)} | ${fmt(r.p50Ms)} | ${fmt(r.p99Ms)} | ${fmt(r.deliveredPerSec)} | ${r.lost} | ${fmt(r.rssPerConnectionKb)} | ${fmt(r.cpuMsPer1kDeliveries)} |`,
  );
  return [header, rule, ...lines].join('\n');
}

/**
 * Each system's figures relative to a baseline (e.g. centrifugo), per scenario: values above 1
 * mean "more than the baseline" (better for rates, worse for latency and memory).
 */
export function ratioTable(rows: ScenarioResult[], baseline = 'socketio-single'): string {
  const lines: string[] = [
    `| scenario | system | rate × | p50 × | p99 × | delivered/s × | RSS/conn × | CPU/1k × |`,
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const base = rows.find((r) => r.name === row.name && r.system === baseline);
    if (!base || row.system === baseline) continue;
    const ratio = (a: number | null, b: number | null) =>
      a === null || b === null || !b || Number.isNaN(a) || Number.isNaN(b) ? '–' : (a / b).toFixed(2);
    lines.push(
      `| ${row.name} | ${row.system} | ${ratio(row.rate, base.rate)} | ${ratio(row.p50Ms, base.p50Ms)} | ${ratio(row.p99Ms, base.p99Ms)} | ${ratio(row.deliveredPerSec, base.deliveredPerSec)} | ${ratio(row.rssPerConnectionKb, base.rssPerConnectionKb)} | ${ratio(row.cpuMsPer1kDeliveries, base.cpuMsPer1kDeliveries)} |`,
    );
  }
  return lines.join('\n');
}
