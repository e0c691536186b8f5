// `npx tsx packages/bench/src/profile-summary.ts <dir> [pid=name …]`: summarise the .cpuprofile
// files `CLUSTER_NODE_ARGS="--cpu-prof --cpu-prof-dir=<dir>"` left behind (docs/performance.md).
import fs from 'node:fs';
import path from 'node:path';
import { type CpuProfile, summarizeProfile } from './report/cpuprofile.ts';

const [dir, ...names] = process.argv.slice(2);
if (!dir) {
  process.stderr.write('usage: profile-summary.ts <dir with .cpuprofile files> [pid=name …]\n');
  process.exit(2);
}
const nameOf = new Map(names.map((n) => n.split('=') as [string, string]).map(([pid, name]) => [pid, name]));
for (const file of fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .sort()) {
  const pid = /^CPU\.\d+\.\d+\.(\d+)\./.exec(file)?.[1] ?? '?';
  const summary = summarizeProfile(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile);
  process.stdout.write(
    `\n## ${nameOf.get(pid) ?? `pid ${pid}`} — ${summary.totalMs} ms profiled, ${summary.busyMs} ms busy, GC ${summary.gcMs} ms\n\n`,
  );
  process.stdout.write('| area | self ms |\n|---|---:|\n');
  for (const a of summary.byArea.slice(0, 10)) process.stdout.write(`| ${a.area} | ${a.selfMs} |\n`);
  process.stdout.write('\n| function | where | self ms |\n|---|---|---:|\n');
  for (const f of summary.topFunctions.slice(0, 12)) process.stdout.write(`| ${f.name} | ${f.where} | ${f.selfMs} |\n`);
}
