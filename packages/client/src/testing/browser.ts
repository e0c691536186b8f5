// Test support for pack.test.ts: the installed SDK bundled for browsers (esbuild, platform
// browser, so any Node-only import fails the bundle) and run in a headless Chromium.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

/** What a browser app would write: connect with a token from the page URL, create a room, send, report. */
const BROWSER_APP = `
import { createClient } from '@switchboard/client';
const report = (body) => fetch('/sdk/result', { method: 'POST', body: JSON.stringify(body) });
const client = createClient({ url: location.origin, token: new URLSearchParams(location.search).get('token') });
client.socket.on('connect_error', (error) => report({ error: error.message }));
client.on('connected', async ({ serverId }) => {
  try {
    await client.synced();
    const room = await client.createRoom({ type: 'group', name: 'From a browser' });
    const message = await client.sendMessage({ roomId: room.id, content: 'hello from Chromium' });
    await report({ serverId, roomId: room.id, seq: message.seq, userAgent: navigator.userAgent });
  } catch (error) {
    await report({ error: String(error) });
  }
  client.close();
});
`;

export interface BrowserBundle {
  code: string;
  /** Every file esbuild put in the bundle, relative to the scratch directory. */
  inputs: string[];
}

/** Bundle BROWSER_APP against the SDK installed in `dir`, as a browser app's bundler would. */
export async function bundleForBrowser(dir: string): Promise<BrowserBundle> {
  const entry = path.join(dir, 'browser-app.mjs');
  fs.writeFileSync(entry, BROWSER_APP);
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: dir,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { code: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs) };
}

/** Chromium from Debian (`apt-get install -y chromium`), or CHROMIUM_PATH; undefined when neither exists. */
export function findChromium(): string | undefined {
  return [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string =>
    Boolean(p && fs.existsSync(p)),
  );
}

export interface Browser {
  output(): string;
  close(): Promise<void>;
}

/** Headless Chromium on `url`. Flags as ENVIRONMENT.md says: no sandbox (root), no calls to unreachable hosts. */
export function openInChromium(executable: string, url: string): Browser {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-chromium-'));
  const child: ChildProcess = spawn(
    executable,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      url,
      // Its own process group: Chromium's renderer and zygote processes go with it.
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    output: () => output,
    async close() {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
      await exited;
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
