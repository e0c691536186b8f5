/**
 * A V8 .cpuprofile (what `node --cpu-prof` writes) reduced to where the time went: self time per
 * function, and per package (node_modules/<name>, node: internals, our own code), so a profile of
 * each cluster process fits in a table.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Not idle, not (program)/(garbage collector) bookkeeping. */
  busyMs: number;
  gcMs: number;
  topFunctions: { name: string; where: string; selfMs: number }[];
  byArea: { area: string; selfMs: number }[];
}

/** node_modules/<pkg> (scoped too), node:internals, or the repo folder a file is in. */
export function areaOf(url: string): string {
  if (!url) return '(native)';
  if (url.startsWith('node:')) return 'node:internals';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  const ours = /\/(packages|services)\/([^/]+)\//.exec(url);
  return ours ? `${ours[1]}/${ours[2]}` : url.split('/').slice(-2).join('/');
}

export function summarizeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  let idle = 0;
  let gc = 0;
  const functions = new Map<string, { name: string; where: string; selfMs: number }>();
  const areas = new Map<string, number>();
  for (const [id, ms] of self) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') {
      idle += ms;
      continue;
    }
    if (frame.functionName === '(garbage collector)') gc += ms;
    const where = frame.url ? `${areaOf(frame.url)}:${frame.lineNumber + 1}` : '(native)';
    const key = `${frame.functionName}@${frame.url}:${frame.lineNumber}`;
    const entry = functions.get(key) ?? { name: frame.functionName || '(anonymous)', where, selfMs: 0 };
    entry.selfMs += ms;
    functions.set(key, entry);
    const area = frame.url ? areaOf(frame.url) : frame.functionName;
    areas.set(area, (areas.get(area) ?? 0) + ms);
  }
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    totalMs: round(totalMs),
    busyMs: round(totalMs - idle),
    gcMs: round(gc),
    topFunctions: [...functions.values()]
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top)
      .map((f) => ({ ...f, selfMs: round(f.selfMs) })),
    byArea: [...areas]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([area, ms]) => ({ area, selfMs: round(ms) })),
  };
}
