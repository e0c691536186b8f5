// What other packages (tests, benchmarks) use of the command-line tools.
export { clusterPorts, findFreeClusterPort } from './cluster/ports.ts';
