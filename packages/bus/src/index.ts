export * from './bus.ts';
export * from './forward.ts';
export * from './memory-bus.ts';
export * from './partitions.ts';
export * from './redis-bus.ts';
export { type BusKeys, busKeys } from './redis-keys.ts';
export * from './refusals.ts';
export * from './replies.ts';
export * from './stand-ins.ts';
