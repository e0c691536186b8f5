import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import {
  childOpenFileLimit,
  currentOpenFileLimits,
  describeOpenFileLimit,
  nginxOpenFileSettings,
  withOpenFileLimit,
} from './open-files.ts';

const softLimitOf = (spec: { command: string; args: string[] }) => {
  const result = spawnSync(spec.command, spec.args, { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return Number(/^Max open files\s+(\d+)/m.exec(result.stdout)?.[1]);
};

describe('children open-file limits', () => {
  test('a wrapped child runs with the chosen soft limit, and its arguments reach it unchanged', () => {
    const limits = currentOpenFileLimits();
    assert.ok(limits, 'sh reports the limits');
    // Lowering is always allowed, so the test shows the wrapper takes effect on any machine.
    const target = Math.min(limits.soft, 4096) - 7;
    const script =
      'process.stdout.write(require("fs").readFileSync("/proc/self/limits","utf8")); console.log(process.argv[1])';
    const spec = withOpenFileLimit({ command: process.execPath, args: ['-e', script, 'a "quoted" $arg'] }, target);
    assert.equal(softLimitOf(spec), target);
    const out = spawnSync(spec.command, spec.args, { encoding: 'utf8' }).stdout;
    assert.match(out, /a "quoted" \$arg\n$/);
  });

  test('the limit is capped by the hard limit, and the log line says so', () => {
    assert.equal(childOpenFileLimit({ soft: 1024, hard: 20_000 }, 131_072), 20_000);
    assert.equal(childOpenFileLimit({ soft: 1024, hard: Number.POSITIVE_INFINITY }, 131_072), 131_072);
    assert.match(
      describeOpenFileLimit({ soft: 1024, hard: 20_000 }, 131_072),
      /raised from 1024 to 20000, capped by the hard limit 20000/,
    );
    assert.match(describeOpenFileLimit({ soft: 20_000, hard: 20_000 }, 131_072), /: 20000, capped by the hard limit/);
    assert.equal(
      describeOpenFileLimit({ soft: 1024, hard: 200_000 }, 131_072),
      "children's open-file limit: raised from 1024 to 131072",
    );
    assert.match(describeOpenFileLimit(undefined), /could not read/);
    assert.deepEqual(withOpenFileLimit({ command: 'nginx', args: [] }, undefined), { command: 'nginx', args: [] });
  });

  test("nginx's worker figures fit inside the limit with room for its own files", () => {
    assert.deepEqual(nginxOpenFileSettings(undefined), { rlimitNofile: 65_536, workerConnections: 32_768 });
    assert.deepEqual(nginxOpenFileSettings(20_000), { rlimitNofile: 20_000, workerConnections: 19_900 });
  });
});
