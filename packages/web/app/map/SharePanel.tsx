import { type FormEvent, useEffect, useId, useState } from 'react';
import { useServices } from '../shell/services.tsx';
import { useStore } from '../ui/store.ts';
import type { Point } from './geometry.ts';

/** Share my location: the browser's geolocation, or a point typed in (or clicked on the map). */
export function SharePanel({ pick, onPick }: { pick?: Point; onPick: (p: Point) => void }) {
  const { location } = useServices();
  const id = useId();
  const state = useStore(location.store, (s) => s);
  const [lat, setLat] = useState('');
  const [lng, setLng] = useState('');
  const [error, setError] = useState<string | undefined>();
  // A click on the map fills the fields; typing in them moves the cross on the map.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new pick fills the fields; typing must not re-run it
  useEffect(() => {
    if (!pick) return;
    if (Number(lat) !== pick.latitude || lat === '') setLat(pick.latitude.toFixed(6));
    if (Number(lng) !== pick.longitude || lng === '') setLng(pick.longitude.toFixed(6));
  }, [pick]);
  const latValue = lat;
  const lngValue = lng;

  const share = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    const latitude = Number(latValue);
    const longitude = Number(lngValue);
    if (!Number.isFinite(latitude) || latitude < -90 || latitude > 90)
      return setError('Latitude must be a number from -90 to 90.');
    if (!Number.isFinite(longitude) || longitude < -180 || longitude > 180)
      return setError('Longitude must be a number from -180 to 180.');
    try {
      await location.share(latitude, longitude);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const edit = (which: 'lat' | 'lng', value: string) => {
    if (which === 'lat') setLat(value);
    else setLng(value);
    const latitude = Number(which === 'lat' ? value : latValue);
    const longitude = Number(which === 'lng' ? value : lngValue);
    if (value !== '' && Number.isFinite(latitude) && Number.isFinite(longitude)) onPick({ latitude, longitude });
  };

  return (
    <section className="share card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Share my location</h2>
      <fieldset className="row" aria-label="How to share">
        <button type="button" aria-pressed={state.sharing.mode === 'gps'} onClick={() => location.startGps()}>
          Use this device's location
        </button>
        <button type="button" aria-pressed={state.sharing.mode === 'manual'} onClick={() => location.setManual()}>
          Pick a point
        </button>
        {state.sharing.mode !== 'off' && (
          <button type="button" onClick={() => location.stop()}>
            Stop sharing
          </button>
        )}
      </fieldset>
      {state.sharing.mode === 'gps' && (
        <p className={state.sharing.error ? 'alert error' : 'hint'} role="status">
          {state.sharing.error ?? "Sharing this device's position while this page is open."}
        </p>
      )}
      {state.sharing.mode === 'manual' && (
        <form onSubmit={(e) => void share(e)} className="row">
          <label htmlFor={`${id}-lat`}>Latitude</label>
          <input
            id={`${id}-lat`}
            value={latValue}
            onChange={(e) => edit('lat', e.target.value)}
            inputMode="decimal"
            required
            size={11}
          />
          <label htmlFor={`${id}-lng`}>Longitude</label>
          <input
            id={`${id}-lng`}
            value={lngValue}
            onChange={(e) => edit('lng', e.target.value)}
            inputMode="decimal"
            required
            size={11}
          />
          <button type="submit" className="primary">
            Share this point
          </button>
          <span className="hint">or click the map</span>
        </form>
      )}
      {(error ?? state.error) && (
        <p className="alert error" role="alert">
          {error ?? state.error}
        </p>
      )}
      {state.lastSent && (
        <p className="hint" data-testid="last-sent">
          Last shared at {new Date(state.lastSent).toLocaleTimeString()}
        </p>
      )}
    </section>
  );
}
