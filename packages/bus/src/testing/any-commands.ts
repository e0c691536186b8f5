// Test support for the bus's own suites: a registry that knows every service and command, each
// taking any object, so tests can make up services per test while the engines still run the
// real validation path (objects only, no NUL characters).

import type { CommandRegistry, CommandSpec } from '@switchboard/protocol';
import { z } from 'zod';

const anyObject: CommandSpec = { schema: z.looseObject({}) };

function everyKey<T>(value: () => T): Record<string, T> {
  const descriptor = () => ({ value: value(), writable: false, enumerable: true, configurable: true });
  return new Proxy({}, { get: () => value(), getOwnPropertyDescriptor: descriptor, has: () => true });
}

export type AnyCommands = CommandRegistry;
export const ANY_COMMANDS: AnyCommands = everyKey(() => everyKey(() => anyObject));
