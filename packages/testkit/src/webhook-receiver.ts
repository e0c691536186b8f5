import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the receiver does with the next request: answer 2xx, answer 500, or never answer. */
export type ReceiverMode = 'ok' | 'fail' | 'hang';

export interface ReceivedWebhook {
  id: string;
  timestamp: number;
  body: { type: string; timestamp: string; data: Record<string, unknown> };
  /** The signature checked here with its own HMAC code, not the service's. */
  signatureValid: boolean;
  answered: ReceiverMode;
}

/**
 * A backend's webhook endpoint for tests: a real HTTP server that verifies each request's
 * Standard Webhooks signature independently and records it. `modes` is consumed one per request
 * (the last one repeats), so "fail once, then accept" is `['fail', 'ok']`.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /**
   * When set, `modes` apply only to events of this type and every other event is accepted: other
   * services write webhooks too (presence's `user.online` on every first connect), and a test of
   * one event's retries must not spend its "fail" on another's.
   */
  modesFor: string | undefined;
  private server: http.Server | undefined;
  private readonly hanging = new Set<http.ServerResponse>();
  port = 0;

  constructor(
    private readonly secret: string,
    public modes: ReceiverMode[] = ['ok'],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  /** Listen (again, on the same port after `stop`). */
  async start(): Promise<void> {
    const server = http.createServer((req, res) => void this.onRequest(req, res));
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stop listening: the endpoint is down (connections refused) until `start`. */
  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString();
    const body = JSON.parse(raw) as ReceivedWebhook['body'];
    const mode = this.modesFor !== undefined && body.type !== this.modesFor ? 'ok' : this.nextMode();
    const id = String(req.headers['webhook-id']);
    const timestamp = Number(req.headers['webhook-timestamp']);
    this.received.push({
      id,
      timestamp,
      body,
      signatureValid: this.verify(id, String(timestamp), raw, String(req.headers['webhook-signature'])),
      answered: mode,
    });
    if (mode === 'hang') {
      this.hanging.add(res);
      return;
    }
    res.writeHead(mode === 'ok' ? 204 : 500).end();
  }

  private nextMode(): ReceiverMode {
    return this.modes.length > 1 ? this.modes.shift()! : (this.modes[0] ?? 'ok');
  }

  private verify(id: string, timestamp: string, body: string, header: string): boolean {
    const key = Buffer.from(this.secret.replace(/^whsec_/, ''), 'base64');
    const expected = crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
    // A header may carry several space-separated signatures (key rotation).
    return header.split(' ').some((entry) => {
      const [version, signature] = entry.split(',');
      if (version !== 'v1' || !signature) return false;
      const given = Buffer.from(signature, 'base64');
      return given.length === expected.length && crypto.timingSafeEqual(given, expected);
    });
  }
}

/** A fresh `whsec_` secret. */
export function newWebhookSecret(): string {
  return `whsec_${crypto.randomBytes(24).toString('base64')}`;
}
