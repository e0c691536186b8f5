// The supervisor with real child processes (`node -e` scripts that run, crash or spawn their own
// children) and small time constants: restarts, backoff, reset, crash loops, start-up and
// shutdown, pids.json, leftover grandchildren.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { sleep, waitFor } from '@switchboard/testkit';
import type { ProcessPlan } from './config.ts';
import { DEFAULT_RESTART_POLICY, type RestartPolicy } from './restart-policy.ts';
import { clusterState, createStateFile } from './state-file.ts';
import { type SupervisedSpec, Supervisor } from './supervisor.ts';

const RUNS_UNTIL_KILLED = `console.log('up ' + process.env.MARK); setInterval(() => {}, 1 << 30);`;
const CRASHES_AT_ONCE = `console.log('starting'); console.error('Error: cannot connect to the database'); process.exit(3);`;
/** Run n (1-based) lives LIVES[n-1] ms (the last entry for every later run), then exits with code 1. */
const LIVES_BY_RUN = `
  const fs = require('node:fs');
  const file = process.env.COUNTER_FILE;
  const run = (fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : 0) + 1;
  fs.writeFileSync(file, String(run));
  const lives = process.env.LIVES.split(',').map(Number);
  console.log('run ' + run);
  setTimeout(() => process.exit(1), lives[Math.min(run, lives.length) - 1]);
`;
const SPAWNS_A_GRANDCHILD = `
  const { spawn } = require('node:child_process');
  const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });
  console.log('grandchild ' + grandchild.pid);
  setInterval(() => {}, 1 << 30);
`;

