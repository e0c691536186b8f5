// `npm run chaos -- --seconds=N [--seed=S]`: one chaos round, its report printed as JSON; the exit
// code is 1 if anything acked was lost, duplicated or out of order, or presence did not converge.
import { parseArgs } from 'node:util';
import { dropTemplateDatabase, prepareTemplateDatabase } from '@switchboard/testkit';
import { runChaos } from './run.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string' }, seed: { type: 'string' } } });
const seconds = Number(values.seconds ?? 60);
if (!Number.isFinite(seconds) || seconds <= 0) throw new Error('--seconds must be a positive number');
// The cluster's database is cloned from a migrated template of this run's own.
process.env.TEST_TEMPLATE_DB ??= `sb_tpl_chaos_${process.pid}`;
await prepareTemplateDatabase();
try {
  const report = await runChaos({ seconds, ...(values.seed ? { seed: Number(values.seed) } : {}) });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  const ok = report.lost === 0 && report.duplicated === 0 && report.outOfOrder === 0 && report.seqGaps === 0;
  process.exitCode = ok && report.presenceConverged ? 0 : 1;
} finally {
  await dropTemplateDatabase();
}
