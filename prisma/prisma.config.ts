// Prisma runs offline here only on the WebAssembly schema engine with the pg driver adapter
// (see docs/architecture.md, "Database"). The connection comes from DATABASE_URL.
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

// The schema's datasource reads env("DATABASE_URL"); commands that never connect (generate,
// migrate diff) still need it defined.
process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/postgres';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(import.meta.dirname, 'schema.prisma'),
  migrations: { path: path.join(import.meta.dirname, 'migrations') },
  async adapter() {
    const connectionString = process.env.DATABASE_URL;
    // A short idle timeout lets the CLI exit as soon as it is done instead of holding the pool open.
    return new PrismaPg({ connectionString, idleTimeoutMillis: 50 });
  },
});
