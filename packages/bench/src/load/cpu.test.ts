import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import {
  clockTicksPerSecond,
  cpuMsBetween,
  cpuMsByLabel,
  cpuTicks,
  parseCpuTicks,
  pidsByName,
  processLabel,
  processTree,
} from './cpu.ts';

describe('server CPU from /proc', () => {
  test('utime + stime are read after the command name, whatever it holds', () => {
    // Fields as in proc(5): pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
    const stat = '4242 (node (a) b) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 11 0 100 0 0';
    assert.equal(parseCpuTicks(stat), 1234 + 567);
    assert.throws(() => parseCpuTicks('garbage'), /unparsable/);
  });

  test('a process is named by its service folder, else by its program; shared names are summed', () => {
    assert.equal(processLabel('/usr/bin/node services/gateway/dist/main.js'), 'gateway');
    assert.equal(processLabel('/usr/bin/node --cpu-prof services/call-signaling/dist/main.js'), 'call-signaling');
    assert.equal(processLabel('nginx: worker process'), 'nginx');
    assert.equal(processLabel('/root/.cache/switchboard-bench/centrifugo --config c.json'), 'centrifugo');
    assert.equal(processLabel(''), 'unknown');
    const ticks = clockTicksPerSecond();
    const byLabel = cpuMsByLabel(
      new Map([
        [1, 0],
        [2, 10],
        [3, 0],
      ]),
      new Map([
        [1, ticks],
        [2, 10 + ticks],
        [4, 99],
      ]),
      (pid) => (pid === 3 ? 'gone' : 'gateway'),
    );
    assert.deepEqual(byLabel, { gateway: 2000 });
  });

  test('a busy child and its own child are counted; a vanished pid is left out', async () => {
    const child = spawn(
      process.execPath,
      [
        '-e',
        "require('child_process').spawn(process.execPath, ['-e', 'setInterval(()=>{}, 1e6)'], { stdio: 'ignore' }); const end = Date.now() + 300; while (Date.now() < end); console.log('ready'); setInterval(()=>{}, 1e6)",
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    try {
      await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
      const tree = processTree([child.pid!]);
      assert.equal(tree.length, 2, 'the child and its grandchild');
      const before = cpuTicks([...tree, 999_999_999]);
      assert.equal(before.has(999_999_999), false);
      // The child spun for 300 ms before it said ready: its own ticks are well above zero.
      assert.ok(cpuMsBetween(new Map([[child.pid!, 0]]), before) > 0);
      assert.equal(cpuMsBetween(before, before), 0);
      assert.ok(pidsByName(['node']).includes(child.pid!));
    } finally {
      for (const pid of processTree([child.pid!]).reverse()) process.kill(pid, 'SIGKILL');
    }
  });
});
