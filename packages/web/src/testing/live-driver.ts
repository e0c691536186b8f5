import type { Locator, Page } from 'playwright-core';
import type { AppDriver } from './app-driver.ts';

/** Calls, the bell and emergencies, in the words of the app's labels. */
export class LiveDriver {
  readonly page: Page;

  constructor(readonly app: AppDriver) {
    this.page = app.page;
  }

  /** The unread count the bell shows (its data attribute, which the badge renders). */
  async waitUnread(count: number): Promise<void> {
    await this.page.locator(`[data-testid="bell"][data-unread="${count}"]`).waitFor();
  }

  async openBell(): Promise<Locator> {
    const bell = this.page.getByTestId('bell');
    if ((await bell.getAttribute('aria-expanded')) !== 'true') await bell.click();
    return this.page.getByTestId('notifications');
  }

  async call(name: string, kind: 'Audio' | 'Video'): Promise<void> {
    await this.page.getByRole('button', { name: `${kind} call ${name}` }).click();
    await this.page.getByTestId('call').waitFor();
  }

  ringing(from: string): Locator {
    return this.page.getByTestId('ringing').filter({ hasText: `from ${from}` });
  }

  callView(): Locator {
    return this.page.getByTestId('call');
  }

  /** The RTCPeerConnection of this page's call reached `connected`. */
  async waitConnected(): Promise<void> {
    await this.page.locator('[data-testid="call"][data-peer-state="connected"]').waitFor({ timeout: 60_000 });
  }

  /** The remote <video> is playing: it has a size and its decoded frame count keeps rising. */
  async waitRemoteFrames(): Promise<number> {
    const frames = () =>
      this.page
        .getByTestId('remote-video')
        .evaluate((v: HTMLVideoElement) =>
          v.videoWidth > 0 && !v.paused ? v.getVideoPlaybackQuality().totalVideoFrames : 0,
        );
    let first = 0;
    await this.page.waitForFunction(
      () => {
        const v = document.querySelector<HTMLVideoElement>('[data-testid="remote-video"]');
        return !!v && v.videoWidth > 0 && !v.paused && v.getVideoPlaybackQuality().totalVideoFrames > 0;
      },
      undefined,
      { timeout: 60_000 },
    );
    first = await frames();
    await this.page.waitForFunction(
      (before) => {
        const v = document.querySelector<HTMLVideoElement>('[data-testid="remote-video"]');
        return !!v && v.getVideoPlaybackQuality().totalVideoFrames > before + 10;
      },
      first,
      { timeout: 60_000 },
    );
    return frames();
  }

  alert(from: string): Locator {
    return this.page.getByTestId('alert').filter({ hasText: from });
  }
}
