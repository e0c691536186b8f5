export * from './client.ts';
export * from './cluster-harness.ts';
export { mapAddressesToGateways, record } from './presence-helpers.ts';
export { withTemplateDatabase } from './template-db.ts';
