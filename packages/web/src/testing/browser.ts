import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type ConsoleMessage,
  chromium,
  type Page,
  type Response,
} from 'playwright-core';
import { WEB_ROOT } from '../build-inputs.ts';

/** Debian's Chromium (apt-get install chromium); playwright-core downloads no browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags from the design's ENVIRONMENT.md: without the networking ones Chromium dials hosts this machine cannot reach. */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
];

export function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/**
 * Messages Chromium logs itself when a request fails on the network (refused, aborted, offline),
 * including a frame sent on a WebSocket the server is closing (a restart racing a send).
 */
const NETWORK_FAILURE =
  /Failed to load resource|net::ERR_|WebSocket connection to .* failed|WebSocket is closed before the connection is established|WebSocket is already in CLOSING or CLOSED state/;

/**
 * One person's browser: a context of its own (own storage, own cookies) and a page whose console
 * errors and uncaught exceptions fail the test. Only inside `expectOutage` are network failures
 * allowed, because the test itself cut the network or restarted the server.
 */
export class Party {
  readonly errors: string[] = [];
  /** Every answer of 400 or more, with its body, for the failure message of `assertNoConsoleErrors`. */
  private readonly refusals: string[] = [];
  private outage = 0;

  private constructor(
    readonly name: string,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('console', (message: ConsoleMessage) => this.onConsole(message));
    page.on('pageerror', (error) => this.errors.push(`${name}: uncaught ${error.name}: ${error.message}`));
    page.on('response', (response) => void this.onResponse(response));
  }

  /** `geolocation`: where the browser's location API says this person is (permission granted). */
  static async open(
    browser: Browser,
    name: string,
    baseURL: string,
    geolocation?: { latitude: number; longitude: number },
  ): Promise<Party> {
    const context = await browser.newContext({
      baseURL,
      viewport: { width: 1280, height: 800 },
      locale: 'en-GB',
      timezoneId: 'UTC',
      ...(geolocation ? { geolocation: { ...geolocation, accuracy: 12 }, permissions: ['geolocation'] } : {}),
    });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    return new Party(name, context, page);
  }

  /** Another tab of this person's browser (same context and storage origin, a session of its own). */
  async newTab(name: string): Promise<Party> {
    const page = await this.context.newPage();
    page.setDefaultTimeout(30_000);
    return new Party(name, this.context, page);
  }

  async expectOutage<T>(during: () => Promise<T>): Promise<T> {
    this.outage++;
    try {
      return await during();
    } finally {
      this.outage--;
    }
  }

  assertNoConsoleErrors(): void {
    if (this.errors.length === 0) return;
    // Chromium's console line says only "status of 400": the answers say who refused what.
    const answers = this.refusals.length > 0 ? `\nrefused requests:\n${this.refusals.join('\n')}` : '';
    throw new Error(`console errors in ${this.name}'s page:\n${this.errors.join('\n')}${answers}`);
  }

  async close(): Promise<void> {
    await this.context.close();
  }

  private async onResponse(response: Response): Promise<void> {
    if (response.status() < 400) return;
    const request = response.request();
    const body = await response.text().catch(() => '(body unavailable)');
    const when = new Date().toISOString();
    this.refusals.push(`${when} ${response.status()} ${request.method()} ${response.url()}: ${body.slice(0, 300)}`);
  }

  private onConsole(message: ConsoleMessage): void {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (this.outage > 0 && NETWORK_FAILURE.test(text)) return;
    // "Failed to load resource" names no URL in its text; the message's location does.
    const { url } = message.location();
    this.errors.push(`${this.name}: console.error: ${text}${url ? ` (${url})` : ''}`);
  }
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core on the page as it is now; violations of serious or critical impact fail. */
export async function assertAccessible(page: Page, view: string): Promise<void> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
            opts: object,
          ): Promise<{
            violations: Array<{ id: string; impact?: string; help: string; nodes: Array<{ target: unknown[] }> }>;
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)),
    }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (serious.length > 0) {
    throw new Error(
      `axe: ${serious.length} serious/critical violation(s) on the ${view} view:\n${serious.map((v) => `  ${v.impact} ${v.id}: ${v.help} at ${v.targets.join(', ')}`).join('\n')}`,
    );
  }
}

export const SCREENSHOT_DIR = path.resolve(WEB_ROOT, '..', '..', 'docs', 'screenshots');

/**
 * The README's pictures. Always taken; written to docs/screenshots/ when the run asks for it
 * (WEB_SCREENSHOTS=1), else to a temporary folder, so a CI run leaves the working tree clean.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = process.env.WEB_SCREENSHOTS ? SCREENSHOT_DIR : path.join(os.tmpdir(), 'switchboard-web-screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Run a test body; if it fails, each open page is photographed and the error names the files. */
export async function photographFailures(
  parties: () => Party[],
  name: string,
  body: () => Promise<void>,
): Promise<void> {
  try {
    await body();
  } catch (error) {
    const files: string[] = [];
    const dir = path.join(os.tmpdir(), 'switchboard-web-failures');
    fs.mkdirSync(dir, { recursive: true });
    for (const party of parties()) {
      if (party.page.isClosed()) continue;
      const file = path.join(dir, `${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}-${party.name}.png`);
      await party.page.screenshot({ path: file }).then(
        () => files.push(file),
        () => undefined,
      );
    }
    if (error instanceof Error) error.message += `\n  page screenshots: ${files.join(', ') || 'none'}`;
    throw error;
  }
}
