import type { Db } from '@switchboard/db';

/** Every topic the user is subscribed to, alphabetically. */
export async function topicsOf(db: Db, userId: string): Promise<string[]> {
  const rows = await db.topicSubscription.findMany({ where: { userId }, orderBy: { topic: 'asc' } });
  return rows.map((r) => r.topic);
}

export async function subscribe(db: Db, userId: string, topics: string[]): Promise<void> {
  await db.topicSubscription.createMany({ data: topics.map((topic) => ({ userId, topic })), skipDuplicates: true });
}

export async function unsubscribe(db: Db, userId: string, topics: string[]): Promise<void> {
  await db.topicSubscription.deleteMany({ where: { userId, topic: { in: topics } } });
}
