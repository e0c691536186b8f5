import { BUS_COMMANDS, type BusCommands, type CommandRegistry } from '@switchboard/protocol';
import type { RawHandlers } from './bus.ts';
import type { HandlerTable } from './command-runner.ts';

/** The registry a bus validates against: Switchboard's own unless a test passes its own. */
export function registryOrDefault<R extends CommandRegistry>(commands: R | undefined): R {
  // The default is only taken when R is left at its default, BusCommands.
  return commands ?? (BUS_COMMANDS satisfies BusCommands as unknown as R);
}

/**
 * A service's typed handlers as the engines run them. The one place the registry's types are
 * dropped: safe because `runCommand` validates each payload against the same registry's schema
 * before it calls the handler.
 */
export function handlerTable<R extends CommandRegistry>(commands: R, service: string, handlers: object): HandlerTable {
  const specs = Object.hasOwn(commands, service) ? commands[service]! : {};
  return { handlers: handlers as RawHandlers, specs };
}
