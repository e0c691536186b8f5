import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type WebStorageLike, webCursorStorage } from './web-storage.ts';

function fakeStorage(
  initial: Record<string, string> = {},
): WebStorageLike & { data: Map<string, string>; failWrites?: boolean } {
  const data = new Map(Object.entries(initial));
  const storage = {
    data,
    failWrites: false,
    getItem: (key: string) => data.get(key) ?? null,
    setItem(key: string, value: string) {
      if (storage.failWrites) throw new Error('QuotaExceededError');
      data.set(key, value);
    },
  };
  return storage;
}

describe('webCursorStorage', () => {
  test('cursors survive a reload under their key, and only move forward', () => {
    const storage = fakeStorage();
    const first = webCursorStorage(storage, 'switchboard.cursors.alice');
    first.save('r1', 5);
    first.save('r1', 3);
    first.save('r2', 1);
    const reloaded = webCursorStorage(storage, 'switchboard.cursors.alice');
    assert.deepEqual(reloaded.load(), { r1: 5, r2: 1 });
    assert.deepEqual(
      webCursorStorage(storage, 'switchboard.cursors.bob').load(),
      {},
      'another user has cursors of their own',
    );
  });

  test('unreadable or foreign content counts as no cursors; bad entries are dropped', () => {
    assert.deepEqual(webCursorStorage(fakeStorage({ k: 'not json' }), 'k').load(), {});
    assert.deepEqual(webCursorStorage(fakeStorage({ k: '[1,2]' }), 'k').load(), {});
    assert.deepEqual(webCursorStorage(fakeStorage({ k: '{"a":3,"b":-1,"c":"7","d":1.5}' }), 'k').load(), { a: 3 });
  });

  test('a storage that refuses writes keeps the cursors in memory', () => {
    const storage = fakeStorage();
    storage.failWrites = true;
    const cursors = webCursorStorage(storage, 'k');
    cursors.save('r1', 9);
    assert.deepEqual(cursors.load(), { r1: 9 });
    assert.equal(storage.data.size, 0);
  });
});
