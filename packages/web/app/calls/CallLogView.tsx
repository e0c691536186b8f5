import { useEffect, useState } from 'react';
import { useServices } from '../shell/services.tsx';
import { useStore } from '../ui/store.ts';
import { describeCall } from './call-log-state.ts';

/** The user's calls, newest first (`GET /api/calls`), refreshed when one ends; older ones on demand. */
export default function CallLogView() {
  const { callLog, calls, session } = useServices();
  useEffect(() => callLog.open(), [callLog]);
  const { calls: log, hasMore, status, loadingMore, error } = useStore(callLog.store, (s) => s);
  const inCall = useStore(calls.store, (s) => s.current !== undefined);
  const [callError, setCallError] = useState<string | undefined>();

  const callBack = (peer: string, callType: 'audio' | 'video', roomId?: string) => {
    setCallError(undefined);
    calls.call(peer, callType, roomId).catch((e: Error) => setCallError(e.message));
  };

  return (
    <main
      id="main"
      className="call-log"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (axe: scrollable-region-focusable)
      tabIndex={0}
      aria-labelledby="call-log-title"
      data-testid="call-log"
      data-status={status}
    >
      <h1 id="call-log-title">Calls</h1>
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      {callError && (
        <p className="alert error" role="alert">
          {callError}
        </p>
      )}
      {status !== 'ready' && <p className="muted">Loading your calls…</p>}
      {status === 'ready' && log.length === 0 && !error && <p className="muted">No calls yet.</p>}
      <ol className="call-log-list">
        {log.map((call) => {
          const row = describeCall(call, session.userId);
          const name = calls.nameOf(row.peer);
          return (
            <li
              key={call.callId}
              className={`call-log-entry outcome-${row.outcome}`}
              data-testid="call-log-entry"
              data-call={call.callId}
              data-outcome={row.outcome}
            >
              <div className="call-log-who">
                <strong>{name}</strong>
                <span className="muted small">
                  {row.direction === 'incoming' ? 'Incoming' : 'Outgoing'} {call.callType} call
                </span>
              </div>
              <span
                className={`call-log-outcome tag${row.outcome === 'missed' || row.outcome === 'rejected' ? ' danger' : ''}`}
              >
                {row.outcomeText}
              </span>
              <time className="muted small" dateTime={call.createdAt}>
                {new Date(call.createdAt).toLocaleString()}
              </time>
              <button
                type="button"
                className="small"
                disabled={inCall}
                onClick={() => callBack(row.peer, call.callType, call.roomId)}
                aria-label={`Call back ${name} (${call.callType})`}
              >
                Call back
              </button>
            </li>
          );
        })}
      </ol>
      {hasMore && (
        <button type="button" onClick={() => void callLog.more()} disabled={loadingMore}>
          Load more
        </button>
      )}
      {loadingMore && <p className="muted small">Loading…</p>}
    </main>
  );
}
