import { fetchIceServers } from '@switchboard/client';
import type { CallEvent, CallQualityIssueEvent, CallSignalEvent } from '@switchboard/protocol';
import { restTarget } from '../api/rest.ts';
import type { ChatController } from '../chat/chat-controller.ts';
import type { Connection } from '../connection/connection.ts';
import { Store } from '../ui/store.ts';
import {
  type CallEntry,
  type CallsState,
  type CallType,
  emptyCalls,
  endingText,
  entryFrom,
  type MissedCall,
} from './call-state.ts';
import type { PeerSession, SignalType } from './peer-session.ts';

type PeerModule = typeof import('./peer-session.ts');

/**
 * Calls on this device: placing one, ringing, accepting or rejecting, hanging up, missed calls,
 * and the WebRTC session of the call in progress (its module loads with the first call).
 * The server owns the call's state; this follows its events.
 */
export class CallController {
  readonly store = new Store<CallsState>(emptyCalls);
  private readonly offs: Array<() => void> = [];
  private session: PeerSession | undefined;
  /** Signals for the current call that arrived before its session existed. */
  private early: CallSignalEvent[] = [];
  private peerModule: Promise<PeerModule> | undefined;
  /** Calls this device cancelled: their `call:missed` is no news to the one who hung up. */
  private readonly cancelledHere = new Set<string>();
  /** The operator's STUN/TURN servers (`GET /api/ice-servers`), asked once per page. */
  private iceServers: Promise<RTCIceServer[]> | undefined;
  private readonly callOver = new Set<() => void>();

  constructor(
    private readonly connection: Connection,
    private readonly chat: ChatController,
  ) {
    const client = connection.client;
    this.offs.push(
      client.on('call:incoming', (e) => this.onIncoming(e)),
      client.on('call:accepted', (e) => void this.onAccepted(e)),
      client.on('call:rejected', (e) => {
        this.finish(e.callId, `${this.nameOf(e.to ?? '')} declined the call`);
        this.announceCallOver();
      }),
      client.on('call:ended', (e) => {
        this.onEnded(e);
        this.announceCallOver();
      }),
      client.on('call:missed', (e) => {
        this.onMissed(e);
        this.announceCallOver();
      }),
      client.on('call:signal', (e) => this.onSignal(e)),
      client.on('call:qualityIssue', (e) => this.onQualityIssue(e)),
    );
  }

  close(): void {
    for (const off of this.offs) off();
    this.session?.close();
    this.callOver.clear();
  }

  /**
   * A call of this user is over as far as the server is concerned (ended, missed, declined
   * by the other side, or declined here: the one device that declines hears no event of it).
   */
  onCallOver(handler: () => void): () => void {
    this.callOver.add(handler);
    return () => void this.callOver.delete(handler);
  }

  nameOf(userId: string): string {
    return this.chat.store.get().names[userId] ?? userId;
  }

  /** Call a room mate: camera/microphone first (so a refusal costs the callee no ring), then ring. */
  async call(recipientId: string, callType: CallType, roomId?: string): Promise<void> {
    if (this.store.get().current) throw new Error('You are already in a call');
    const [peer, iceServers] = await Promise.all([this.loadPeer(), this.loadIceServers()]);
    const local = await peer.openMedia(callType);
    let callId: string;
    try {
      ({ callId } = await this.connection.client.request('call:initiate', {
        recipientId,
        callType,
        ...(roomId ? { roomId } : {}),
      }));
    } catch (error) {
      for (const track of local.getTracks()) track.stop();
      throw error;
    }
    const me = this.connection.session.userId;
    this.startSession(peer, local, callId, iceServers);
    this.store.update((s) => ({
      ...s,
      current: entryFrom({ callId, from: me, to: recipientId, callType, roomId }, 'outgoing', 'ringing'),
    }));
  }

  async accept(callId: string): Promise<void> {
    const ringing = this.store.get().ringing.find((c) => c.callId === callId);
    if (!ringing) return;
    if (this.store.get().current) await this.hangUp();
    const [peer, iceServers] = await Promise.all([this.loadPeer(), this.loadIceServers()]);
    const local = await peer.openMedia(ringing.callType);
    this.startSession(peer, local, callId, iceServers);
    this.store.update((s) => ({
      ...s,
      current: { ...ringing, phase: 'connecting', answeredAt: Date.now() },
      ringing: s.ringing.filter((c) => c.callId !== callId),
    }));
    try {
      await this.connection.client.request('call:accept', { callId });
    } catch (error) {
      this.finish(callId, `The call could not be answered: ${(error as Error).message}`);
      throw error;
    }
    this.flushEarly();
  }

  async reject(callId: string): Promise<void> {
    this.store.update((s) => ({ ...s, ringing: s.ringing.filter((c) => c.callId !== callId) }));
    await this.connection.client.request('call:reject', { callId });
    this.announceCallOver();
  }

  /** Cancel while ringing (caller) or hang up once accepted. */
  async hangUp(): Promise<void> {
    const current = this.store.get().current;
    if (!current) return;
    if (current.phase === 'ringing') this.cancelledHere.add(current.callId);
    this.finish(current.callId);
    await this.connection.client.request('call:end', { callId: current.callId });
  }

  dismissMissed(callId: string): void {
    this.store.update((s) => ({ ...s, missed: s.missed.filter((m) => m.callId !== callId) }));
  }

  private loadPeer(): Promise<PeerModule> {
    this.peerModule ??= import('./peer-session.ts');
    return this.peerModule;
  }

