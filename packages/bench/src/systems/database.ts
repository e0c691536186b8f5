// The benchmark's own template database name, set before testkit reads it, so preparing it
// never drops the template a concurrent `npm test` is cloning from.
process.env.TEST_TEMPLATE_DB ??= 'sb_bench_template';
const { createTestDatabase, prepareTemplateDatabase } = await import('@switchboard/testkit');

/** A fresh, migrated database for one benchmark run (dropped at the end). */
export async function freshBenchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  await prepareTemplateDatabase();
  const database = await createTestDatabase('bench');
  // The load generator does not query it; only the systems under test do.
  await database.db.$disconnect();
  return { url: database.url, drop: () => database.drop() };
}
