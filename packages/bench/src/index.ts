// The load generator's building blocks, for other harnesses (e.g. an end-to-end smoke test).
export { closeAll, localAddressFor, openSocket, pooled } from './load/clients.ts';
export { type ConnectOptions, runConnect } from './load/connect-scenario.ts';
export { pidsByName } from './load/cpu.ts';
export type { BenchClient, Delivered, Driver } from './load/driver.ts';
export { type FanoutOptions, runFanout } from './load/fanout-scenario.ts';
export { percentile, round } from './load/latency.ts';
export { createRelayDriver } from './load/relay-driver.ts';
export { createSwitchboardDriver } from './load/switchboard-driver.ts';
export { type RunningSystem, SYSTEM_NAMES, type SystemName } from './load/system.ts';
export type { BenchResults, ScenarioResult } from './report/results.ts';
