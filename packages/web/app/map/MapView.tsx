import { useEffect, useMemo, useState } from 'react';
import { useServices } from '../shell/services.tsx';
import { useStore } from '../ui/store.ts';
import { FenceForm } from './FenceForm.tsx';
import { isViolating, type Point } from './geometry.ts';
import { MapCanvas } from './MapCanvas.tsx';
import { SharePanel } from './SharePanel.tsx';

/** A room's live map: members' latest positions, the room's geofences, crossings as they happen. */
export default function MapView({ roomId }: { roomId: string }) {
  const { chat, location, session } = useServices();
  const participants = useStore(chat.store, (s) => s.rooms[roomId]?.participants ?? []);
  const state = useStore(location.store, (s) => s);
  const [pick, setPick] = useState<Point | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    location.loadFences(roomId).catch((e: Error) => setError(`Geofences could not be loaded: ${e.message}`));
  }, [location, roomId]);
  useEffect(() => {
    void location.loadLastKnown(participants.map((p) => ({ userId: p.userId, name: p.name })));
  }, [location, participants]);

  const memberIds = useMemo(() => new Set(participants.map((p) => p.userId)), [participants]);
  const positions = Object.values(state.positions).filter((p) => memberIds.has(p.userId));
  const fences = state.fences[roomId] ?? [];
  const violations = state.violations.filter((v) => memberIds.has(v.userId) && (!v.roomId || v.roomId === roomId));

  return (
    <div className="map-view">
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      <SharePanel pick={pick} onPick={setPick} />
      <MapCanvas
        positions={positions}
        fences={fences}
        me={session.userId}
        pick={state.sharing.mode === 'manual' ? pick : undefined}
        onPick={state.sharing.mode === 'manual' ? setPick : undefined}
      />
      <div className="map-lists">
        <section aria-labelledby="positions-title">
          <h2 id="positions-title">Positions</h2>
          {positions.length === 0 && <p className="muted">Nobody in this room has shared a location yet.</p>}
          <ul data-testid="positions">
            {positions.map((p) => {
              const broken = fences.filter((f) => isViolating(f, p));
              return (
                <li key={p.userId} data-user={p.userId} className={broken.length ? 'violating' : undefined}>
                  <strong>{p.name}</strong> {p.latitude.toFixed(5)}, {p.longitude.toFixed(5)}
                  {p.accuracy !== null && <span className="muted"> ±{Math.round(p.accuracy)} m</span>}
                  <span className="muted"> · {new Date(p.timestamp).toLocaleTimeString()}</span>
                  {broken.length > 0 && (
                    <span className="tag danger">outside the rules of {broken.map((f) => f.name).join(', ')}</span>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
        <section aria-labelledby="fences-title">
          <h2 id="fences-title">Geofences</h2>
          {fences.length === 0 && <p className="muted">No geofences on this room.</p>}
          <ul data-testid="fences">
            {fences.map((f) => (
              <li key={f.id}>
                <span className={`tag ${f.kind}`}>{f.kind}</span> {f.name}
                {f.shape.type === 'circle' && (
                  <span className="muted">
                    {' '}
                    · {Math.round(f.shape.radiusMeters)} m around {f.shape.center.latitude.toFixed(4)},{' '}
                    {f.shape.center.longitude.toFixed(4)}
                  </span>
                )}
                <button
                  type="button"
                  className="link"
                  onClick={() => void location.deleteFence(roomId, f.id).catch((e: Error) => setError(e.message))}
                >
                  Delete {f.name}
                </button>
              </li>
            ))}
          </ul>
          <FenceForm roomId={roomId} pick={pick} />
        </section>
        <section aria-labelledby="violations-title">
          <h2 id="violations-title">Geofence alerts</h2>
          {violations.length === 0 && <p className="muted">No crossings since this page opened.</p>}
          <ul data-testid="violations" aria-live="polite">
            {violations.map((v) => (
              <li key={`${v.geofenceId}-${v.userId}-${v.timestamp}`} className="violating">
                {participants.find((p) => p.userId === v.userId)?.name ?? v.userId} {v.transition}{' '}
                {v.kind === 'danger' ? 'danger zone' : 'safe zone'} “{v.name}” at{' '}
                {new Date(v.timestamp).toLocaleTimeString()}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </div>
  );
}
