import type { Db } from '@switchboard/db';
import type { OwnedRoom } from '@switchboard/protocol';

/**
 * The rooms a user owns with their members and emergency contacts, contacts resolved to user ids
 * where a user with that (already normalised) phone is known: two queries whatever the count.
 */
export async function ownedRoomsWithContacts(db: Db, userId: string): Promise<OwnedRoom[]> {
  const rooms = await db.room.findMany({
    where: { ownerId: userId },
    select: { id: true, emergencyContacts: true, members: { select: { userId: true } } },
    orderBy: { createdAt: 'asc' },
  });
  const phones = [...new Set(rooms.flatMap((r) => r.emergencyContacts))];
  const users = phones.length
    ? await db.user.findMany({ where: { phone: { in: phones } }, select: { id: true, phone: true } })
    : [];
  const userOfPhone = new Map(users.map((u) => [u.phone, u.id]));
  return rooms.map((room) => ({
    roomId: room.id,
    memberIds: room.members.map((m) => m.userId),
    contacts: room.emergencyContacts.map((phone) => {
      const contactId = userOfPhone.get(phone);
      return contactId ? { phone, userId: contactId } : { phone };
    }),
  }));
}
