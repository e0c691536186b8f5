import type { RoomType } from '@switchboard/protocol';
import { type FormEvent, useId, useState } from 'react';
import { ROOM_TYPES } from '../api/protocol-values.ts';
import { useServices } from '../shell/services.tsx';

/** User ids: separated by commas or spaces. Phone numbers contain spaces: commas or new lines only. */
const ids = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
const phones = (text: string) =>
  text
    .split(/[,;\n]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** room:create with its options: type, members (user ids), emergency contacts (phones), approval. */
export function CreateRoomForm({ onCreated }: { onCreated: (roomId: string) => void }) {
  const { chat } = useServices();
  const id = useId();
  const [type, setType] = useState<RoomType>('group');
  const [name, setName] = useState('');
  const [members, setMembers] = useState('');
  const [contacts, setContacts] = useState('');
  const [approval, setApproval] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const room = await chat.createRoom({
        type,
        ...(name.trim() ? { name: name.trim() } : {}),
        memberIds: ids(members),
        emergencyContacts: phones(contacts),
        approvalRequired: approval,
      });
      onCreated(room.id);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form id="create-room" className="create-room card" onSubmit={(e) => void submit(e)} aria-label="New room">
      <label htmlFor={`${id}-type`}>Type</label>
      <select id={`${id}-type`} value={type} onChange={(e) => setType(e.target.value as RoomType)}>
        {ROOM_TYPES.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-name`}>Name</label>
      <input
        id={`${id}-name`}
        value={name}
        onChange={(e) => setName(e.target.value)}
        maxLength={200}
        autoComplete="off"
      />
      <label htmlFor={`${id}-members`}>Members (user ids, comma separated)</label>
      <input
        id={`${id}-members`}
        value={members}
        onChange={(e) => setMembers(e.target.value)}
        autoComplete="off"
        placeholder="bob, carol"
      />
      <label htmlFor={`${id}-contacts`}>Emergency contacts (phone numbers, comma separated)</label>
      <input
        id={`${id}-contacts`}
        value={contacts}
        onChange={(e) => setContacts(e.target.value)}
        inputMode="tel"
        autoComplete="off"
        placeholder="+15550102030"
      />
      <label className="check">
        <input type="checkbox" checked={approval} onChange={(e) => setApproval(e.target.checked)} /> Others must ask to
        join (approval)
      </label>
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        Create room
      </button>
    </form>
  );
}
