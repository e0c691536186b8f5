import { useEffect } from 'react';
import { useServices } from '../shell/services.tsx';
import { useStore } from '../ui/store.ts';
import { ACTION_LABELS, type AuditStep } from './alert-state.ts';

/** The alert's audit (`GET /api/alerts/:id`), refreshed while open whenever the alert changes. */
export function AlertTimeline({ alertId }: { alertId: string }) {
  const { emergencies, chat, session } = useServices();
  const audit = useStore(emergencies.store, (s) => s.audits[alertId]);
  const names = useStore(chat.store, (s) => s.names);
  useEffect(() => {
    void emergencies.watchAudit(alertId);
    return () => emergencies.unwatchAudit(alertId);
  }, [emergencies, alertId]);

  if (!audit) return <p className="muted small">Loading the timeline…</p>;
  return (
    <ol className="timeline" aria-label="Alert timeline" data-testid="alert-timeline">
      {keyed(audit).map(({ key, step }) => (
        <li key={key} data-action={step.action}>
          <time dateTime={step.at}>{new Date(step.at).toLocaleTimeString()}</time>{' '}
          {ACTION_LABELS[step.action] ?? step.action}
          {step.level !== undefined && step.action === 'escalated' && ` to level ${step.level}`}
          {step.actorId && ` by ${step.actorId === session.userId ? 'you' : (names[step.actorId] ?? step.actorId)}`}
        </li>
      ))}
    </ol>
  );
}

/** Stable keys from the steps themselves (two contacts notified in the same millisecond get a suffix). */
function keyed(audit: AuditStep[]): { key: string; step: AuditStep }[] {
  const seen = new Map<string, number>();
  return audit.map((step) => {
    const base = `${step.at}|${step.action}|${step.actorId ?? ''}|${step.level ?? ''}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return { key: n === 0 ? base : `${base}|${n}`, step };
  });
}
