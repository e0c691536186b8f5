// Which payload field orders a command on the bus. The bus splits each service's commands over
// BUS_PARTITIONS streams by this key (commands without one go by the sender's user id), and each
// stream is processed in order by one consumer at a time: commands with the same key are handled
// in the order they were sent, across replicas and failovers (packages/bus/README.md).
import type { BusCommands, CommandOf } from './commands.ts';
import type { ServiceName } from './events.ts';

export type PartitionKeys = { [S in ServiceName]?: { [C in CommandOf<BusCommands, S>]?: string } };

/** Per-room order for everything that names a room: sends, receipts, membership changes. */
export const PARTITION_KEYS = {
  messaging: {
    'room:join': 'roomId',
    'room:leave': 'roomId',
    'room:participants': 'roomId',
    'room:requestJoin': 'roomId',
    'room:approveJoin': 'roomId',
    'room:denyJoin': 'roomId',
    'message:send': 'roomId',
    'message:history': 'roomId',
    'message:delivered': 'roomId',
    'message:read': 'roomId',
    'sessions:open': 'gatewayId',
  },
  // A gateway's batches in the order it sent them: a socket's close after its open.
  presence: { 'sessions:open': 'gatewayId', 'sessions:close': 'gatewayId', 'presence:activities': 'gatewayId' },
  'call-signaling': { 'sessions:open': 'gatewayId', 'sessions:close': 'gatewayId' },
  notification: { 'sessions:open': 'gatewayId', 'sessions:close': 'gatewayId' },
} as const satisfies PartitionKeys;
