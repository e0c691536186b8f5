export * from './cluster-harness.ts';
export * from './client.ts';
