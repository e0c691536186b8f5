// `npm run docs:config`: regenerate docs/configuration.md and the README's configuration table
// from ENV_DOCS, so adding a variable to the schema is one edit plus this command.
import fs from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '@switchboard/db';
import { renderConfigurationDoc, updateReadmeTable } from './config-docs.ts';

const configurationPath = path.join(REPO_ROOT, 'docs', 'configuration.md');
const readmePath = path.join(REPO_ROOT, 'README.md');

await fs.mkdir(path.dirname(configurationPath), { recursive: true });
await fs.writeFile(configurationPath, renderConfigurationDoc());
await fs.writeFile(readmePath, updateReadmeTable(await fs.readFile(readmePath, 'utf8')));
process.stdout.write('wrote docs/configuration.md and the README configuration table\n');
