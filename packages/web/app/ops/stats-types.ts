/**
 * The body of `GET /api/stats` (docs/api.md; services/gateway/src/stats/router.ts). Repeated here
 * because the gateway's type lives in a Node-only package the browser bundle cannot import.
 */
export interface StatsBody {
  gateways: { gatewayId: string; connections: number; messagesPerSecond: number; updatedAt: string }[];
  connections: number;
  rooms?: number;
  activeRooms?: number;
  activeCalls: number;
  /** Calls ringing now (once call-signaling answers the gateway's stats request). */
  ringingCalls?: number;
  messagesPerSecond: number;
  notes: Record<string, string>;
}
