import { runServiceProcess } from '@switchboard/host';
import { service } from './index.ts';

await runServiceProcess(service);
