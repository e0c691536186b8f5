import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AUTH_ERRORS } from '@switchboard/protocol';
import jwt from 'jsonwebtoken';
import { bearerToken, createTokenVerifier, normalizePhone, signToken } from './auth.ts';

const secret = 'test-secret-123';
const verifier = createTokenVerifier({ secret });

describe('token verification', () => {
  test('a valid token yields the principal with defaults', () => {
    const principal = verifier.verify(signToken(secret, 'u1', { phone: '+1 (555) 010-2030' }));
    assert.deepEqual(principal, { userId: 'u1', name: 'u1', role: 'user', phone: '+15550102030' });
  });

  test('each failure carries its exact protocol message', () => {
    assert.throws(() => verifier.verify(undefined), { message: AUTH_ERRORS.noToken });
    assert.throws(() => verifier.verify(''), { message: AUTH_ERRORS.noToken });
    assert.throws(() => verifier.verify('garbage'), { message: AUTH_ERRORS.invalidToken });
    assert.throws(() => verifier.verify(signToken('another-secret', 'u1')), { message: AUTH_ERRORS.invalidToken });
    const expired = jwt.sign({ sub: 'u1', exp: Math.floor(Date.now() / 1000) - 60 }, secret);
    assert.throws(() => verifier.verify(expired), { message: AUTH_ERRORS.tokenExpired });
  });

  test('a claim holding a NUL character makes the token invalid', () => {
    assert.throws(() => verifier.verify(signToken(secret, 'u1', { name: 'a\u0000b' })), {
      message: AUTH_ERRORS.invalidToken,
    });
  });

  test('a token without sub is invalid', () => {
    assert.throws(() => verifier.verify(jwt.sign({ name: 'x' }, secret)), { message: AUTH_ERRORS.invalidToken });
  });

  test('verifyToken answers the expiry in ms: none for a token without exp or one past year 275760', () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    assert.deepEqual(verifier.verifyToken(jwt.sign({ sub: 'u1', exp }, secret)), {
      principal: { userId: 'u1', name: 'u1', role: 'user' },
      expiresAt: exp * 1000,
    });
    assert.equal(verifier.verifyToken(jwt.sign({ sub: 'u1' }, secret)).expiresAt, undefined);
    assert.equal(verifier.verifyToken(jwt.sign({ sub: 'u1', exp: 9e12 }, secret)).expiresAt, undefined);
  });

  test('an unsigned (alg none) token is refused', () => {
    const none = jwt.sign({ sub: 'u1' }, '', { algorithm: 'none' });
    assert.throws(() => verifier.verify(none), { message: AUTH_ERRORS.invalidToken });
  });
});

describe('helpers', () => {
  test('bearerToken reads only the Bearer scheme', () => {
    assert.equal(bearerToken('Bearer abc.def'), 'abc.def');
    assert.equal(bearerToken('bearer abc'), 'abc');
    assert.equal(bearerToken('Basic abc'), undefined);
    assert.equal(bearerToken(undefined), undefined);
  });

  test('phone numbers in different notations normalise to one form', () => {
    assert.equal(normalizePhone('+44 20 7946 0958'), '+442079460958');
    assert.equal(normalizePhone('0044-20-7946-0958'), '+442079460958');
    assert.equal(normalizePhone('(555) 010'), '555010');
    assert.equal(normalizePhone('abc'), undefined);
  });
});
