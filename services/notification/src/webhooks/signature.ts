import crypto from 'node:crypto';

/** The key of a `whsec_<base64>` secret: the bytes after the prefix (Standard Webhooks). */
export function secretKey(secret: string): Buffer {
  if (!secret.startsWith('whsec_')) throw new Error('WEBHOOK_SECRET must start with whsec_');
  return Buffer.from(secret.slice('whsec_'.length), 'base64');
}

/** `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`: the `webhook-signature` header. */
export function signWebhook(key: Buffer, id: string, timestampSeconds: number, body: string): string {
  const mac = crypto.createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The three Standard Webhooks headers of one attempt. */
export function webhookHeaders(key: Buffer, id: string, timestampSeconds: number, body: string) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signWebhook(key, id, timestampSeconds, body),
  };
}
