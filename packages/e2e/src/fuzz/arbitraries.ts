// Generated garbage: wrong types, deep nesting, prototype-pollution keys, huge arrays and
// strings, NUL and lone surrogates — alone, and spliced into a valid payload.
import fc from 'fast-check';

/** Keys that poison objects built carelessly from input. */
export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** Strings that have broken parsers, databases and loggers before. */
const nastyStrings = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFF',
  'x\uD83D',
  '\uDE00y',
  '\uFEFF',
  '\u202E',
  '%00',
  '%',
  '../../etc/passwd',
  '\'; DROP TABLE "Message"; --',
  '{"__proto__":{"polluted":true}}',
  '__proto__',
  'constructor',
  'NaN',
  '-0',
  '1e309',
  '9'.repeat(400),
  '2024-13-45T99:99:99Z',
  '<script>alert(1)</script>',
);

const hostileString = fc.oneof(
  { weight: 3, arbitrary: nastyStrings },
  { weight: 2, arbitrary: fc.fullUnicodeString({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  // Lone surrogates and NULs in the middle of ordinary text.
  {
    weight: 1,
    arbitrary: fc
      .array(fc.constantFrom('a', '\u0000', '\uD800', '\uDC00', 'é'), { maxLength: 30 })
      .map((a) => a.join('')),
  },
  { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 300_000 }).map((n) => 'x'.repeat(n)) },
);

const hostileNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1, 0.5, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 31, -(2 ** 31), 1e308),
  fc.double(),
  fc.integer(),
);

const hostileKey = fc.oneof(
  fc.constantFrom(...POLLUTION_KEYS),
  hostileString.filter((s) => s.length < 200),
);

/** Any JSON-ish value, with hostile keys and strings inside. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.anything({
      maxDepth: 4,
      maxKeys: 6,
      key: hostileKey,
      values: [hostileString, hostileNumber, fc.boolean(), fc.constant(null)],
    }),
  },
  { weight: 2, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [[]], [{}]) },
  // As deep as JSON.stringify (in the client) still encodes; deeper ones go as raw text (deepJsonText).
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 400 }).map((depth) => nested(depth, 'object')) },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 400 }).map((depth) => nested(depth, 'array')) },
  { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 60_000 }).map((n) => Array.from({ length: n }, (_, i) => i)) },
  { weight: 1, arbitrary: fc.constant(null).map(() => polluted()) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2000 }) },
);

/** `depth` levels of `{ a: … }` or `[ … ]`. */
export function nested(depth: number, kind: 'object' | 'array'): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = kind === 'object' ? { a: value } : [value];
  return value;
}

/** An object with `__proto__` and `constructor.prototype` as OWN keys, as JSON.parse builds them. */
export function polluted(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const base = JSON.parse(
    '{"__proto__":{"polluted":"yes","isAdmin":true},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"}}',
  ) as Record<string, unknown>;
  return Object.assign(base, extra);
}

/** A copy of `seed` with `key` set to `value` (own property, even for `__proto__`). */
function withKey(seed: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...seed };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/**
 * Payloads derived from a valid `seed`: the seed itself, the whole payload replaced by garbage,
 * one field replaced, a field dropped, hostile keys added, or every string field turned hostile.
 */
export function mutationsOf(seed: unknown): fc.Arbitrary<unknown> {
  const base = seed && typeof seed === 'object' && !Array.isArray(seed) ? (seed as Record<string, unknown>) : {};
  const keys = Object.keys(base);
  const someKey = keys.length > 0 ? fc.constantFrom(...keys) : fc.constant('field');
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(base) },
    { weight: 2, arbitrary: hostileValue },
    { weight: 4, arbitrary: fc.tuple(someKey, hostileValue).map(([key, value]) => withKey(base, key, value)) },
    { weight: 1, arbitrary: someKey.map((key) => Object.fromEntries(Object.entries(base).filter(([k]) => k !== key))) },
    { weight: 2, arbitrary: fc.tuple(hostileKey, hostileValue).map(([key, value]) => withKey(base, key, value)) },
    { weight: 1, arbitrary: fc.constant(null).map(() => polluted(base)) },
    {
      weight: 1,
      arbitrary: hostileString.map((s) =>
        Object.fromEntries(Object.entries(base).map(([k, v]) => [k, typeof v === 'string' ? s : v])),
      ),
    },
  );
}

/** JSON text thousands of levels deep: no JSON.stringify encodes that, a hostile client writes it. */
export const deepJsonText = fc
  .tuple(fc.integer({ min: 1000, max: 50_000 }), fc.constantFrom('object', 'array', 'mixed'))
  .map(([depth, kind]) => {
    const open = kind === 'object' ? '{"a":' : kind === 'array' ? '[' : '[{"a":';
    const close = kind === 'object' ? '}' : kind === 'array' ? ']' : '}]';
    const levels = kind === 'mixed' ? Math.ceil(depth / 2) : depth;
    return `${open.repeat(levels)}"bottom"${close.repeat(levels)}`;
  });

/** The JSON text of `seed` with one field's value (or the whole payload) replaced by `raw` JSON text. */
export function spliceJson(seed: unknown, key: string | undefined, raw: string): string {
  if (key === undefined || !seed || typeof seed !== 'object') return raw;
  const marker = '"@@fuzz-splice@@"';
  return JSON.stringify({ ...(seed as Record<string, unknown>), [key]: JSON.parse(marker) }).replace(marker, raw);
}
