// The initial load stays small: the scripts and styles index.html pulls in before anything is
// clicked, gzipped, must stay under the 300 KB budget; the map, the operator view, the
// call view and the WebRTC session are separate chunks loaded on first use. The size is printed, not compared with a past run.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { WEB_DIST } from './build-inputs.ts';
import { ensureWebBuilt } from './ensure-built.ts';

const BUDGET_BYTES = 300 * 1024;

test('the initial bundle is under 300 KB gzip, with the map, the operator view and the call split off', (t) => {
  ensureWebBuilt();
  const html = fs.readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
  const initial = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  assert.ok(
    initial.some((f) => f.endsWith('.js')),
    'index.html loads a script',
  );
  let total = 0;
  for (const file of initial) {
    const bytes = zlib.gzipSync(fs.readFileSync(path.join(WEB_DIST, file))).length;
    t.diagnostic(`${file}: ${(bytes / 1024).toFixed(1)} KB gzip`);
    total += bytes;
  }
  t.diagnostic(`initial load: ${(total / 1024).toFixed(1)} KB gzip (budget ${BUDGET_BYTES / 1024} KB)`);
  assert.ok(total < BUDGET_BYTES, `initial load is ${(total / 1024).toFixed(1)} KB gzip`);

  const chunks = fs.readdirSync(path.join(WEB_DIST, 'assets'));
  for (const view of ['MapView', 'OpsView', 'CallView', 'peer-session']) {
    const chunk = chunks.find((f) => f.startsWith(`${view}-`) && f.endsWith('.js'));
    assert.ok(chunk, `${view} is a chunk of its own`);
    assert.ok(!initial.includes(`/assets/${chunk}`), `${view} is not part of the initial load`);
  }
  // React's production build (its development build carries the warnings, e.g. about keys).
  for (const file of initial)
    assert.doesNotMatch(
      fs.readFileSync(path.join(WEB_DIST, file), 'utf8'),
      /unique "key" prop/,
      `${file} is a production build`,
    );
  // zod stays out of the browser: the page needs none of the protocol's schemas.
  for (const file of initial)
    assert.doesNotMatch(fs.readFileSync(path.join(WEB_DIST, file), 'utf8'), /ZodError/, `${file} carries no zod`);
});
