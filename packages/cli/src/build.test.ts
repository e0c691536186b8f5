// `npm run build` (tsc -b tsconfig.build.json): one composite project per workspace. These keep
// the build honest: project references match what the shipped sources import, exports point at
// files the build emits, compiled code needs only declared production dependencies (what
// `npm ci --omit=dev` installs in the image), no test code ships, and plain `node` on a compiled
// entry point loads compiled files only — no tsx, no src/.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT } from '@switchboard/db';
import { buildProjects } from '@switchboard/testkit';
import ts from 'typescript';
import { serviceEntry } from './cluster/child-command.ts';

interface Manifest {
  name: string;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
}

const workspaces = ['packages', 'services'].flatMap((root) =>
  fs
    .readdirSync(path.join(REPO_ROOT, root), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(root, d.name)),
);
const manifest = (dir: string) =>
  JSON.parse(fs.readFileSync(path.join(REPO_ROOT, dir, 'package.json'), 'utf8')) as Manifest;
// The web app is built by Vite (`npm run web:build`), not by `tsc -b`.
const WEB_APP = path.join('packages', 'web');
const built = workspaces.filter((dir) => dir !== WEB_APP && fs.existsSync(path.join(REPO_ROOT, dir, 'tsconfig.json')));
const dirOf = new Map(workspaces.map((dir) => [manifest(dir).name, dir]));

function project(dir: string): ts.ParsedCommandLine {
  const file = path.join(REPO_ROOT, dir, 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    file,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(String(d.messageText)) },
  );
  assert.ok(parsed, file);
  return parsed;
}

const SPECIFIER = /(?:^|[\s;])(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;
function specifiers(file: string): string[] {
  return [...fs.readFileSync(file, 'utf8').matchAll(SPECIFIER)].map((m) => m[1] ?? m[2]!);
}
const packageName = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
const isBuiltin = (specifier: string) =>
  specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]!);

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

before(() => buildProjects());

describe('npm run build', () => {
  test('builds every workspace except the test-only e2e and bench ones, which export their sources only', () => {
    const solution = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'tsconfig.build.json'), 'utf8')) as {
      references: { path: string }[];
    };
    assert.deepEqual(solution.references.map((r) => path.normalize(r.path)).sort(), [...built].sort());
    assert.deepEqual(workspaces.filter((dir) => !built.includes(dir)).sort(), [
      path.join('packages', 'bench'),
      path.join('packages', 'e2e'),
      WEB_APP,
    ]);
    for (const dir of workspaces.filter((d) => !built.includes(d) && d !== WEB_APP)) {
      assert.deepEqual(manifest(dir).exports, { '.': { '@switchboard/source': './src/index.ts' } }, dir);
    }
  });

  test('each project references exactly the workspaces its shipped sources import, all production dependencies', () => {
    for (const dir of built) {
      const parsed = project(dir);
      const imported = new Set(
        parsed.fileNames
          .flatMap(specifiers)
          .filter((s) => s.startsWith('@switchboard/'))
          .map(packageName),
      );
      const referenced = (parsed.projectReferences ?? []).map((r) => path.relative(REPO_ROOT, r.path));
      assert.deepEqual(
        referenced.sort(),
        [...imported].map((name) => dirOf.get(name)!).sort(),
        `${dir}/tsconfig.json references`,
      );
      const deps = Object.keys(manifest(dir).dependencies ?? {});
      for (const name of imported) assert.ok(deps.includes(name), `${dir} lists ${name} in dependencies`);
      assert.ok(
        parsed.fileNames.every(
          (f) => !/\.test\.ts$|\/testing\/|\/test-fixtures\/|test-harness\.ts$|\.contract\.ts$/.test(f),
        ),
        `${dir} compiles no test code`,
      );
    }
  });

  test('exports: src under @switchboard/source, types and default from the dist/ files the build emitted', () => {
    for (const dir of built) {
      const entry = manifest(dir).exports?.['.'] as Record<string, string>;
      assert.deepEqual(
        Object.keys(entry),
        ['@switchboard/source', 'types', 'default'],
        `${dir}: the source condition comes first`,
      );
      assert.deepEqual(
        entry,
        { '@switchboard/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
        dir,
      );
      for (const file of Object.values(entry))
        assert.ok(fs.existsSync(path.join(REPO_ROOT, dir, file)), `${dir}/${file} exists`);
    }
  });

  test('compiled code imports only built-ins, workspaces and its own production dependencies; no tests ship', () => {
    const problems: string[] = [];
    for (const dir of built) {
      const deps = Object.keys(manifest(dir).dependencies ?? {});
      const files = walk(path.join(REPO_ROOT, dir, 'dist'));
      problems.push(
        ...files
          .filter((f) => /\.test\.|[\\/]testing[\\/]|test-harness/.test(f))
          .map((f) => `${path.relative(REPO_ROOT, f)} is test code`),
      );
      for (const file of files.filter((f) => f.endsWith('.js'))) {
        for (const specifier of specifiers(file)) {
          const where = `${path.relative(REPO_ROOT, file)} imports ${specifier}`;
          if (specifier.startsWith('.')) {
            if (!/\.m?js$/.test(specifier)) problems.push(`${where}: not rewritten to .js`);
          } else if (!isBuiltin(specifier) && !deps.includes(packageName(specifier))) {
            problems.push(`${where}: not in ${dir}'s dependencies`);
          }
        }
      }
    }
    assert.deepEqual([...new Set(problems)], []);
  });
});

