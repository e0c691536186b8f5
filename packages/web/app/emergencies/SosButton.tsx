import { type FormEvent, useId, useState } from 'react';
import { EMERGENCY_TYPES } from '../api/protocol-values.ts';
import { useServices } from '../shell/services.tsx';
import { useStore } from '../ui/store.ts';
import { typeLabel } from './alert-state.ts';
import { currentPosition } from './current-position.ts';

type EmergencyType = (typeof EMERGENCY_TYPES)[number];

/**
 * The SOS button, for users who own a room (an SOS activates every room they own): type,
 * message and, if they agree, where they are.
 */
export function SosButton() {
  const { chat, emergencies, location, session } = useServices();
  const ownsRoom = useStore(chat.store, (s) =>
    Object.values(s.rooms).some(
      (r) =>
        r.meta?.ownerId === session.userId ||
        r.participants.some((p) => p.userId === session.userId && p.role === 'owner'),
    ),
  );
  const [open, setOpen] = useState(false);
  if (!ownsRoom) return null;
  return (
    <div className="sos">
      <button
        type="button"
        className="danger"
        aria-expanded={open}
        aria-controls="sos-form"
        onClick={() => setOpen((o) => !o)}
      >
        SOS
      </button>
      {open && (
        <SosForm
          onDone={() => setOpen(false)}
          send={(payload) => emergencies.sos(payload)}
          lastFix={() => location.store.get().positions[session.userId]}
        />
      )}
    </div>
  );
}

function SosForm({
  onDone,
  send,
  lastFix,
}: {
  onDone: () => void;
  send: (payload: {
    type: EmergencyType;
    message?: string;
    location?: { latitude: number; longitude: number; accuracy?: number };
  }) => Promise<unknown>;
  lastFix: () => { latitude: number; longitude: number; accuracy?: number | null } | undefined;
}) {
  const id = useId();
  const [type, setType] = useState<EmergencyType>('PANIC');
  const [message, setMessage] = useState('');
  const [withLocation, setWithLocation] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const where = withLocation ? await currentPosition(lastFix()) : undefined;
      await send({
        type,
        ...(message.trim() ? { message: message.trim() } : {}),
        ...(where ? { location: where } : {}),
      });
      onDone();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form id="sos-form" className="sos-form card" aria-labelledby={`${id}-title`} onSubmit={(e) => void submit(e)}>
      <h2 id={`${id}-title`}>Send an SOS</h2>
      <p className="small muted">Every room you own is alerted, and its emergency contacts with it.</p>
      <label htmlFor={`${id}-type`}>Type</label>
      <select id={`${id}-type`} value={type} onChange={(e) => setType(e.target.value as EmergencyType)}>
        {EMERGENCY_TYPES.map((t) => (
          <option key={t} value={t}>
            {typeLabel(t)}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-message`}>Message (optional)</label>
      <textarea id={`${id}-message`} value={message} maxLength={2000} onChange={(e) => setMessage(e.target.value)} />
      <label className="check">
        <input type="checkbox" checked={withLocation} onChange={(e) => setWithLocation(e.target.checked)} /> Include my
        location
      </label>
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" className="danger" disabled={busy}>
          {busy ? 'Sending…' : 'Send SOS'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
