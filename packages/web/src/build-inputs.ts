import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/web */
export const WEB_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const WEB_DIST = path.join(WEB_ROOT, 'dist');
/** Written by the Vite build (vite.config.ts), read by ensure-built: which sources dist/ was built from (beside dist/, so it is never served). */
export const STAMP_FILE = path.join(WEB_ROOT, '.dist-inputs-hash');

const REPO = path.resolve(WEB_ROOT, '..', '..');
const INPUTS = [
  'packages/web/index.html',
  'packages/web/vite.config.ts',
  'packages/web/package.json',
  'packages/web/app',
  'packages/client/src',
  'packages/protocol/src',
  'package-lock.json',
];

function files(entry: string, out: string[]): void {
  const full = path.join(REPO, entry);
  if (!fs.existsSync(full)) return;
  if (!fs.statSync(full).isDirectory()) {
    if (!entry.endsWith('.test.ts')) out.push(entry);
    return;
  }
  for (const name of fs.readdirSync(full).sort()) files(path.join(entry, name), out);
}

/** A hash of every file the bundle is built from: same hash, same bundle. */
export function inputsHash(): string {
  const hash = crypto.createHash('sha256');
  const list: string[] = [];
  for (const entry of INPUTS) files(entry, list);
  for (const file of list)
    hash
      .update(file)
      .update('\0')
      .update(fs.readFileSync(path.join(REPO, file)))
      .update('\0');
  return hash.digest('hex');
}

export function isBuildCurrent(): boolean {
  try {
    return (
      fs.readFileSync(STAMP_FILE, 'utf8').trim() === inputsHash() && fs.existsSync(path.join(WEB_DIST, 'index.html'))
    );
  } catch {
    return false;
  }
}
