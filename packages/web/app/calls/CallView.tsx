// A lazy chunk (shell/Workspace.tsx): loaded when this device first places or answers a call.
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useServices } from '../shell/services.tsx';
import { useStore } from '../ui/store.ts';
import type { PeerMedia } from './peer-session.ts';

const NO_MEDIA: PeerMedia = { connection: 'new' };

/** The call in progress: both videos (or the remote audio), its state, quality, hang up. */
export default function CallView() {
  const { calls } = useServices();
  const current = useStore(calls.store, (s) => s.current);
  const sample = useStore(calls.store, (s) => s.lastSample);
  const error = useStore(calls.store, (s) => s.error);
  const mediaStore = calls.media();
  const media = useSyncExternalStore(
    (listener) => mediaStore?.subscribe(listener) ?? (() => undefined),
    () => mediaStore?.get() ?? NO_MEDIA,
  );
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  if (!current) return null;
  const peerId = current.direction === 'outgoing' ? current.to : current.from;
  const peer = calls.nameOf(peerId);
  const status =
    current.phase === 'ringing'
      ? `Calling ${peer}…`
      : current.phase === 'connecting'
        ? `Connecting to ${peer}…`
        : `In a ${current.callType} call with ${peer} · ${duration(now - (current.answeredAt ?? now))}`;
  const issues = Object.values(current.issues);

  return (
    <section
      className="call-view card"
      aria-label={`Call with ${peer}`}
      data-testid="call"
      data-call={current.callId}
      data-phase={current.phase}
      data-peer-state={media.connection}
    >
      <p className="call-status" role="status">
        {status}
      </p>
      <div className="videos">
        {current.callType === 'video' ? (
          <>
            <MediaElement kind="video" stream={media.remote} label={`${peer}'s video`} testId="remote-video" />
            <MediaElement kind="video" stream={media.local} label="My camera" testId="local-video" muted />
          </>
        ) : (
          <MediaElement kind="audio" stream={media.remote} label={`${peer}'s audio`} testId="remote-audio" />
        )}
      </div>
      {issues.length > 0 && (
        <ul className="quality-issues" data-testid="quality-issues">
          {issues.map((i) => (
            <li key={i.metric} className="alert">
              Poor connection ({i.userId === peerId ? peer : 'you'}): {i.metric} {i.value}
              {i.threshold !== undefined && ` (limit ${i.threshold})`}
            </li>
          ))}
        </ul>
      )}
      {sample && (
        <p className="muted small" data-testid="quality-sample">
          {sample.rtt !== undefined && `RTT ${Math.round(sample.rtt)} ms · `}
          {sample.jitter !== undefined && `jitter ${Math.round(sample.jitter)} ms · `}
          {sample.packetLoss !== undefined && `loss ${sample.packetLoss.toFixed(1)} % · `}
          {sample.bitrate !== undefined && `${Math.round(sample.bitrate / 1000)} kbit/s`}
        </p>
      )}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <button type="button" className="danger" onClick={() => void calls.hangUp()}>
        {current.phase === 'ringing' ? 'Cancel call' : 'Hang up'}
      </button>
    </section>
  );
}

function MediaElement({
  kind,
  stream,
  label,
  testId,
  muted = false,
}: {
  kind: 'video' | 'audio';
  stream: MediaStream | undefined;
  label: string;
  testId: string;
  muted?: boolean;
}) {
  const ref = useRef<HTMLVideoElement & HTMLAudioElement>(null);
  const [blocked, setBlocked] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || el.srcObject === (stream ?? null)) return;
    el.srcObject = stream ?? null;
    // Autoplay may be refused without a gesture: then the person starts it with a click.
    if (stream)
      el.play().then(
        () => setBlocked(false),
        () => setBlocked(true),
      );
  }, [stream]);
  const play = () =>
    ref.current?.play().then(
      () => setBlocked(false),
      () => setBlocked(true),
    );
  return (
    <figure className={`media ${kind}`}>
      {kind === 'video' ? (
        <video ref={ref} autoPlay playsInline muted={muted} aria-label={label} data-testid={testId} />
      ) : (
        // biome-ignore lint/a11y/useMediaCaption: a live call's audio has no caption track to offer
        <audio ref={ref} autoPlay aria-label={label} data-testid={testId} />
      )}
      <figcaption className="small">{label}</figcaption>
      {blocked && (
        <button type="button" onClick={() => void play()}>
          Play {label}
        </button>
      )}
    </figure>
  );
}

function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
