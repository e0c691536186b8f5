import type { BrowserContext, Page } from 'playwright-core';

/** Before the app loads: keep every RTCPeerConnection a page of `context` makes, to read its configuration. */
export async function recordPeerConnections(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const made: RTCPeerConnection[] = [];
    (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections = made;
    window.RTCPeerConnection = class extends Native {
      constructor(configuration?: RTCConfiguration) {
        super(configuration);
        made.push(this);
      }
    };
  });
}

export interface SeenIceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** The ICE servers of the page's latest RTCPeerConnection as the browser holds them (urls as a list). */
export function latestIceServers(page: Page): Promise<SeenIceServer[]> {
  return page.evaluate(() => {
    const made = (window as unknown as { peerConnections?: RTCPeerConnection[] }).peerConnections ?? [];
    // Chromium reports an absent username or credential as ''.
    return (made.at(-1)?.getConfiguration().iceServers ?? []).map((s) => ({
      urls: [s.urls].flat(),
      ...(s.username ? { username: s.username } : {}),
      ...(s.credential ? { credential: s.credential } : {}),
    }));
  });
}

/** An RTCIceServer list in the shape `latestIceServers` reports. */
export function asSeen(
  servers: Array<{ urls: string | string[]; username?: string; credential?: string }>,
): SeenIceServer[] {
  return servers.map(({ urls, ...credentials }) => ({ urls: [urls].flat(), ...credentials }));
}
