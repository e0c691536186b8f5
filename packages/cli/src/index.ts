// What other packages (tests, benchmarks) use of the command-line tools.

export { childCommand, serviceEntry } from './cluster/child-command.ts';
export { clusterPorts, findFreeClusterPort } from './cluster/ports.ts';
