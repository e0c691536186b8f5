/** The sentences a request's caller reads when the bus, not a handler, answers it. */
export const BUS_CLOSED = 'Bus is closed';

export const serviceDidNotAnswer = (service: string): string => `The ${service} service did not answer in time`;

export const serviceUnreachable = (service: string): string => `The ${service} service could not be reached`;

/** A command its service has no handler for (e.g. a feature not built yet): honest, not faked. */
export const commandNotAvailable = (command: string): string => `${command} is not available on this server`;

/** A command whose every delivery ended with its process gone: set aside, not run again. */
export const commandAbandoned = (deliveries: number): string =>
  `The command was abandoned after ${deliveries} deliveries that did not finish`;
