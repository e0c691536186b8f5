// The soak's DevTools client: frame parsing, and one real round trip to a Node started with
// `--inspect=127.0.0.1:0` (a full GC, the heap, and the process's memory read from outside).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { connectCdp, evaluatedValue, inspectorUrl, parseCdpMessage, parseHeapUsage } from './cdp.ts';
import { PROCESS_MEMORY_EXPRESSION, parseProcessMemory } from './memory.ts';

describe('cdp frames', () => {
  test('the inspector URL is read from what Node prints on stderr', () => {
    const stderr =
      'Debugger listening on ws://127.0.0.1:40123/0f1e2d3c-aaaa-bbbb-cccc-123456789abc\nFor help, see: https://nodejs.org/en/docs/inspector\n';
    assert.equal(inspectorUrl(stderr), 'ws://127.0.0.1:40123/0f1e2d3c-aaaa-bbbb-cccc-123456789abc');
    assert.equal(inspectorUrl('Switchboard listening on http://localhost:3000\n'), undefined);
  });

  test('replies, errors and events are told apart; malformed frames throw', () => {
    assert.deepEqual(parseCdpMessage('{"id":3,"result":{"usedSize":10,"totalSize":20}}'), {
      kind: 'result',
      id: 3,
      result: { usedSize: 10, totalSize: 20 },
    });
    assert.deepEqual(parseCdpMessage('{"id":4,"error":{"code":-32601,"message":"no such method"}}'), {
      kind: 'error',
      id: 4,
      message: 'no such method',
    });
    assert.deepEqual(parseCdpMessage('{"method":"Runtime.executionContextCreated","params":{}}'), {
      kind: 'event',
      method: 'Runtime.executionContextCreated',
    });
    assert.throws(() => parseCdpMessage('{"id":5}'), /neither result nor error/);
    assert.throws(() => parseCdpMessage('[1]'), /not an object/);
    assert.throws(() => parseCdpMessage('{"params":{}}'), /neither a reply nor an event/);
  });

  test('heap usage, evaluated values and process memory are checked, not trusted', () => {
    assert.deepEqual(parseHeapUsage({ usedSize: 1, totalSize: 2 }), { usedSize: 1, totalSize: 2 });
    assert.throws(() => parseHeapUsage({ usedSize: '1', totalSize: 2 }), /unexpected heap usage/);
    assert.equal(evaluatedValue({ result: { type: 'number', value: 7 } }), 7);
    assert.throws(
      () => evaluatedValue({ result: { type: 'object' }, exceptionDetails: { text: 'Uncaught' } }),
      /evaluation threw: Uncaught/,
    );
    assert.deepEqual(
      parseProcessMemory({ rss: 5, external: 3, arrayBuffers: 1, resources: { Timeout: 2, bogus: 'x' } }),
      { rssBytes: 5, externalBytes: 3, arrayBuffersBytes: 1, resources: { Timeout: 2 } },
    );
    assert.throws(() => parseProcessMemory({ rss: 5, resources: {} }), /lacks rss/);
  });
});

describe('cdp against a real inspector', () => {
  test('a full GC frees what the process dropped, and its memory and handles are read from outside', async () => {
    // The child holds 40 arrays of 2^17 doubles (1 MiB each, on the V8 heap) until told to drop
    // them, and keeps one timer.
    const child = spawn(
      process.execPath,
      [
        '--inspect=127.0.0.1:0',
        '-e',
        'globalThis.held = Array.from({ length: 40 }, () => new Array(1 << 17).fill(1.5)); setInterval(() => {}, 1000);',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    try {
      let stderr = '';
      child.stderr!.on('data', (c: Buffer) => void (stderr += c.toString()));
      while (!inspectorUrl(stderr)) {
        if (child.exitCode !== null) throw new Error(`child exited: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const cdp = await connectCdp(inspectorUrl(stderr)!);
      const heapAfterGc = async () => {
        await cdp.send('HeapProfiler.collectGarbage');
        return parseHeapUsage(await cdp.send('Runtime.getHeapUsage')).usedSize;
      };
      // The script runs once the inspector is up: wait (boundedly) until its arrays exist.
      const ready = async () =>
        evaluatedValue(
          await cdp.send('Runtime.evaluate', { expression: 'globalThis.held?.length', returnByValue: true }),
        );
      for (let tries = 0; (await ready()) !== 40; tries += 1) {
        if (tries > 100) throw new Error('the child never made its arrays');
        await new Promise((r) => setTimeout(r, 50));
      }
      const held = await heapAfterGc();
      await cdp.send('Runtime.evaluate', { expression: 'globalThis.held = undefined' });
      const dropped = await heapAfterGc();
      assert.ok(held - dropped > 35 * 1024 * 1024, `GC freed only ${held - dropped} bytes`);
      const memory = parseProcessMemory(
        evaluatedValue(
          await cdp.send('Runtime.evaluate', { expression: PROCESS_MEMORY_EXPRESSION, returnByValue: true }),
        ),
      );
      assert.ok(memory.rssBytes > dropped);
      assert.equal(memory.resources.Timeout, 1);
      await assert.rejects(cdp.send('No.suchMethod'), /cdp: /);
      await cdp.close();
    } finally {
      child.kill();
      await once(child, 'exit');
    }
  });
});
