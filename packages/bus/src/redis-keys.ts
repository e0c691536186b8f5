/**
 * Every Redis name the bus uses, under the deployment's REDIS_PREFIX so two clusters (or two test
 * files) sharing one Redis never hear each other.
 */
export interface BusKeys {
  /** The command stream of one service; its consumer group is named after the service. */
  stream(service: string): string;
  /** The pub/sub channel a requesting process hears its replies on. */
  replyChannel(consumer: string): string;
  /** Marker (holding the reply) of a command already processed, for redeliveries. */
  done(service: string, commandId: string): string;
}

export function busKeys(prefix: string): BusKeys {
  return {
    stream: (service) => `${prefix}bus:cmd:${service}`,
    replyChannel: (consumer) => `${prefix}bus:reply:${consumer}`,
    done: (service, commandId) => `${prefix}bus:done:${service}:${commandId}`,
  };
}
