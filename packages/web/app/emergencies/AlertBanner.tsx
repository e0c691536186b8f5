import { type ReactElement, type ReactNode, useState } from 'react';
import { useServices } from '../shell/services.tsx';
import { useStore } from '../ui/store.ts';
import { AlertTimeline } from './AlertTimeline.tsx';
import { type Alert, typeLabel } from './alert-state.ts';

/**
 * Alerts on screen, below the top bar: a contact's (acknowledge / resolve), and the user's own
 * SOS (who acknowledged it, resolve). A resolved one stays until dismissed, so it is seen.
 */
export function AlertBanner() {
  const { emergencies } = useServices();
  const alerts = useStore(emergencies.store, (s) => s.alerts);
  const error = useStore(emergencies.store, (s) => s.error);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const shown = Object.values(alerts)
    .filter((a) => !dismissed.has(a.alertId))
    .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));

  return (
    <section className="alerts" aria-label="Emergency alerts" aria-live="assertive" data-testid="alerts">
      {error && <p className="banner error">{error}</p>}
      {shown.map((alert) => (
        <AlertCard
          key={alert.alertId}
          alert={alert}
          onDismiss={() => setDismissed((d) => new Set([...d, alert.alertId]))}
        />
      ))}
    </section>
  );
}

function AlertCard({ alert, onDismiss }: { alert: Alert; onDismiss: () => void }) {
  const { emergencies, session, chat } = useServices();
  const names = useStore(chat.store, (s) => s.names);
  const [showTimeline, setShowTimeline] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const mine = alert.userId === session.userId;
  const who = mine ? 'Your SOS' : `SOS from ${alert.userName ?? names[alert.userId] ?? alert.userId}`;
  const nameOf = (id: string) => (id === session.userId ? 'you' : (names[id] ?? id));

  const act = async (run: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await run();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <article
      className={`alert-card ${alert.state}`}
      aria-labelledby={`alert-${alert.alertId}`}
      data-testid="alert"
      data-alert={alert.alertId}
      data-state={alert.state}
      data-level={alert.level}
    >
      <div className="alert-main">
        <h2 id={`alert-${alert.alertId}`}>
          {who}: {typeLabel(alert.type)}
          <span className={`tag ${alert.state === 'active' ? 'danger' : 'safe'}`}>{alert.state}</span>
          {alert.level > 0 && (
            <span className={`tag ${alert.level > 1 ? 'danger' : ''}`} data-testid="alert-level">
              {alert.level > 1 ? `escalated to level ${alert.level}` : `level ${alert.level}`}
            </span>
          )}
        </h2>
        {alert.message && <p className="alert-message">“{alert.message}”</p>}
        <p className="small">
          {joinFacts([
            alert.location && (
              <span key="where">
                At {alert.location.latitude.toFixed(5)}, {alert.location.longitude.toFixed(5)}
                {alert.location.accuracy !== undefined && ` ±${Math.round(alert.location.accuracy)} m`}
              </span>
            ),
            alert.activatedRooms.length > 0 && (
              <span key="rooms">
                {alert.activatedRooms.length} room{alert.activatedRooms.length === 1 ? '' : 's'} alerted
              </span>
            ),
            alert.acknowledgedBy && (
              <span key="ack" data-testid="acknowledged-by">
                Acknowledged by {nameOf(alert.acknowledgedBy)}
              </span>
            ),
            alert.state === 'resolved' && alert.resolvedBy && (
              <span key="resolved">Resolved by {nameOf(alert.resolvedBy)}</span>
            ),
          ])}
        </p>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className="alert-actions">
        {!mine && alert.state === 'active' && (
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => void act(() => emergencies.acknowledge(alert.alertId))}
          >
            Acknowledge
          </button>
        )}
        {alert.state !== 'resolved' && (
          <button type="button" disabled={busy} onClick={() => void act(() => emergencies.resolve(alert.alertId))}>
            Resolve
          </button>
        )}
        <button type="button" aria-expanded={showTimeline} onClick={() => setShowTimeline((s) => !s)}>
          Timeline
        </button>
        {alert.state === 'resolved' && (
          <button type="button" onClick={onDismiss}>
            Dismiss
          </button>
        )}
      </div>
      {showTimeline && <AlertTimeline alertId={alert.alertId} />}
    </article>
  );
}

/** The facts that apply, separated by " · " (none dangling when one is missing). */
function joinFacts(facts: Array<ReactElement | false | undefined | ''>): ReactNode[] {
  const shown = facts.filter((f): f is ReactElement => Boolean(f));
  return shown.flatMap((f, i) => (i === 0 ? [f] : [<span key={`before-${String(f.key)}`}> · </span>, f]));
}
