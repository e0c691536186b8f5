import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import type { Party } from './browser.ts';

/** What a person does in the web app, in the words of its labels (the same ones a screen reader reads). */
export class AppDriver {
  readonly page: Page;

  constructor(readonly party: Party) {
    this.page = party.page;
  }

  async signInAs(name: string, role = 'user', phone?: string): Promise<void> {
    await this.page.goto('/');
    const form = this.page.getByRole('region', { name: 'Sign in as…' });
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Role').selectOption(role);
    if (phone) await form.getByLabel(/Phone/).fill(phone);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await this.waitOnline();
  }

  async signInWithToken(token: string): Promise<void> {
    await this.page.goto('/');
    const form = this.page.getByRole('region', { name: 'Paste a token' });
    await form.getByLabel('JWT').fill(token);
    await form.getByRole('button', { name: 'Use this token' }).click();
    await this.waitOnline();
  }

  /** The banner says online and caught up (optionally after at least `reconnects` reconnects). */
  async waitOnline(reconnects = 0, timeout = 60_000): Promise<{ serverId: string }> {
    const banner = this.page.getByTestId('connection');
    await this.page.waitForFunction(
      (min) => {
        const el = document.querySelector('[data-testid="connection"]');
        return el?.getAttribute('data-state') === 'online' && Number(el.getAttribute('data-reconnects')) >= min;
      },
      reconnects,
      { timeout },
    );
    return { serverId: (await banner.getAttribute('data-server')) ?? '' };
  }

  async createRoom(options: {
    name: string;
    type?: string;
    members?: string[];
    contacts?: string[];
    approval?: boolean;
  }): Promise<string> {
    await this.page.getByRole('button', { name: 'New room' }).click();
    const form = this.page.getByRole('form', { name: 'New room' });
    if (options.type) await form.getByLabel('Type').selectOption(options.type);
    await form.getByLabel('Name').fill(options.name);
    if (options.members) await form.getByLabel(/Members/).fill(options.members.join(', '));
    if (options.contacts) await form.getByLabel(/Emergency contacts/).fill(options.contacts.join(', '));
    if (options.approval) await form.getByLabel(/approval/).check();
    await form.getByRole('button', { name: 'Create room' }).click();
    await this.page.getByRole('heading', { level: 1, name: options.name }).waitFor();
    const match = /\/rooms\/([^/]+)$/.exec(new URL(this.page.url()).pathname);
    assert.ok(match, `the page opened the new room (${this.page.url()})`);
    return decodeURIComponent(match[1]!);
  }

  roomLink(name: string): Locator {
    return this.page.getByTestId('room-list').getByRole('link', { name: new RegExp(`^${name}`) });
  }

  async openRoom(name: string): Promise<void> {
    await this.roomLink(name).click();
    await this.page.getByRole('heading', { level: 1, name }).waitFor();
  }

  async send(text: string, privateTo?: string): Promise<void> {
    if (privateTo) await this.page.getByTestId('send-to').selectOption({ label: `Only ${privateTo} (private)` });
    else await this.page.getByTestId('send-to').selectOption('');
    const composer = this.page.getByTestId('composer');
    await composer.fill(text);
    await composer.press('Enter');
    await this.message(text).waitFor();
  }

  message(text: string): Locator {
    return this.page
      .getByTestId('message-log')
      .getByTestId('message')
      .filter({ has: this.page.getByText(text, { exact: true }) });
  }

  /** Every message's content as on screen, in order; each must appear once. */
  async messageTexts(): Promise<string[]> {
    return this.page.getByTestId('message-log').locator('.content').allTextContents();
  }

  async seqs(): Promise<number[]> {
    return await this.page
      .getByTestId('message-log')
      .getByTestId('message')
      .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-seq'))));
  }

  async setStatus(status: string): Promise<void> {
    await this.page.getByTestId('my-status').selectOption(status);
  }

  person(userId: string): Locator {
    return this.page.getByTestId('people').locator(`li[data-user="${userId}"]`);
  }

  async openMap(): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Room views' }).getByRole('link', { name: 'Map' }).click();
    await this.page.getByTestId('map').waitFor();
  }

  async shareManualPoint(latitude: number, longitude: number): Promise<void> {
    await this.page.getByRole('button', { name: 'Pick a point' }).click();
    const share = this.page.getByRole('region', { name: 'Share my location' });
    await share.getByLabel('Latitude').fill(String(latitude));
    await share.getByLabel('Longitude').fill(String(longitude));
    await share.getByRole('button', { name: 'Share this point' }).click();
    await this.page.getByTestId('last-sent').waitFor();
  }
}
