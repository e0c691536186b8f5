/**
 * Every Redis name the bus uses, under the deployment's REDIS_PREFIX so two clusters (or two test
 * files) sharing one Redis never hear each other.
 */
export interface BusKeys {
  /** One partition of a service's commands; its consumer group is named after the service. */
  stream(service: string, partition: number): string;
  /** The pub/sub channel a requesting process hears its replies on. */
  replyChannel(consumer: string): string;
  /** Marker (holding the reply) of a command already processed, for redeliveries. */
  done(service: string, commandId: string): string;
  /** Which consumer owns a partition (a string with an expiry the owner renews). */
  lease(service: string, partition: number): string;
  /** Consumers of a service alive recently (sorted set scored by last heartbeat): sizes each one's share. */
  members(service: string): string;
  /** Commands given up on after `maxDeliveries` (a stream an operator reads, replays or trims). */
  deadLetters(service: string): string;
}

export function busKeys(prefix: string): BusKeys {
  return {
    stream: (service, partition) => `${prefix}bus:cmd:${service}:${partition}`,
    replyChannel: (consumer) => `${prefix}bus:reply:${consumer}`,
    done: (service, commandId) => `${prefix}bus:done:${service}:${commandId}`,
    lease: (service, partition) => `${prefix}bus:lease:${service}:${partition}`,
    members: (service) => `${prefix}bus:members:${service}`,
    deadLetters: (service) => `${prefix}bus:dead:${service}`,
  };
}
