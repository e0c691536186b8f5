import { type FormEvent, useId, useState } from 'react';
import { useServices } from '../shell/services.tsx';
import type { Point } from './geometry.ts';

/** A circular geofence on the room, centred on the picked point (or typed coordinates). */
export function FenceForm({ roomId, pick }: { roomId: string; pick?: Point }) {
  const { location } = useServices();
  const id = useId();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'safe' | 'danger'>('danger');
  const [lat, setLat] = useState('');
  const [lng, setLng] = useState('');
  const [radius, setRadius] = useState('100');
  const [error, setError] = useState<string | undefined>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    const latitude = Number(lat || pick?.latitude);
    const longitude = Number(lng || pick?.longitude);
    const radiusMeters = Number(radius);
    if (!Number.isFinite(latitude) || !Number.isFinite(longitude))
      return setError('Give the centre as latitude and longitude (or pick a point on the map).');
    if (!(radiusMeters > 0)) return setError('The radius must be a positive number of metres.');
    try {
      await location.createFence(roomId, {
        name: name.trim(),
        kind,
        shape: { type: 'circle', center: { latitude, longitude }, radiusMeters },
      });
      setName('');
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <details className="fence-form">
      <summary>Add a geofence</summary>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        <label htmlFor={`${id}-kind`}>Kind</label>
        <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as 'safe' | 'danger')}>
          <option value="danger">danger zone (alert on entering)</option>
          <option value="safe">safe zone (alert on leaving)</option>
        </select>
        <label htmlFor={`${id}-lat`}>Centre latitude</label>
        <input
          id={`${id}-lat`}
          value={lat}
          onChange={(e) => setLat(e.target.value)}
          placeholder={pick?.latitude.toFixed(6) ?? ''}
          inputMode="decimal"
        />
        <label htmlFor={`${id}-lng`}>Centre longitude</label>
        <input
          id={`${id}-lng`}
          value={lng}
          onChange={(e) => setLng(e.target.value)}
          placeholder={pick?.longitude.toFixed(6) ?? ''}
          inputMode="decimal"
        />
        <label htmlFor={`${id}-radius`}>Radius (metres)</label>
        <input
          id={`${id}-radius`}
          value={radius}
          onChange={(e) => setRadius(e.target.value)}
          inputMode="numeric"
          required
        />
        {error && (
          <p className="alert error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary">
          Add geofence
        </button>
      </form>
    </details>
  );
}
