/**
 * Just enough of the Prometheus text format to compare two scrapes of a process's /metrics:
 * the benchmark reads histograms (ack, bus, commit) and event-loop lag over a phase.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = LINE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const l of (match[2] ?? '').matchAll(LABEL)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, '$1');
    const value = match[3] === '+Inf' ? Number.POSITIVE_INFINITY : Number(match[3]);
    if (!Number.isNaN(value)) out.push({ name: match[1]!, labels, value });
  }
  return out;
}

const matches = (sample: Sample, where: Record<string, string>) =>
  Object.entries(where).every(([k, v]) => sample.labels[k] === v);

/** Sum of the samples of `name` matching `where` (e.g. a histogram's _count over its series). */
export function sumOf(samples: Sample[], name: string, where: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && matches(s, where)).reduce((a, s) => a + s.value, 0);
}

/** The first sample of `name`, or undefined (gauges such as nodejs_eventloop_lag_p99_seconds). */
export function gaugeValue(samples: Sample[], name: string): number | undefined {
  return samples.find((s) => s.name === name)?.value;
}

export interface HistogramDelta {
  count: number;
  meanMs: number;
  /** Upper bound (ms) of the bucket holding the median / 99th percentile of the observations in between. */
  p50LeMs: number;
  p99LeMs: number;
}

/** What a histogram observed between two scrapes: count, mean, and bucket bounds of p50/p99. */
export function histogramDelta(
  before: Sample[],
  after: Sample[],
  name: string,
  where: Record<string, string> = {},
): HistogramDelta | undefined {
  const count = sumOf(after, `${name}_count`, where) - sumOf(before, `${name}_count`, where);
  if (count <= 0) return undefined;
  const sum = sumOf(after, `${name}_sum`, where) - sumOf(before, `${name}_sum`, where);
  const bounds = [
    ...new Set(after.filter((s) => s.name === `${name}_bucket` && matches(s, where)).map((s) => s.labels.le!)),
  ]
    .map((le) => ({ le, bound: le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le) }))
    .sort((a, b) => a.bound - b.bound);
  const cumulative = bounds.map(({ le, bound }) => ({
    bound,
    n: sumOf(after, `${name}_bucket`, { ...where, le }) - sumOf(before, `${name}_bucket`, { ...where, le }),
  }));
  const quantile = (q: number) => (cumulative.find((b) => b.n >= q * count)?.bound ?? Number.POSITIVE_INFINITY) * 1000;
  return { count, meanMs: (sum / count) * 1000, p50LeMs: quantile(0.5), p99LeMs: quantile(0.99) };
}
