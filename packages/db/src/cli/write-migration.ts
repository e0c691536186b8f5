// `npm run db:migration`: rewrite prisma/migrations/0001_init from the schema and regenerate
// the client. Nothing has shipped yet, so the project keeps one initial migration; once a
// release exists, new migrations go in new folders instead (see prisma/README.md).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PRISMA_CONFIG as config, prismaCli, prismaEnv, REPO_ROOT } from '../migrate.ts';

const cli = prismaCli();
const env = prismaEnv();

const sql = execFileSync(
  process.execPath,
  [
    cli,
    'migrate',
    'diff',
    '--config',
    config,
    '--from-empty',
    '--to-schema-datamodel',
    path.join(REPO_ROOT, 'prisma', 'schema.prisma'),
    '--script',
  ],
  { cwd: REPO_ROOT, env, encoding: 'utf8' },
);
const dir = path.join(REPO_ROOT, 'prisma', 'migrations', '0001_init');
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, 'migration.sql'), sql);
fs.writeFileSync(path.join(REPO_ROOT, 'prisma', 'migrations', 'migration_lock.toml'), 'provider = "postgresql"\n');
execFileSync(process.execPath, [cli, 'generate', '--config', config], { cwd: REPO_ROOT, env, stdio: 'ignore' });
console.log(`wrote ${path.relative(REPO_ROOT, dir)}/migration.sql and regenerated the client`);
