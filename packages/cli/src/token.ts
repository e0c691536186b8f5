// `npm run token -- <userId> [--name N --role R --phone P --expires SECONDS]`: print a dev JWT
// signed with JWT_SECRET (or the dev default the embedded mode and the local cluster use).
import { parseArgs } from 'node:util';
import { DEV_JWT_SECRET, errorMessage, signToken } from '@switchboard/runtime';

const USAGE = 'usage: npm run token -- <userId> [--name N] [--role R] [--phone P] [--expires SECONDS]';

function parseTokenArgs() {
  return parseArgs({
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      role: { type: 'string' },
      phone: { type: 'string' },
      expires: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function main(): number {
  let parsed: ReturnType<typeof parseTokenArgs>;
  try {
    parsed = parseTokenArgs();
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const userId = positionals[0];
  if (values.help || !userId || positionals.length > 1) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const expiresInSeconds = values.expires === undefined ? undefined : Number(values.expires);
  if (expiresInSeconds !== undefined && !(Number.isInteger(expiresInSeconds) && expiresInSeconds > 0)) {
    process.stderr.write(`--expires must be a positive number of seconds\n${USAGE}\n`);
    return 2;
  }
  const secret = process.env.JWT_SECRET;
  if (!secret) process.stderr.write('warning: JWT_SECRET is not set; signing with the dev default secret\n');
  const token = signToken(secret || DEV_JWT_SECRET, userId, {
    name: values.name,
    role: values.role,
    phone: values.phone,
    expiresInSeconds,
  });
  process.stdout.write(`${token}\n`);
  return 0;
}

process.exitCode = main();
