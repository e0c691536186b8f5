import type {
  Call,
  CallEvent,
  CallQualityIssueEvent,
  CallSignalEvent,
  CallType,
  RequestPayload,
  ServerToClientEvents,
  SignalType,
} from '@switchboard/protocol';
import type { RequestFn, RequestOptions } from './request.ts';

/** What Calls needs of a client: typed requests and typed server events. */
export interface CallsTransport {
  request: RequestFn;
  on<E extends keyof ServerToClientEvents>(event: E, handler: ServerToClientEvents[E]): () => void;
}

type CallEventName = 'call:incoming' | 'call:accepted' | 'call:rejected' | 'call:ended' | 'call:missed';

/**
 * 1:1 calls (PROTOCOL.md, Calls): typed requests that resolve with the ack's result (or reject
 * with a SwitchboardError carrying its code), and typed event subscriptions that return their
 * unsubscribe function. The server owns the call's state; media is the app's RTCPeerConnection.
 */
export class Calls {
  constructor(private readonly client: CallsTransport) {}

  /** Ring `recipientId` on every device; resolves with the call (a glare answers the other side's call). */
  async initiate(
    recipientId: string,
    callType: CallType,
    options: { roomId?: string } & RequestOptions = {},
  ): Promise<Call> {
    const { roomId, ...request } = options;
    const payload: RequestPayload<'call:initiate'> = { recipientId, callType, ...(roomId ? { roomId } : {}) };
    return (await this.client.request('call:initiate', payload, request)).call;
  }

  async accept(callId: string, options?: RequestOptions): Promise<Call> {
    return (await this.client.request('call:accept', { callId }, options)).call;
  }

  async reject(callId: string, reason?: string, options?: RequestOptions): Promise<void> {
    await this.client.request('call:reject', reason === undefined ? { callId } : { callId, reason }, options);
  }

  /** The caller while ringing cancels; either party once accepted hangs up. */
  async end(callId: string, options?: RequestOptions): Promise<void> {
    await this.client.request('call:end', { callId }, options);
  }

  /** Relay an SDP offer/answer or an ICE candidate to the other party (JSON-able, ≤ 64 kB as text). */
  async signal(callId: string, signalType: SignalType, signal: string | Record<string, unknown>): Promise<void> {
    await this.client.request('call:signal', { callId, signalType, signal });
  }

  /** Report a stats sample: rtt and jitter in ms, packetLoss in percent (0–100), bitrate in bit/s. */
  async quality(callId: string, sample: Omit<RequestPayload<'call:quality'>, 'callId'>): Promise<void> {
    await this.client.request('call:quality', { callId, ...sample });
  }

  onIncoming(handler: (call: CallEvent) => void): () => void {
    return this.onCall('call:incoming', handler);
  }
  onAccepted(handler: (call: CallEvent) => void): () => void {
    return this.onCall('call:accepted', handler);
  }
  onRejected(handler: (call: CallEvent) => void): () => void {
    return this.onCall('call:rejected', handler);
  }
  /** `reason`: hangup, cancelled, rejected, answered_elsewhere, connection_lost. */
  onEnded(handler: (call: CallEvent) => void): () => void {
    return this.onCall('call:ended', handler);
  }
  onMissed(handler: (call: CallEvent) => void): () => void {
    return this.onCall('call:missed', handler);
  }
  onSignal(handler: (signal: CallSignalEvent) => void): () => void {
    return this.client.on('call:signal', handler);
  }
  onQualityIssue(handler: (issue: CallQualityIssueEvent) => void): () => void {
    return this.client.on('call:qualityIssue', handler);
  }

  private onCall(event: CallEventName, handler: (call: CallEvent) => void): () => void {
    return this.client.on(event, handler);
  }
}
