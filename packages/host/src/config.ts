import { ConfigError, parseEnv } from '@switchboard/runtime';
import type { z } from 'zod';

/** Load config or print every problem at once and exit: the same for every process. */
export function loadConfigOrExit<S extends z.ZodType>(name: string, schema: S): z.infer<S> {
  try {
    return parseEnv(schema);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${name}: refusing to start.\n${error.message}\nSee docs/configuration.md.\n`);
      process.exit(1);
    }
    throw error;
  }
}
