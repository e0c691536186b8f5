import type { QualitySample } from './call-state.ts';

interface Totals {
  at: number;
  bytes: number;
  received: number;
  lost: number;
}

/**
 * Turns successive getStats() reports into `call:quality` samples: round-trip time of the
 * active candidate pair, jitter of what is received, and packet loss and bitrate over the
 * interval since the previous report (not since the call began, so a bad minute shows).
 */
export class QualityMeter {
  private previous: Totals | undefined;

  sample(report: RTCStatsReport, now: number): QualitySample | undefined {
    let rtt: number | undefined;
    let jitter: number | undefined;
    const totals: Totals = { at: now, bytes: 0, received: 0, lost: 0 };
    report.forEach((stat: RTCStats & Record<string, unknown>) => {
      if (stat.type === 'candidate-pair' && stat.state === 'succeeded' && stat.nominated) {
        if (typeof stat.currentRoundTripTime === 'number') rtt = stat.currentRoundTripTime * 1000;
      }
      if (stat.type === 'inbound-rtp') {
        totals.bytes += num(stat.bytesReceived);
        totals.received += num(stat.packetsReceived);
        totals.lost += Math.max(0, num(stat.packetsLost));
        if (typeof stat.jitter === 'number') jitter = Math.max(jitter ?? 0, stat.jitter * 1000);
      }
    });
    const before = this.previous;
    this.previous = totals;
    if (!before) return rtt === undefined && jitter === undefined ? undefined : clean({ rtt, jitter });
    const seconds = (totals.at - before.at) / 1000;
    const packets = totals.received - before.received + (totals.lost - before.lost);
    return clean({
      rtt,
      jitter,
      packetLoss: packets > 0 ? Math.min(100, ((totals.lost - before.lost) / packets) * 100) : undefined,
      bitrate: seconds > 0 ? Math.max(0, ((totals.bytes - before.bytes) * 8) / seconds) : undefined,
    });
  }
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** Only the metrics measured, rounded (the server wants plain non-negative numbers). */
function clean(sample: QualitySample): QualitySample {
  const out: QualitySample = {};
  for (const key of ['rtt', 'jitter', 'packetLoss', 'bitrate'] as const) {
    const v = sample[key];
    if (v !== undefined && Number.isFinite(v) && v >= 0) out[key] = Math.round(v * 100) / 100;
  }
  return out;
}
