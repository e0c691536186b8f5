// One-shot `prisma migrate deploy` against DATABASE_URL (docker-compose's `migrate` service).
// Goes through migrateDeploy so the WebAssembly engine's idle exit delay does not hold it up.
import { migrateDeploy } from '@switchboard/db';
import { postgresUrl } from '@switchboard/runtime';
import { redactUrlForLog } from './cluster/preflight.ts';

const url = process.env.DATABASE_URL;
if (!url || !postgresUrl().safeParse(url).success) {
  process.stderr.write('migrate: DATABASE_URL must be set to a postgresql:// URL\n');
  process.exit(1);
}
process.stdout.write(`migrate: applying migrations to ${redactUrlForLog(url)}\n`);
await migrateDeploy(url);
process.stdout.write('migrate: done\n');
process.exit(0);
