// `npm run db:migration`: rewrite prisma/migrations/0001_init from the schema and regenerate
// the client. Nothing has shipped yet, so the project keeps one initial migration; once a
// release exists, new migrations go in new folders instead (see prisma/README.md).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { REPO_ROOT } from '../migrate.ts';

const require = createRequire(import.meta.url);
const cli = path.join(path.dirname(require.resolve('prisma/package.json')), 'build', 'index.js');
const config = path.join(REPO_ROOT, 'prisma', 'prisma.config.ts');
const env = { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };

const sql = execFileSync(process.execPath, [cli, 'migrate', 'diff', '--config', config, '--from-empty', '--to-schema-datamodel', path.join(REPO_ROOT, 'prisma', 'schema.prisma'), '--script'], { cwd: REPO_ROOT, env, encoding: 'utf8' });
const dir = path.join(REPO_ROOT, 'prisma', 'migrations', '0001_init');
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, 'migration.sql'), sql);
fs.writeFileSync(path.join(REPO_ROOT, 'prisma', 'migrations', 'migration_lock.toml'), 'provider = "postgresql"\n');
execFileSync(process.execPath, [cli, 'generate', '--config', config], { cwd: REPO_ROOT, env, stdio: 'ignore' });
console.log(`wrote ${path.relative(REPO_ROOT, dir)}/migration.sql and regenerated the client`);