  /**
   * The ICE servers for this page's calls. If the server cannot say, the call goes ahead on host
   * candidates (as with none configured) and the next call asks again.
   */
  private loadIceServers(): Promise<RTCIceServer[]> {
    this.iceServers ??= fetchIceServers(restTarget(this.connection.session)).catch((error: Error) => {
      this.iceServers = undefined;
      this.chat.notice(`Call relay settings unavailable, trying the local network only: ${error.message}`, 'error');
      return [];
    });
    return this.iceServers;
  }

  private announceCallOver(): void {
    for (const handler of this.callOver) handler();
  }

  private startSession(peer: PeerModule, local: MediaStream, callId: string, iceServers: RTCIceServer[]): void {
    this.session?.close();
    const client = this.connection.client;
    const send = async (signalType: SignalType, signal: Record<string, unknown>) => {
      await client.request('call:signal', { callId, signalType, signal });
    };
    this.session = new peer.PeerSession(
      local,
      send,
      (sample) => {
        this.store.update((s) => ({ ...s, lastSample: sample }));
        client.request('call:quality', { callId, ...sample }).catch(() => undefined);
      },
      (error) => this.store.update((s) => ({ ...s, error: `Call media: ${error.message}` })),
      iceServers,
    );
    const session = this.session;
    session.media.subscribe(() => {
      const state = session.media.get().connection;
      this.updateCurrent(callId, (c) => ({
        ...c,
        peerState: state,
        phase: state === 'connected' ? 'connected' : c.phase,
      }));
    });
  }

  /** The peer module's media store for the call view. */
  media(): PeerSession['media'] | undefined {
    return this.session?.media;
  }

  private onIncoming(event: CallEvent): void {
    if (this.store.get().ringing.some((c) => c.callId === event.callId)) return;
    // Ask for the ICE servers while it rings, so answering waits for nothing but the camera.
    void this.loadIceServers();
    this.store.update((s) => ({ ...s, ringing: [...s.ringing, entryFrom(event, 'incoming', 'ringing')] }));
  }

  private async onAccepted(event: CallEvent): Promise<void> {
    const current = this.store.get().current;
    if (current?.callId !== event.callId || current.direction !== 'outgoing') return;
    this.updateCurrent(event.callId, (c) => ({ ...c, phase: 'connecting', answeredAt: Date.now() }));
    await this.session
      ?.offer()
      .catch((error: Error) => this.store.update((s) => ({ ...s, error: `Call media: ${error.message}` })));
  }

  private onEnded(event: CallEvent): void {
    const current = this.store.get().current;
    const peer = current ? (current.direction === 'outgoing' ? current.to : current.from) : (event.from ?? '');
    const ringingHere = this.store.get().ringing.some((c) => c.callId === event.callId);
    if (ringingHere) {
      this.store.update((s) => ({ ...s, ringing: s.ringing.filter((c) => c.callId !== event.callId) }));
      if (event.reason === 'answered_elsewhere') this.chat.notice('Answered on another device');
    }
    if (current?.callId === event.callId) this.finish(event.callId, endingText(event.reason, this.nameOf(peer)));
  }

  private onMissed(event: CallEvent): void {
    const me = this.connection.session.userId;
    const direction: MissedCall['direction'] = event.from === me ? 'outgoing' : 'incoming';
    const peer = (direction === 'outgoing' ? event.to : event.from) ?? '';
    if (this.cancelledHere.delete(event.callId)) return;
    this.store.update((s) => ({
      ...s,
      ringing: s.ringing.filter((c) => c.callId !== event.callId),
      missed: s.missed.some((m) => m.callId === event.callId)
        ? s.missed
        : [
            {
              callId: event.callId,
              peer,
              direction,
              callType: event.callType ?? 'video',
              ...(event.roomId ? { roomId: event.roomId } : {}),
              at: new Date().toISOString(),
            },
            ...s.missed,
          ].slice(0, 10),
    }));
    if (this.store.get().current?.callId === event.callId)
      this.finish(event.callId, `${this.nameOf(peer)} did not answer`);
  }

  private onSignal(event: CallSignalEvent): void {
    const current = this.store.get().current;
    if (current?.callId !== event.callId) {
      // The offer may overtake the accept's ack; keep what belongs to a call ringing here.
      if (this.store.get().ringing.some((c) => c.callId === event.callId)) this.early.push(event);
      return;
    }
    if (!this.session) this.early.push(event);
    else void this.session.receive(event.signalType, event.signal);
  }

  private flushEarly(): void {
    const callId = this.store.get().current?.callId;
    const early = this.early.filter((e) => e.callId === callId);
    this.early = [];
    for (const e of early) void this.session?.receive(e.signalType, e.signal);
  }

  private onQualityIssue(event: CallQualityIssueEvent): void {
    this.updateCurrent(event.callId, (c) => ({
      ...c,
      issues: {
        ...c.issues,
        [event.metric]: { userId: event.userId, metric: event.metric, value: event.value, threshold: event.threshold },
      },
    }));
  }

  private updateCurrent(callId: string, change: (c: CallEntry) => CallEntry): void {
    this.store.update((s) => (s.current?.callId === callId ? { ...s, current: change(s.current) } : s));
  }

  /** The call is over on this device: media released, the view closed, and why, said once. */
  private finish(callId: string, text?: string): void {
    if (this.store.get().current?.callId !== callId) return;
    this.session?.close();
    this.session = undefined;
    this.early = [];
    this.store.update((s) => ({ ...s, current: undefined, lastSample: undefined, error: undefined }));
    if (text) this.chat.notice(text);
  }
}
