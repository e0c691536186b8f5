// The bus registry: every command each service handles (the client requests it owns plus its
// internal commands), with schema and result type. `Bus.request`/`handle` are typed against it,
// so a misspelled command, a wrong payload or a missing handler does not compile.
import type { z } from 'zod';
import { REQUESTS, type RequestName, SERVICES, type ServiceName } from './events.ts';
import { type CommandSpec, INTERNAL_COMMANDS } from './internal-commands.ts';
import { PARTITION_KEYS, type PartitionKeys } from './partition-keys.ts';

/** The shape every registry has: service → command → spec. Tests build small ones of their own. */
export type CommandRegistry = Record<string, Record<string, CommandSpec>>;

type RequestsOf<S extends ServiceName> = {
  [E in RequestName as (typeof REQUESTS)[E]['service'] extends S ? E : never]: (typeof REQUESTS)[E];
};

export type BusCommands = { [S in ServiceName]: RequestsOf<S> & (typeof INTERNAL_COMMANDS)[S] };

function requestsOf<S extends ServiceName>(service: S): RequestsOf<S> {
  const owned = Object.entries(REQUESTS).filter(([, spec]) => spec.service === service);
  return Object.fromEntries(owned) as RequestsOf<S>;
}

/** The service's commands, each with the partition key PARTITION_KEYS declares for it. */
function withPartitionKeys(service: ServiceName, specs: Record<string, CommandSpec>): Record<string, CommandSpec> {
  const keys: Record<string, string | undefined> = (PARTITION_KEYS as PartitionKeys)[service] ?? {};
  return Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => {
      const partitionKey = keys[name];
      return [name, partitionKey === undefined ? spec : { ...spec, partitionKey }];
    }),
  );
}

function registry(): BusCommands {
  const entries = SERVICES.map((service) => [
    service,
    withPartitionKeys(service, { ...requestsOf(service), ...INTERNAL_COMMANDS[service] }),
  ]);
  return Object.fromEntries(entries) as BusCommands;
}

export const BUS_COMMANDS: BusCommands = registry();

export type ServiceOf<R extends CommandRegistry> = keyof R & string;
export type CommandOf<R extends CommandRegistry, S extends ServiceOf<R>> = keyof R[S] & string;
type SpecOf<R extends CommandRegistry, S extends ServiceOf<R>, C extends CommandOf<R, S>> = R[S][C];

/** What a sender passes (before defaults and transforms). */
export type CommandInput<R extends CommandRegistry, S extends ServiceOf<R>, C extends CommandOf<R, S>> = z.input<
  SpecOf<R, S, C>['schema']
>;
/** What a handler receives: the payload as the schema parsed it. */
export type CommandPayload<R extends CommandRegistry, S extends ServiceOf<R>, C extends CommandOf<R, S>> = z.output<
  SpecOf<R, S, C>['schema']
>;
export type CommandResult<R extends CommandRegistry, S extends ServiceOf<R>, C extends CommandOf<R, S>> = Exclude<
  SpecOf<R, S, C>['result'],
  undefined
>;
