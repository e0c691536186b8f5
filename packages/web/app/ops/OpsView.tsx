import { useEffect, useMemo } from 'react';
import { useServices } from '../shell/services.tsx';
import { useStore } from '../ui/store.ts';
import { LineChart, type Series } from './LineChart.tsx';
import { OpenAlerts } from './OpenAlerts.tsx';
import { StatsPoller } from './stats-controller.ts';

const COLORS = ['#1f5fbf', '#b3261e', '#2e7d32', '#8a4baf', '#a15c00', '#00727a'];
const STEP_SEC = 2;

/** The operator view: the cluster's connections, message rate and per-gateway load, from GET /api/stats. */
export default function OpsView() {
  const poller = useMemo(() => new StatsPoller(STEP_SEC * 1000), []);
  useEffect(() => {
    poller.start();
    return () => poller.stop();
  }, [poller]);
  const { samples, latest, error } = useStore(poller.store, (s) => s);
  const { emergencies } = useServices();
  const alerts = useStore(emergencies.store, (s) => s.alerts);
  const open = Object.values(alerts).filter((a) => a.state !== 'resolved');

  const gatewayIds = [...new Set(samples.flatMap((s) => Object.keys(s.gateways)))].sort();
  const perGateway = (pick: 'connections' | 'messagesPerSecond'): Series[] =>
    gatewayIds.map((id, i) => ({
      label: id,
      color: COLORS[i % COLORS.length]!,
      values: samples.map((s) => s.gateways[id]?.[pick] ?? 0),
    }));

  return (
    <main
      id="main"
      className="ops"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (axe: scrollable-region-focusable)
      tabIndex={0}
      aria-labelledby="ops-title"
    >
      <h1 id="ops-title">Operations</h1>
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      {!latest && !error && <p>Asking the server for its figures…</p>}
      {latest && (
        <>
          <dl className="tiles" data-testid="ops-tiles">
            <div>
              <dt>Connections</dt>
              <dd data-testid="ops-connections">{latest.connections}</dd>
            </div>
            <div>
              <dt>Messages / s</dt>
              <dd data-testid="ops-rate">{latest.messagesPerSecond}</dd>
            </div>
            <div>
              <dt>Active calls</dt>
              <dd data-testid="ops-calls">
                {latest.activeCalls}
                {latest.ringingCalls !== undefined && <span className="small"> ({latest.ringingCalls} ringing)</span>}
              </dd>
            </div>
            <div>
              <dt>Open alerts</dt>
              <dd data-testid="ops-alerts">{open.length}</dd>
            </div>
            <div>
              <dt>Gateways</dt>
              <dd>{latest.gateways.length}</dd>
            </div>
            {latest.rooms !== undefined && (
              <div>
                <dt>Rooms (active)</dt>
                <dd>
                  {latest.rooms} ({latest.activeRooms ?? '—'})
                </dd>
              </div>
            )}
            <div>
              <dt>Samples</dt>
              <dd data-testid="ops-samples">{samples.length}</dd>
            </div>
          </dl>
          <div className="charts">
            <LineChart
              title="Connections"
              unit="sockets"
              stepSec={STEP_SEC}
              series={[{ label: 'all gateways', color: COLORS[0]!, values: samples.map((s) => s.connections) }]}
            />
            <LineChart
              title="Messages per second"
              unit="msg/s"
              stepSec={STEP_SEC}
              series={[{ label: 'all gateways', color: COLORS[1]!, values: samples.map((s) => s.messagesPerSecond) }]}
            />
            <LineChart
              title="Active calls"
              unit="calls"
              stepSec={STEP_SEC}
              series={[{ label: 'accepted', color: COLORS[2]!, values: samples.map((s) => s.activeCalls) }]}
            />
            <LineChart
              title="Connections per gateway"
              unit="sockets"
              stepSec={STEP_SEC}
              series={perGateway('connections')}
            />
            <LineChart
              title="Messages per second per gateway"
              unit="msg/s"
              stepSec={STEP_SEC}
              series={perGateway('messagesPerSecond')}
            />
          </div>
          <table className="gateways">
            <caption>Gateways reporting in the last 30 s</caption>
            <thead>
              <tr>
                <th scope="col">Gateway</th>
                <th scope="col">Connections</th>
                <th scope="col">Messages / s</th>
                <th scope="col">Reported</th>
              </tr>
            </thead>
            <tbody>
              {latest.gateways.map((g) => (
                <tr key={g.gatewayId} data-gateway={g.gatewayId}>
                  <th scope="row">{g.gatewayId}</th>
                  <td>{g.connections}</td>
                  <td>{g.messagesPerSecond}</td>
                  <td>{new Date(g.updatedAt).toLocaleTimeString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <OpenAlerts alerts={open} />
          <section aria-labelledby="ops-notes">
            <h2 id="ops-notes">What the figures mean</h2>
            <ul className="small">
              {Object.entries(latest.notes).map(([key, note]) => (
                <li key={key}>
                  <code>{key}</code>: {note}
                </li>
              ))}
            </ul>
            <p className="muted small">
              Open alerts are those this admin can see (<code>GET /api/alerts</code> on connect, then the{' '}
              <code>emergency:*</code> events); the figures above come from <code>GET /api/stats</code>.
            </p>
          </section>
        </>
      )}
    </main>
  );
}