const WAIT = { timeoutMs: 30_000, intervalMs: 20 };
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the cluster supervisor', () => {
  const running: { supervisor: Supervisor; names: string[] }[] = [];
  const leftovers: number[] = [];
  after(async () => {
    for (const { supervisor, names } of running) await supervisor.stop(names, 2000);
    for (const pid of leftovers) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });

  function supervise(names: string[], policy: Partial<RestartPolicy> = {}, onChange?: () => void) {
    const said: string[] = [];
    const output: string[] = [];
    const gaveUp: string[] = [];
    const startupExits: string[] = [];
    const supervisor = new Supervisor({
      names,
      // Prefixes are padded to the longest name: compare them unpadded.
      write: (line) => output.push(line.replace(/ +\| /, ' | ')),
      say: (line) => said.push(line),
      policy: { ...DEFAULT_RESTART_POLICY, ...policy },
      onGiveUp: (name) => gaveUp.push(name),
      onStartupExit: (name, how) => startupExits.push(`${name}: ${how}`),
      onChange,
    });
    running.push({ supervisor, names });
    const start = (name: string, script: string, env: Record<string, string> = {}) => {
      const spec: SupervisedSpec = {
        name,
        command: process.execPath,
        args: ['-e', script],
        env: { ...process.env, ...env },
        cwd: os.tmpdir(),
        stopSignal: 'SIGTERM',
      };
      return supervisor.start(spec);
    };
    const pidOf = (name: string) => supervisor.child(name)!.process.pid!;
    return { supervisor, said, output, gaveUp, startupExits, start, pidOf };
  }

  test('a child that exits after start-up is restarted after the first backoff step (under 1 s), same name and environment', async (t) => {
    const { supervisor, said, output, start, pidOf } = supervise(['gateway-1']);
    start('gateway-1', RUNS_UNTIL_KILLED, { MARK: 'env-kept' });
    supervisor.markRunning();
    await waitFor(() => output.some((l) => l.endsWith('up env-kept')), { ...WAIT, what: 'the child is up' });
    const first = pidOf('gateway-1');

    const killedAt = Date.now();
    process.kill(first, 'SIGKILL');
    await waitFor(() => output.filter((l) => l.endsWith('up env-kept')).length === 2, {
      ...WAIT,
      what: 'the restarted child is up',
    });
    t.diagnostic(`killed → restarted child printing: ${Date.now() - killedAt} ms`);
    const second = pidOf('gateway-1');
    assert.notEqual(second, first);
    assert.ok(!alive(first));
    assert.ok(
      said.includes(`gateway-1 (pid ${first}) exited (signal SIGKILL); restarting in 250 ms (restart 1)`),
      said.join('\n'),
    );
    assert.ok(said.includes(`gateway-1 restarted (pid ${second})`), said.join('\n'));
    assert.ok(DEFAULT_RESTART_POLICY.initialDelayMs < 1000);
    assert.deepEqual(supervisor.state(), [{ name: 'gateway-1', pid: second, status: 'running', restarts: 1 }]);
    assert.ok(
      output.every((l) => l.startsWith('gateway-1 | ')),
      'output keeps its name prefix',
    );
  });

  test('a child that keeps crashing backs off, doubling to the cap, then is given up on with its name, crash count and last output', async () => {
    const { supervisor, said, gaveUp, start } = supervise(['messaging'], {
      initialDelayMs: 20,
      maxDelayMs: 80,
      stableAfterMs: 10_000,
      maxRestarts: 4,
    });
    start('messaging', CRASHES_AT_ONCE);
    supervisor.markRunning();
    await waitFor(() => gaveUp.length > 0, { ...WAIT, what: 'the supervisor gives up' });
    assert.deepEqual(gaveUp, ['messaging']);

    const restarts = said
      .map((l) => /restarting in (\d+) ms \(restart (\d+)\)/.exec(l))
      .filter((m) => m !== null)
      .map((m) => [Number(m[1]), Number(m[2])]);
    assert.deepEqual(restarts, [
      [20, 1],
      [40, 2],
      [80, 3],
      [80, 4],
    ]);
    const giveUp = said.findIndex((l) => l.startsWith('giving up on messaging'));
    assert.match(
      said[giveUp]!,
      /^giving up on messaging: it crashed 5 times in a row without staying up 10000 ms \(last exit: code 3\)\. Its last output:$/,
    );
    assert.deepEqual(said.slice(giveUp + 1), [
      '  messaging | starting',
      '  messaging | Error: cannot connect to the database',
    ]);
    assert.deepEqual(
      supervisor.state().map(({ status, restarts: n }) => ({ status, n })),
      [{ status: 'failed', n: 4 }],
    );
  });

  test('a run longer than stableAfterMs resets the backoff', async (t) => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sb-supervisor-'));
    t.after(() => fs.rm(dir, { recursive: true, force: true }));
    const { supervisor, said, output, start } = supervise(['presence'], {
      initialDelayMs: 50,
      maxDelayMs: 10_000,
      stableAfterMs: 3000,
      maxRestarts: 10,
    });
    // Runs 1, 2 crash at once; run 3 stays up 3.5 s (> stableAfterMs); runs 4, 5 crash at once.
    start('presence', LIVES_BY_RUN, { COUNTER_FILE: path.join(dir, 'runs'), LIVES: '0,0,3500,0,0,600000' });
    supervisor.markRunning();
    await waitFor(() => output.includes('presence | run 6'), { ...WAIT, what: 'the sixth run' });
    const delays = said
      .map((l) => /restarting in (\d+) ms \(restart (\d+)\)/.exec(l))
      .filter((m) => m !== null)
      .map((m) => `${m[1]}/${m[2]}`);
    assert.deepEqual(
      delays,
      ['50/1', '100/2', '50/1', '100/2', '200/3'],
      'after the stable third run the backoff starts over',
    );
  });

  test('a child that exits during start-up is reported, not restarted', async () => {
    const { supervisor, said, startupExits, start } = supervise(['call-signaling'], { initialDelayMs: 20 });
    start('call-signaling', CRASHES_AT_ONCE);
    await waitFor(() => startupExits.length > 0, { ...WAIT, what: 'the start-up exit' });
    assert.deepEqual(startupExits, ['call-signaling: code 3']);
    assert.equal(supervisor.state()[0]!.status, 'failed');
    assert.ok(!said.some((l) => l.includes('restarting')), said.join('\n'));
    assert.ok(
      said.some((l) => /^call-signaling \(pid \d+\) exited during start-up \(code 3\)$/.test(l)),
      said.join('\n'),
    );
  });

  test('stop() restarts nothing: not the children it stops, not one waiting out its backoff', async () => {
    const delayMs = 300;
    const { supervisor, said, output, start, pidOf } = supervise(['a', 'b'], { initialDelayMs: delayMs });
    start('a', RUNS_UNTIL_KILLED, { MARK: 'a' });
    start('b', RUNS_UNTIL_KILLED, { MARK: 'b' });
    supervisor.markRunning();
    await waitFor(() => output.includes('a | up a') && output.includes('b | up b'), { ...WAIT, what: 'both up' });
    const [a, b] = [pidOf('a'), pidOf('b')];
    process.kill(b, 'SIGKILL');
    await waitFor(() => said.some((l) => l.startsWith(`b (pid ${b}) exited`)), { ...WAIT, what: 'b exits' });

    await supervisor.stop(['a', 'b'], 5000);
    assert.ok(!alive(a), 'a was stopped');
    await sleep(delayMs * 3); // past b's restart time: it must not come back
    assert.ok(!said.some((l) => l.includes('restarted')), said.join('\n'));
    assert.deepEqual(
      supervisor.state().map((s) => [s.name, s.status, s.pid]),
      [
        ['a', 'stopped', a],
        ['b', 'stopped', b],
      ],
    );
  });

  test('pids.json is rewritten atomically on every restart and names the live pid', async (t) => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sb-supervisor-'));
    t.after(() => fs.rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'pids.json');
    const plans: ProcessPlan[] = [{ name: 'gateway-1', kind: 'gateway', service: 'gateway', port: 18081, env: {} }];
    let supervisor: Supervisor | undefined;
    const stateFile = createStateFile(
      file,
      () => clusterState(18080, plans, supervisor!.state()),
      (error) => assert.fail(String(error)),
    );
    const s = supervise(['gateway-1'], { initialDelayMs: 100 }, () => void stateFile.update());
    supervisor = s.supervisor;
    s.start('gateway-1', RUNS_UNTIL_KILLED, { MARK: 'pids' });
    s.supervisor.markRunning();
    await stateFile.update();
    type State = ReturnType<typeof clusterState>;
    const read = async () => JSON.parse(await fs.readFile(file, 'utf8')) as State;
    const first = s.pidOf('gateway-1');
    assert.deepEqual((await read()).processes, [
      {
        name: 'gateway-1',
        kind: 'gateway',
        service: 'gateway',
        port: 18081,
        pid: first,
        status: 'running',
        restarts: 0,
      },
    ]);

    // A reader racing the rewrites always sees a whole file.
    let reading = true;
    let reads = 0;
    const reader = (async () => {
      while (reading) {
        await read();
        reads += 1;
      }
    })();
    process.kill(first, 'SIGKILL');
    const restarted = await waitFor(
      async () => {
        const entry = (await read()).processes[0]!;
        return entry.pid !== first && entry.status === 'running' ? entry : undefined;
      },
      { ...WAIT, what: 'pids.json names the new pid' },
    );
    reading = false;
    await reader;
    assert.equal(restarted.pid, s.pidOf('gateway-1'));
    assert.equal(restarted.restarts, 1);
    assert.equal(restarted.port, 18081);
    assert.ok(reads > 0);
    assert.deepEqual(
      (await fs.readdir(dir)).filter((f) => f !== 'pids.json'),
      [],
      'no temp file left behind',
    );
  });

  test('a crashed child’s own children are killed with it, so they release its port before the restart', async () => {
    const { supervisor, output, start, pidOf } = supervise(['nginx'], { initialDelayMs: 200 });
    start('nginx', SPAWNS_A_GRANDCHILD);
    supervisor.markRunning();
    const line = await waitFor(() => output.find((l) => l.startsWith('nginx | grandchild ')), {
      ...WAIT,
      what: 'the grandchild',
    });
    const grandchild = Number(line.split(' ').at(-1));
    leftovers.push(grandchild);
    assert.ok(alive(grandchild));
    process.kill(pidOf('nginx'), 'SIGKILL');
    await waitFor(() => !alive(grandchild), { ...WAIT, what: `grandchild ${grandchild} killed` });
  });
});
