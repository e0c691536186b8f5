import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { createLogger } from '@switchboard/runtime';
import { Lifecycle } from './lifecycle.ts';

function recordingLog() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: createLogger({ service: 'test', level: 'debug', format: 'json', destination }) };
}

describe('Lifecycle', () => {
  test('starts parts in order and closes them newest first, every drain before any stop', async () => {
    const { log } = recordingLog();
    const life = new Lifecycle(log);
    const seen: string[] = [];
    for (const name of ['redis', 'bus', 'service', 'listener']) {
      await life.add(name, () => seen.push(`start ${name}`), {
        drain: () => seen.push(`drain ${name}`),
        stop: () => seen.push(`stop ${name}`),
      });
    }
    await life.close();
    assert.deepEqual(seen, [
      'start redis',
      'start bus',
      'start service',
      'start listener',
      'drain listener',
      'drain service',
      'drain bus',
      'drain redis',
      'stop listener',
      'stop service',
      'stop bus',
      'stop redis',
    ]);
  });

  test('hands each hook the value its start returned', async () => {
    const life = new Lifecycle(recordingLog().log);
    const closed: number[] = [];
    const value = await life.add('counter', () => ({ n: 42 }), { stop: (part) => void closed.push(part.n) });
    assert.deepEqual(value, { n: 42 });
    await life.close();
    assert.deepEqual(closed, [42]);
  });

  test('logs one line per step, and a hook that hangs or throws does not stop the others', async () => {
    const { lines, log } = recordingLog();
    const life = new Lifecycle(log, { timeoutMs: 50 });
    const stopped: string[] = [];
    await life.add('first', () => undefined, { stop: () => void stopped.push('first') });
    await life.add('stuck', () => undefined, { stop: () => new Promise(() => undefined) });
    await life.add('broken', () => undefined, {
      stop: () => {
        throw new Error('boom');
      },
    });
    await life.close();
    assert.deepEqual(stopped, ['first']);
    assert.ok(lines.some((l) => l.part === 'broken' && l.msg === 'stop failed' && l.err === 'boom'));
    assert.ok(lines.some((l) => l.part === 'stuck' && l.msg === 'stop timed out' && l.timeoutMs === 50));
    assert.ok(lines.some((l) => l.part === 'first' && l.msg === 'stopped' && typeof l.ms === 'number'));
  });

  test('a drain gets its own bound when the part knows it once started', async () => {
    const { lines, log } = recordingLog();
    const life = new Lifecycle(log, { timeoutMs: 10 });
    await life.add('gateway', () => ({ graceMs: 80 }), {
      drain: () => new Promise((r) => setTimeout(r, 40)),
      drainTimeoutMs: (g) => g.graceMs,
    });
    await life.close();
    assert.ok(
      lines.some((l) => l.part === 'gateway' && l.msg === 'drained'),
      'drain finished inside its own bound',
    );
  });

  test('a failed start closes what had started, then rethrows', async () => {
    const life = new Lifecycle(recordingLog().log);
    const stopped: string[] = [];
    await life.add('redis', () => undefined, { stop: () => void stopped.push('redis') });
    await assert.rejects(
      life.add('postgres', () => {
        throw new Error('ECONNREFUSED');
      }),
      /ECONNREFUSED/,
    );
    assert.deepEqual(stopped, ['redis']);
    await assert.rejects(
      life.add('late', () => undefined),
      /while closing/,
    );
  });

  test('close is idempotent: hooks run once however often it is called', async () => {
    const life = new Lifecycle(recordingLog().log);
    let stops = 0;
    await life.add('part', () => undefined, { stop: () => void stops++ });
    await Promise.all([life.close(), life.close()]);
    await life.close();
    assert.equal(stops, 1);
  });
});
