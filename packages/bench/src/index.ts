// The load generator's building blocks, for other harnesses (e.g. an end-to-end smoke test).
export { openSocket, localAddressFor, pooled, closeAll } from './load/clients.ts';
export { runConnect, type ConnectOptions } from './load/connect-scenario.ts';
export { runFanout, type FanoutOptions } from './load/fanout-scenario.ts';
export { createSwitchboardDriver } from './load/switchboard-driver.ts';
export { createRelayDriver } from './load/relay-driver.ts';
export type { Driver, Delivered } from './load/driver.ts';
export { SYSTEM_NAMES, type RunningSystem, type SystemName } from './load/system.ts';
export type { BenchResults, ScenarioResult } from './report/results.ts';
