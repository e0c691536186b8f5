import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { secretKey, signWebhook, webhookHeaders } from './signature.ts';

describe('Standard Webhooks signature', () => {
  test("reproduces the specification's published test vector", () => {
    const key = secretKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    const signature = signWebhook(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    assert.equal(signature, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  test('any change of id, timestamp or body changes the signature', () => {
    const key = secretKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    const base = signWebhook(key, 'msg_1', 1, '{}');
    assert.notEqual(signWebhook(key, 'msg_2', 1, '{}'), base);
    assert.notEqual(signWebhook(key, 'msg_1', 2, '{}'), base);
    assert.notEqual(signWebhook(key, 'msg_1', 1, '{ }'), base);
  });

  test('headers carry the id, the timestamp in seconds and the signature', () => {
    const key = secretKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    assert.deepEqual(webhookHeaders(key, 'msg_1', 1614265330, '{}'), {
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1614265330',
      'webhook-signature': signWebhook(key, 'msg_1', 1614265330, '{}'),
    });
  });

  test('a secret without the whsec_ prefix is refused', () => {
    assert.throws(() => secretKey('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'), /whsec_/);
  });
});
