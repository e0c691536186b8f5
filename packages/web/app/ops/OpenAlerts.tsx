import { type Alert, typeLabel } from '../emergencies/alert-state.ts';

/** The unresolved alerts, oldest first: who, what, level, since when, acknowledged by whom. */
export function OpenAlerts({ alerts }: { alerts: Alert[] }) {
  const sorted = [...alerts].sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? ''));
  return (
    <table className="gateways" data-testid="ops-open-alerts">
      <caption>Open emergency alerts</caption>
      <thead>
        <tr>
          <th scope="col">From</th>
          <th scope="col">Type</th>
          <th scope="col">State</th>
          <th scope="col">Level</th>
          <th scope="col">Since</th>
        </tr>
      </thead>
      <tbody>
        {sorted.length === 0 && (
          <tr>
            <td colSpan={5}>None</td>
          </tr>
        )}
        {sorted.map((a) => (
          <tr key={a.alertId} data-alert={a.alertId}>
            <th scope="row">{a.userName ?? a.userId}</th>
            <td>{typeLabel(a.type)}</td>
            <td>{a.state}</td>
            <td>{a.level}</td>
            <td>{a.createdAt ? new Date(a.createdAt).toLocaleTimeString() : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
