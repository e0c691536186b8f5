import { useState } from 'react';
import { useServices } from '../shell/services.tsx';
import { useStore } from '../ui/store.ts';

/** Calls ringing on this device (accept / decline) and missed calls (call back / dismiss). */
export function IncomingCalls() {
  const { calls } = useServices();
  const ringing = useStore(calls.store, (s) => s.ringing);
  const missed = useStore(calls.store, (s) => s.missed);
  const inCall = useStore(calls.store, (s) => s.current !== undefined);
  const [error, setError] = useState<string | undefined>();

  const run = (action: () => Promise<void>) => {
    setError(undefined);
    action().catch((e: Error) => setError(e.message));
  };

  if (ringing.length === 0 && missed.length === 0 && !error) return null;
  return (
    <section className="incoming-calls" aria-label="Calls" data-testid="incoming-calls">
      {ringing.map((c) => {
        const caller = calls.nameOf(c.from);
        return (
          <div key={c.callId} className="ringing" role="alert" data-testid="ringing" data-call={c.callId}>
            <span>
              Incoming {c.callType} call from <strong>{caller}</strong>
              {inCall && ' (answering ends your current call)'}
            </span>
            <button type="button" className="primary" onClick={() => run(() => calls.accept(c.callId))}>
              Accept
            </button>
            <button type="button" className="danger" onClick={() => run(() => calls.reject(c.callId))}>
              Decline
            </button>
          </div>
        );
      })}
      {missed.map((m) => {
        const peer = calls.nameOf(m.peer);
        return (
          <div key={m.callId} className="missed" data-testid="missed-call">
            <span>
              {m.direction === 'incoming' ? `Missed ${m.callType} call from ${peer}` : `${peer} did not answer`} ·{' '}
              <time dateTime={m.at}>{new Date(m.at).toLocaleTimeString()}</time>
            </span>
            {!inCall && (
              <button type="button" onClick={() => run(() => calls.call(m.peer, m.callType, m.roomId))}>
                Call {peer} back
              </button>
            )}
            <button type="button" className="link" onClick={() => calls.dismissMissed(m.callId)}>
              Dismiss
            </button>
          </div>
        );
      })}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
