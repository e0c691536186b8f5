// A small reader for the Prometheus text exposition format (what prom-client serves at /metrics),
// so tests can compare counters of a live process before and after some traffic.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/;

/** Every sample line of `text`; comments (# HELP / # TYPE) and blank lines are skipped. */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    samples.push(parseLine(line, index + 1));
  }
  return samples;
}

function parseLine(line: string, lineNumber: number): Sample {
  const fail = (why: string) => new Error(`prometheus text, line ${lineNumber}: ${why}: ${line.slice(0, 120)}`);
  const name = NAME.exec(line)?.[0];
  if (!name) throw fail('no metric name');
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    while (!rest.trimStart().startsWith('}')) {
      const match = LABEL.exec(rest);
      if (!match) throw fail('bad label');
      labels[match[1]!] = unescapeLabel(match[2]!);
      rest = rest.slice(match[0].length);
    }
    rest = rest.trimStart().slice(1);
  }
  // The value, then an optional timestamp.
  const [valueText] = rest.trim().split(/\s+/);
  if (!valueText) throw fail('no value');
  const value = parseValue(valueText);
  if (value === undefined) throw fail('bad value');
  return { name, labels, value };
}

function unescapeLabel(value: string): string {
  return value.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
}

/** Like Prometheus (Go's ParseFloat), case-insensitive for NaN and Inf: prom-client writes `Nan`. */
function parseValue(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  const value = Number(text);
  return Number.isNaN(value) ? undefined : value;
}

/** Samples named `name` whose labels include every pair of `labels`. */
export function matching(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** Sum of the matching samples (0 when there are none: a labelled counter not yet incremented). */
export function sumOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return matching(samples, name, labels).reduce((sum, s) => sum + s.value, 0);
}

/** How much the matching samples grew between two scrapes of the same process. */
export function delta(before: Sample[], after: Sample[], name: string, labels: Record<string, string> = {}): number {
  return sumOf(after, name, labels) - sumOf(before, name, labels);
}
