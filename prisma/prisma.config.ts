// Prisma runs offline here only on the WebAssembly schema engine with the pg driver adapter
// (see docs/architecture.md, "Database"). The connection comes from DATABASE_URL.
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

// The schema's datasource reads env("DATABASE_URL"); commands that never connect (generate,
// migrate diff) still need it defined.
process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/postgres';

/**
 * adapter-pg 7 runs a migration script by splitting it on every `;` and sending the pieces one by
 * one, which breaks any statement with a `;` inside: a function body (0002's group commit), a
 * string, a comment. Postgres runs a multi-statement script in one simple query (one implicit
 * transaction, as the native schema engine does), so the script goes whole.
 */
class WholeScriptPg extends PrismaPg {
  override async connect() {
    const adapter = await super.connect();
    // onError (protected) turns a pg error into the adapter error the schema engine reports.
    const { onError } = adapter as unknown as { onError(error: unknown): never };
    adapter.executeScript = async (script: string) => {
      try {
        await adapter.underlyingDriver().query(script);
      } catch (error) {
        onError.call(adapter, error);
      }
    };
    return adapter;
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(import.meta.dirname, 'schema.prisma'),
  migrations: { path: path.join(import.meta.dirname, 'migrations') },
  async adapter() {
    const connectionString = process.env.DATABASE_URL;
    // A short idle timeout lets the CLI exit as soon as it is done instead of holding the pool open.
    return new WholeScriptPg({ connectionString, idleTimeoutMillis: 50 });
  },
});
