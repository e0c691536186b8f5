// Loaded on the first call (a dynamic import from the call controller): WebRTC stays out of the
// initial bundle.
import { Store } from '../ui/store.ts';
import type { CallType, QualitySample } from './call-state.ts';
import { QualityMeter } from './quality-meter.ts';

export type SignalType = 'offer' | 'answer' | 'ice-candidate';
export type SendSignal = (signalType: SignalType, signal: Record<string, unknown>) => Promise<void>;

export interface PeerMedia {
  local?: MediaStream;
  remote?: MediaStream;
  connection: RTCPeerConnectionState;
}

/** The camera and/or microphone for a call (the browser asks the user the first time). */
export function openMedia(callType: CallType): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({ audio: true, video: callType === 'video' });
}

/**
 * One RTCPeerConnection between the two parties, negotiated over Switchboard's `call:signal`:
 * the caller offers once the call is accepted, the callee answers; ICE candidates that arrive
 * before the remote description wait for it. `iceServers` are the operator's STUN/TURN servers
 * (`WEB_ICE_SERVERS`, from `GET /api/ice-servers`); with none, host candidates only, which is
 * enough for parties on one network.
 */
export class PeerSession {
  readonly media: Store<PeerMedia>;
  private readonly pc: RTCPeerConnection;
  private readonly pendingCandidates: RTCIceCandidateInit[] = [];
  private readonly meter: QualityMeter;
  private sampler: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(
    private readonly local: MediaStream,
    private readonly send: SendSignal,
    private readonly onSample: (sample: QualitySample) => void,
    private readonly onFailure: (error: Error) => void,
    iceServers: RTCIceServer[] = [],
  ) {
    this.pc = new RTCPeerConnection({ iceServers });
    this.media = new Store<PeerMedia>({ local, connection: this.pc.connectionState });
    this.meter = new QualityMeter();
    for (const track of local.getTracks()) this.pc.addTrack(track, local);
    this.pc.addEventListener('track', (event) => {
      const remote = event.streams[0] ?? new MediaStream([event.track]);
      this.media.update((m) => (m.remote === remote ? m : { ...m, remote }));
    });
    this.pc.addEventListener('icecandidate', (event) => {
      if (event.candidate) this.signal('ice-candidate', event.candidate.toJSON() as Record<string, unknown>);
    });
    this.pc.addEventListener('connectionstatechange', () => {
      this.media.update((m) => ({ ...m, connection: this.pc.connectionState }));
      if (this.pc.connectionState === 'connected') this.startSampling();
    });
  }

  /** The caller's side, once the callee accepted. */
  async offer(): Promise<void> {
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    this.signal('offer', { type: offer.type, sdp: offer.sdp ?? '' });
  }

  async receive(signalType: SignalType, signal: unknown): Promise<void> {
    if (this.closed) return;
    try {
      if (signalType === 'ice-candidate') return await this.addCandidate(asCandidate(signal));
      await this.pc.setRemoteDescription(asDescription(signal, signalType));
      for (const candidate of this.pendingCandidates.splice(0)) await this.pc.addIceCandidate(candidate);
      if (signalType === 'offer') {
        const answer = await this.pc.createAnswer();
        await this.pc.setLocalDescription(answer);
        this.signal('answer', { type: answer.type, sdp: answer.sdp ?? '' });
      }
    } catch (error) {
      this.onFailure(error as Error);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sampler);
    for (const track of this.local.getTracks()) track.stop();
    this.pc.close();
    this.media.update((m) => ({ ...m, connection: 'closed' }));
  }

  private async addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    if (!this.pc.remoteDescription) this.pendingCandidates.push(candidate);
    else await this.pc.addIceCandidate(candidate);
  }

  private signal(signalType: SignalType, signal: Record<string, unknown>): void {
    if (!this.closed) this.send(signalType, signal).catch((error: Error) => this.onFailure(error));
  }

  /** Every 5 s while connected: a `call:quality` sample from getStats(). */
  private startSampling(): void {
    if (this.sampler) return;
    this.sampler = setInterval(() => {
      if (this.closed) return;
      void this.pc.getStats().then((report) => {
        const sample = this.meter.sample(report, performance.now());
        if (sample) this.onSample(sample);
      });
    }, 5000);
  }
}

function asDescription(signal: unknown, signalType: 'offer' | 'answer'): RTCSessionDescriptionInit {
  const sdp = typeof signal === 'string' ? signal : (signal as { sdp?: unknown } | null)?.sdp;
  if (typeof sdp !== 'string') throw new Error(`The other party sent an ${signalType} without SDP`);
  return { type: signalType, sdp };
}

function asCandidate(signal: unknown): RTCIceCandidateInit {
  if (signal === null || typeof signal !== 'object') throw new Error('The other party sent a malformed ICE candidate');
  return signal as RTCIceCandidateInit;
}
