// Cluster entry of one gateway replica: the host's process runner with the gateway module.
import { runServiceProcess } from '@switchboard/host';
import { gatewayModule } from './module.ts';

await runServiceProcess(gatewayModule);
