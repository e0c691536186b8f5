// `npm run chaos -- --seconds=N [--seed=S]`: one chaos round, its report printed as JSON; the exit
// code is 1 if anything acked was lost, duplicated or out of order, or presence did not converge.
import { parseArgs } from 'node:util';
import { withTemplateDatabase } from '../template-db.ts';
import { runChaos } from './run.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string' }, seed: { type: 'string' } } });
const seconds = Number(values.seconds ?? 60);
if (!Number.isFinite(seconds) || seconds <= 0) throw new Error('--seconds must be a positive number');
const report = await withTemplateDatabase('chaos', () =>
  runChaos({ seconds, ...(values.seed ? { seed: Number(values.seed) } : {}) }),
);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
const ok = report.lost === 0 && report.duplicated === 0 && report.outOfOrder === 0 && report.seqGaps === 0;
process.exitCode = ok && report.presenceConverged ? 0 : 1;
