import type { Page } from '@playwright/test';

declare global {
  interface Window {
    /** Every RTCPeerConnection the page opened (see `trackPeerConnections`). */
    ehopPeerConnections?: RTCPeerConnection[];
  }
}

/** One end of the ICE candidate pair a connection uses. */
export interface IceEnd {
  protocol: string;
  address: string;
  port: number;
  candidateType: string;
}

/** The path one of the page's peer connections (one mediasoup transport) carries media on. */
export interface IcePath {
  connectionState: RTCPeerConnectionState;
  local: IceEnd | null;
  remote: IceEnd | null;
  bytesSent: number;
  bytesReceived: number;
}

/**
 * Keeps a list of the page's RTCPeerConnections, so a test can read each one's selected candidate
 * pair: the client's own stats are per track. Reloads the page for the script to apply from the
 * start (the session cookie keeps the user signed in).
 */
export async function trackPeerConnections(page: Page): Promise<void> {
  await page.context().addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const opened: RTCPeerConnection[] = [];
    window.ehopPeerConnections = opened;
    window.RTCPeerConnection = class extends Native {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        opened.push(this);
      }
    };
  });
  await page.reload();
}

/** The selected candidate pair of every open peer connection of the page (getStats). */
export function icePaths(page: Page): Promise<IcePath[]> {
  return page.evaluate(async () => {
    const open = (window.ehopPeerConnections ?? []).filter((pc) => pc.connectionState !== 'closed');
    return Promise.all(
      open.map(async (pc) => {
        type Stat = Record<string, unknown> & { id: string; type: string };
        const stats = [...(await pc.getStats()).values()] as Stat[];
        const byId = new Map(stats.map((stat) => [stat.id, stat]));
        const transport = stats.find((stat) => stat.type === 'transport');
        const pair = byId.get(String(transport?.['selectedCandidatePairId']));
        const end = (id: unknown) => {
          const candidate = byId.get(String(id));
          if (!candidate) return null;
          return {
            protocol: String(candidate['protocol']),
            address: String(candidate['address']),
            port: Number(candidate['port']),
            candidateType: String(candidate['candidateType']),
          };
        };
        return {
          connectionState: pc.connectionState,
          local: end(pair?.['localCandidateId']),
          remote: end(pair?.['remoteCandidateId']),
          bytesSent: Number(pair?.['bytesSent'] ?? 0),
          bytesReceived: Number(pair?.['bytesReceived'] ?? 0),
        };
      }),
    );
  });
}
