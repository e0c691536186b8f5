import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runningPostmaster, startFailure } from './embedded-postgres.ts';

test('a data directory whose postmaster.pid names a live process is in use; a dead pid or none is not', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sb-pgdir-'));
  try {
    assert.equal(await runningPostmaster(dir), undefined, 'no postmaster.pid');
    await fs.writeFile(path.join(dir, 'postmaster.pid'), `${process.pid}\n/some/dir\n`);
    assert.equal(await runningPostmaster(dir), process.pid);
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => child.once('exit', resolve));
    await fs.writeFile(path.join(dir, 'postmaster.pid'), `${child.pid}\n`);
    assert.equal(await runningPostmaster(dir), undefined, 'the process that wrote it is gone');
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('a failed start says where, what to do, and what postgres printed', () => {
  const text = startFailure('/data/postgres', ['FATAL:  could not create lock file', '']);
  assert.match(text, /\/data\/postgres/);
  assert.match(text, /DATABASE_URL|DATA_DIR/);
  assert.match(text, /could not create lock file/);
});
