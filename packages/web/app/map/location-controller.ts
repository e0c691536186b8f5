import type { GeofenceCreatePayload, GeofenceViolationEvent, LocationEvent } from '@switchboard/protocol';
import { apiFetch } from '../api/rest.ts';
import type { Connection } from '../connection/connection.ts';
import { Store } from '../ui/store.ts';

/** A geofence as `GET /api/geofences` answers it (services/presence/src/routes/geofence-routes.ts). */
export interface Geofence extends Omit<GeofenceCreatePayload, 'userId' | 'roomId'> {
  id: string;
  createdBy: string;
  createdAt: string;
  userId?: string;
  roomId?: string;
}

export type Sharing = { mode: 'off' } | { mode: 'gps'; error?: string } | { mode: 'manual' };

export interface LocationState {
  /** Latest fix per user, live or last known. */
  positions: Record<string, LocationEvent>;
  fences: Record<string, Geofence[]>;
  /** Newest first. */
  violations: GeofenceViolationEvent[];
  sharing: Sharing;
  lastSent?: string;
  error?: string;
}

/** The presence service allows a burst of 5 fixes, then one per 500 ms: stay well under it. */
const MIN_GPS_INTERVAL_MS = 2000;

/** Live location: my fixes out, room members' fixes and geofence crossings in. */
export class LocationController {
  readonly store = new Store<LocationState>({ positions: {}, fences: {}, violations: [], sharing: { mode: 'off' } });
  private readonly offs: Array<() => void> = [];
  private watchId: number | undefined;
  private lastGpsSent = 0;
  private readonly historyAsked = new Set<string>();

  constructor(private readonly connection: Connection) {
    const client = connection.client;
    this.offs.push(
      client.on('location:update', (fix) =>
        this.store.update((s) => ({ ...s, positions: { ...s.positions, [fix.userId]: fix } })),
      ),
      client.on('geofence:violation', (v) =>
        this.store.update((s) => ({ ...s, violations: [v, ...s.violations].slice(0, 50) })),
      ),
    );
  }

  /** Send one fix (a manual point, or from the browser's geolocation). */
  async share(latitude: number, longitude: number, accuracy?: number): Promise<void> {
    const timestamp = new Date().toISOString();
    try {
      await this.connection.client.request('location:update', {
        latitude,
        longitude,
        timestamp,
        ...(accuracy !== undefined ? { accuracy } : {}),
      });
      this.store.update((s) => ({ ...s, lastSent: timestamp, error: undefined }));
    } catch (error) {
      this.store.update((s) => ({ ...s, error: (error as Error).message }));
      throw error;
    }
  }

  startGps(): void {
    this.stopGps();
    if (!('geolocation' in navigator)) {
      this.store.update((s) => ({
        ...s,
        sharing: { mode: 'gps', error: 'This browser has no geolocation: use a manual point.' },
      }));
      return;
    }
    this.store.update((s) => ({ ...s, sharing: { mode: 'gps' } }));
    this.watchId = navigator.geolocation.watchPosition(
      (position) => {
        if (Date.now() - this.lastGpsSent < MIN_GPS_INTERVAL_MS) return;
        this.lastGpsSent = Date.now();
        void this.share(position.coords.latitude, position.coords.longitude, position.coords.accuracy).catch(
          () => undefined,
        );
      },
      (error) =>
        this.store.update((s) => ({
          ...s,
          sharing: {
            mode: 'gps',
            error: `Geolocation failed: ${error.message || 'permission denied'}. Use a manual point instead.`,
          },
        })),
      { enableHighAccuracy: true, maximumAge: 10_000, timeout: 30_000 },
    );
  }

  stopGps(): void {
    if (this.watchId !== undefined) navigator.geolocation.clearWatch(this.watchId);
    this.watchId = undefined;
  }

  setManual(): void {
    this.stopGps();
    this.store.update((s) => ({ ...s, sharing: { mode: 'manual' } }));
  }

  stop(): void {
    this.stopGps();
    this.store.update((s) => ({ ...s, sharing: { mode: 'off' } }));
  }

  async loadFences(roomId: string): Promise<void> {
    const { geofences } = await apiFetch<{ geofences: Geofence[] }>(
      this.connection.session,
      `/api/geofences?roomId=${encodeURIComponent(roomId)}`,
    );
    this.store.update((s) => ({ ...s, fences: { ...s.fences, [roomId]: geofences } }));
  }

  async createFence(roomId: string, fence: Pick<GeofenceCreatePayload, 'name' | 'kind' | 'shape'>): Promise<void> {
    await apiFetch(this.connection.session, '/api/geofences', {
      method: 'POST',
      body: JSON.stringify({ ...fence, roomId }),
    });
    await this.loadFences(roomId);
  }

  async deleteFence(roomId: string, id: string): Promise<void> {
    await apiFetch(this.connection.session, `/api/geofences/${encodeURIComponent(id)}`, { method: 'DELETE' });
    await this.loadFences(roomId);
  }

  /** Last known positions of members not seen live yet (once each per page). */
  async loadLastKnown(members: { userId: string; name: string }[]): Promise<void> {
    const missing = members.filter((m) => !this.store.get().positions[m.userId] && !this.historyAsked.has(m.userId));
    await Promise.all(
      missing.map(async ({ userId, name }) => {
        this.historyAsked.add(userId);
        try {
          const { locations } = await apiFetch<{ locations: Array<Omit<LocationEvent, 'userId' | 'name'>> }>(
            this.connection.session,
            `/api/location/history?userId=${encodeURIComponent(userId)}&limit=1`,
          );
          const last = locations.at(-1);
          if (!last) return;
          this.store.update((s) =>
            s.positions[userId]
              ? s
              : {
                  ...s,
                  positions: { ...s.positions, [userId]: { ...last, accuracy: last.accuracy ?? null, userId, name } },
                },
          );
        } catch {
          // Not visible to this user, or presence restarting: the member appears with their next live fix.
        }
      }),
    );
  }

  close(): void {
    this.stopGps();
    for (const off of this.offs) off();
  }
}
