// What other packages (tests, benchmarks) use of the command-line tools.

export { childCommand, serviceEntry } from './cluster/child-command.ts';
export {
  CLUSTER_SERVICES,
  type ClusterServiceName,
  formatReplicas,
  type Replicas,
  ReplicasSchema,
  replicaName,
} from './cluster/config.ts';
export {
  childOpenFileLimit,
  currentOpenFileLimits,
  nginxOpenFileSettings,
  withOpenFileLimit,
} from './cluster/open-files.ts';
export { clusterPorts, findFreeClusterPort } from './cluster/ports.ts';
