import fs from 'node:fs/promises';
import path from 'node:path';
import { WEB_APP_DIR } from '@switchboard/runtime';

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Switchboard</title>
<p>The Switchboard web app is not built. Run <code>npm run build -w @switchboard/web</code> and restart.</p></html>\n`;

/**
 * Copy the built web app to `target` (under nginx's prefix directory) for nginx's `root`. A copy,
 * not the repository path, because nginx's workers drop to an unprivileged user that may not
 * reach a checkout under a private home directory.
 */
export async function stageWebRoot(target: string, source = WEB_APP_DIR): Promise<void> {
  await fs.mkdir(target, { recursive: true, mode: 0o755 });
  const built = await fs.stat(path.join(source, 'index.html')).then(
    () => true,
    () => false,
  );
  if (built) await fs.cp(source, target, { recursive: true });
  else await fs.writeFile(path.join(target, 'index.html'), NOT_BUILT);
}
