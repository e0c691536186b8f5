// Test support for pack.test.ts: the SDK as a user gets it — `npm pack` tarballs installed with
// `npm install` into a directory outside the workspace.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@switchboard/db';

const run = promisify(execFile);

export interface PackedFile {
  name: string;
  filename: string;
  files: string[];
}

export interface Manifest {
  type?: string;
  dependencies?: Record<string, string>;
}

export interface ScratchInstall {
  dir: string;
  packed: PackedFile[];
  /** Every package npm installed, by name (from node_modules/.package-lock.json). */
  installed(): Promise<string[]>;
  /** The package.json of an installed package, as the tarball shipped it. */
  manifest(name: string): Promise<Manifest>;
  remove(): Promise<void>;
}

/** npm, run from a clean environment: the parent `npm test`'s npm_* variables would leak workspace settings. */
function npm(args: string[], cwd: string): Promise<{ stdout: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
  return run('npm', args, { cwd, env, maxBuffer: 16 * 1024 * 1024 });
}

/** `npm pack` of the given workspaces into a temp directory, then `npm install` of those tarballs into another. */
export async function packAndInstall(workspaces: string[]): Promise<ScratchInstall> {
  const tarballs = await fs.mkdtemp(path.join(os.tmpdir(), 'sb-pack-'));
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sb-sdk-user-'));
  const { stdout } = await npm(
    ['pack', '--json', '--pack-destination', tarballs, ...workspaces.flatMap((w) => ['-w', w])],
    REPO_ROOT,
  );
  const packed = (JSON.parse(stdout) as { name: string; filename: string; files: { path: string }[] }[]).map((p) => ({
    name: p.name,
    filename: path.join(tarballs, p.filename),
    files: p.files.map((f) => f.path),
  }));
  await fs.writeFile(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: 'sdk-user', private: true, type: 'module' }, null, 2)}\n`,
  );
  await npm(['install', '--no-audit', '--no-fund', '--prefer-offline', ...packed.map((p) => p.filename)], dir);
  return {
    dir,
    packed,
    async installed() {
      const lock = JSON.parse(await fs.readFile(path.join(dir, 'node_modules', '.package-lock.json'), 'utf8')) as {
        packages: Record<string, unknown>;
      };
      return Object.keys(lock.packages).map((key) =>
        key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length),
      );
    },
    async manifest(name) {
      return JSON.parse(await fs.readFile(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')) as Manifest;
    },
    async remove() {
      await fs.rm(tarballs, { recursive: true, force: true });
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
