// No Docker engine runs here, so services/Dockerfile cannot be built in a test. This checks what
// can be checked without one: the layer order (package files, `npm ci`, then sources), that every
// workspace and config file is copied, the builder's generate → typecheck → build, and a final
// stage on Node 24 LTS with production dependencies, a non-root user, a healthcheck and an entry
// point that a real build emits. Running the compiled services is the e2e suite's job.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { REPO_ROOT } from '@switchboard/db';
import { buildProjects } from '@switchboard/testkit';
import { serviceEntry } from './cluster/child-command.ts';

interface Instruction {
  op: string;
  args: string;
}

/** Instructions in order: comments dropped, `\` continuations joined. */
function parse(text: string): Instruction[] {
  const joined = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  return joined.map((line) => {
    const [op, ...rest] = line.split(/\s+/);
    return { op: op!.toUpperCase(), args: rest.join(' ') };
  });
}

const dockerfile = parse(fs.readFileSync(path.join(REPO_ROOT, 'services', 'Dockerfile'), 'utf8'));
const dockerignore = fs
  .readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const stages: Instruction[][] = [];
for (const instruction of dockerfile) {
  if (instruction.op === 'FROM') stages.push([]);
  stages.at(-1)?.push(instruction);
}
const [builder = [], final = []] = stages;
const workspaceManifests = ['packages', 'services'].flatMap((root) =>
  fs
    .readdirSync(path.join(REPO_ROOT, root), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `${root}/${d.name}/package.json`),
);

/** Sources of the stage's COPY instructions (not `--from`) before its first `npm ci`. */
function copiedBeforeInstall(stage: Instruction[]): string[] {
  const install = stage.findIndex((i) => i.op === 'RUN' && i.args.startsWith('npm ci'));
  assert.ok(install > 0, 'the stage runs npm ci');
  return stage
    .slice(0, install)
    .filter((i) => i.op === 'COPY')
    .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
}
const copySources = (stage: Instruction[]) =>
  stage.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from')).flatMap((i) => i.args.split(/\s+/).slice(0, -1));
const runs = (stage: Instruction[]) =>
  stage
    .filter((i) => i.op === 'RUN')
    .map((i) => i.args)
    .join(' && ');

before(() => buildProjects());

describe('services/Dockerfile', () => {
  test('has a builder and an app stage, both on the current Node LTS (24), and the nginx web stage', () => {
    assert.equal(stages.length, 3);
    assert.match(stages[2]![0]!.args, /^nginx:\S+ AS web$/);
    const arg = dockerfile.find((i) => i.op === 'ARG' && i.args.startsWith('NODE_IMAGE='));
    assert.match(arg?.args ?? '', /^NODE_IMAGE=node:24-[a-z-]+$/);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile ARG reference, not a template
    assert.equal(builder[0]!.args, '${NODE_IMAGE} AS builder');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile ARG reference, not a template
    assert.equal(final[0]!.args, '${NODE_IMAGE} AS app');
  });

  test('copies the lockfile and every workspace package.json before npm ci, in both stages (layer caching)', () => {
    for (const stage of [builder, final]) {
      assert.deepEqual(
        copiedBeforeInstall(stage).sort(),
        ['package.json', 'package-lock.json', ...workspaceManifests].sort(),
      );
    }
    for (const file of workspaceManifests) assert.ok(fs.existsSync(path.join(REPO_ROOT, file)), file);
  });

  test('the builder copies every root tsconfig and source tree, then generates, typechecks and builds', () => {
    const sources = copySources(builder);
    const tsconfigs = fs.readdirSync(REPO_ROOT).filter((f) => /^tsconfig.*\.json$/.test(f));
    for (const file of [...tsconfigs, 'prisma', 'k6', 'packages', 'services'])
      assert.ok(sources.includes(file), `the builder copies ${file}`);
    for (const source of sources) {
      assert.ok(fs.existsSync(path.join(REPO_ROOT, source)), `${source} exists`);
      assert.ok(!dockerignore.includes(source), `.dockerignore does not exclude ${source}`);
    }
    assert.match(runs(builder), /^npm ci .*db:generate.*npm run -s typecheck.*tsc -b tsconfig\.build\.json/);
    assert.match(
      runs(builder),
      /packages\/\*\/dist services\/\*\/dist/,
      'every dist/ tree is staged for the final stage',
    );
  });

  test('the final stage: production dependencies, the schema and dist only, non-root, health-checked', () => {
    assert.match(runs(final), /^npm ci --omit=dev\b/);
    assert.deepEqual(
      copySources(final).filter((s) => !s.endsWith('package.json') && s !== 'package-lock.json'),
      ['prisma'],
    );
    assert.ok(final.some((i) => i.op === 'COPY' && i.args === '--from=builder /out/ ./'));
    const user = final.find((i) => i.op === 'USER')?.args;
    assert.ok(user && user !== 'root' && user !== '0', `runs as ${user}`);
    const health = final.find((i) => i.op === 'HEALTHCHECK')?.args ?? '';
    assert.match(health, /\/readyz/);
    assert.match(health, /SERVICE_PORT/);
    assert.match(final.find((i) => i.op === 'ENV')?.args ?? '', /NODE_ENV=production/);
  });

  test('the default command is a compiled entry point the build emits', () => {
    assert.equal(final.find((i) => i.op === 'ENTRYPOINT')?.args, '["node"]');
    const cmd = JSON.parse(final.find((i) => i.op === 'CMD')?.args ?? '[]') as string[];
    assert.deepEqual(cmd, [serviceEntry('gateway')]);
    assert.ok(fs.existsSync(path.join(REPO_ROOT, cmd[0]!)), `${cmd[0]} exists after npm run build`);
  });

  test(".dockerignore keeps the host's installs and build output out of the context", () => {
    for (const entry of ['**/node_modules', '**/dist', 'packages/db/src/generated', '.git'])
      assert.ok(dockerignore.includes(entry), entry);
  });
});