describe('plain node on a compiled entry point', () => {
  // A resolve hook that prints every module URL it resolves: what the process actually loads.
  const hooksDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-resolve-'));
  const hooks = path.join(hooksDir, 'hooks.mjs');
  const register = path.join(hooksDir, 'register.mjs');
  fs.writeFileSync(
    hooks,
    `import { writeSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  writeSync(2, 'resolved: ' + result.url + '\\n');
  return result;
}
`,
  );
  fs.writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(new URL(`file://${hooks}`).href)});\n`,
  );
  after(() => fs.rmSync(hooksDir, { recursive: true, force: true }));

  const entries = [
    ...workspaces.filter((d) => d.startsWith('services')).map((d) => serviceEntry(path.basename(d))),
    path.join('packages', 'cli', 'dist', 'migrate.js'),
  ];

  /** Run `entry` with no configuration: it links every static import, then refuses to start. */
  function load(entry: string): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, ['--import', register, entry], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
  }

  test('every service entry point and the migration load only dist/ files: no tsx, no .ts', async () => {
    // Two at a time: the machine is shared with the other test files running beside this one.
    const results: { entry: string; code: number | null; stderr: string }[] = [];
    for (let i = 0; i < entries.length; i += 2) {
      results.push(
        ...(await Promise.all(entries.slice(i, i + 2).map(async (entry) => ({ entry, ...(await load(entry)) })))),
      );
    }
    for (const { entry, code, stderr } of results) {
      assert.equal(code, 1, `${entry}:\n${stderr}`);
      assert.match(stderr, /refusing to start|DATABASE_URL must be set/, entry);
      const urls = [...stderr.matchAll(/^resolved: (\S+)$/gm)].map((m) => m[1]!);
      const ours = urls
        .filter((u) => u.startsWith('file://') && !u.includes('/node_modules/'))
        .map((u) => path.relative(REPO_ROOT, new URL(u).pathname));
      assert.ok(ours.length > 5, `${entry} resolved ${ours.length} workspace files`);
      assert.deepEqual(
        ours.filter((f) => !/^(packages|services)\/[^/]+\/dist\/.+\.js$/.test(f)),
        [],
        `${entry}: every workspace file comes from a dist/`,
      );
      assert.deepEqual(
        urls.filter((u) => /\/node_modules\/tsx\/|\.ts$/.test(u)),
        [],
        `${entry}: no tsx, no TypeScript`,
      );
    }
  });
});
