// For the runners outside `npm test` (chaos, soak): databases are cloned from a migrated template,
// which run-tests.ts prepares for the test suites; a runner prepares one of its own and drops it.
import { dropTemplateDatabase, prepareTemplateDatabase } from '@switchboard/testkit';

export async function withTemplateDatabase<T>(label: string, work: () => Promise<T>): Promise<T> {
  process.env.TEST_TEMPLATE_DB ??= `sb_tpl_${label}_${process.pid}`;
  await prepareTemplateDatabase();
  try {
    return await work();
  } finally {
    await dropTemplateDatabase();
  }
}
