import type { CommandRegistry, RequestContext, ServiceName, SessionPayload } from '@switchboard/protocol';
import { createLogger } from '@switchboard/runtime';
import type { Bus, ServiceHandlers } from './bus.ts';
import { answerEachSession, eachSession } from './session-batches.ts';

/** Stand-ins for some commands of some services; the rest are answered "not available". */
export type StandIns = { [S in ServiceName]?: Partial<ServiceHandlers<S>> };

/**
 * For tests of one service that needs a few commands of another: register partial handler
 * maps. Partial on purpose, which is why this bypasses `handle`'s completeness check.
 */
export async function handleStandIns(bus: Bus, standIns: StandIns): Promise<void> {
  for (const [service, handlers] of Object.entries(standIns) as [ServiceName, Record<string, unknown>][]) {
    await bus.handle(service, withSessionBatches(service, handlers) as ServiceHandlers<typeof service>);
  }
}

type SingleSession = (payload: SessionPayload, ctx: RequestContext) => Promise<never>;
const quiet = createLogger({ service: 'stand-ins', level: 'silent' });

/**
 * Gateways send sessions in batches: a stand-in that answers `session:open`/`session:close` also
 * answers `sessions:open`/`sessions:close` through it, as the services do, unless it has its own.
 */
function withSessionBatches(service: ServiceName, handlers: Record<string, unknown>): Record<string, unknown> {
  const derived: Record<string, unknown> = {};
  const open = handlers['session:open'] as SingleSession | undefined;
  const close = handlers['session:close'] as SingleSession | undefined;
  if (open) derived['sessions:open'] = service === 'messaging' ? answerEachSession(open) : eachSession(open, quiet);
  if (close) derived['sessions:close'] = eachSession(close, quiet);
  return { ...derived, ...handlers };
}

/**
 * For tests that send what the types forbid (hostile payloads, made-up commands, loosely typed
 * helpers): the same bus, seen through an untyped registry. The handling side still validates.
 */
export function untypedBus(bus: Bus): Bus<CommandRegistry> {
  return bus as unknown as Bus<CommandRegistry>;
}
