import { type CallQualityIssueEvent, QUALITY_METRICS, type QualityMetric, socketRooms } from '@switchboard/protocol';
import { AppError } from '@switchboard/runtime';
import type { CallDeps, CallHandlers } from '../handlers/deps.ts';
import { requireLive } from '../machine/transitions.ts';
import { CALL_NOT_FOUND } from '../refusals.ts';
import { lockCall, type Tx } from '../store/call-store.ts';
import { FRESH_MONITOR, observe } from './monitor.ts';
import { MAX_SAMPLES_PER_CALL } from './thresholds.ts';

/**
 * `call:quality`: store the sample (bounded per call) and run each reported metric through its
 * monitor. The call's row is locked for the transaction, so samples of one call are evaluated one
 * at a time whichever replica gets them; an issue raised is sent to both parties after commit.
 */
export function qualityHandlers(deps: CallDeps): Pick<CallHandlers, 'call:quality'> {
  const { limits, samples } = deps.quality;
  return {
    'call:quality': async (sample, ctx) => {
      const issues = await deps.db.$transaction(async (tx) => {
        const row = await lockCall(tx, sample.callId);
        if (!row) throw new AppError('NOT_FOUND', CALL_NOT_FOUND);
        requireLive(row, 'quality', ctx.userId);
        if (row.qualitySamples < MAX_SAMPLES_PER_CALL) await storeSample(tx, sample, ctx.userId);
        const raised: CallQualityIssueEvent[] = [];
        for (const metric of QUALITY_METRICS) {
          const value = sample[metric];
          if (value === undefined) continue;
          if (
            await monitorMetric(tx, {
              callId: row.id,
              userId: ctx.userId,
              metric,
              value,
              threshold: limits[metric],
              samples,
            })
          )
            raised.push({ callId: row.id, userId: ctx.userId, metric, value, threshold: limits[metric] });
        }
        return { raised, parties: [socketRooms.user(row.callerId), socketRooms.user(row.calleeId)] };
      });
      for (const issue of issues.raised) {
        deps.broadcaster.to(issues.parties).emit('call:qualityIssue', issue);
        deps.log.info(
          { callId: issue.callId, userId: issue.userId, metric: issue.metric, value: issue.value },
          'call quality issue',
        );
      }
      return {};
    },
  };
}

interface Sample {
  callId: string;
  rtt?: number | undefined;
  jitter?: number | undefined;
  packetLoss?: number | undefined;
  bitrate?: number | undefined;
}

async function storeSample(tx: Tx, s: Sample, userId: string): Promise<void> {
  await tx.callQualitySample.create({
    data: {
      callId: s.callId,
      userId,
      rtt: s.rtt ?? null,
      jitter: s.jitter ?? null,
      packetLoss: s.packetLoss ?? null,
      bitrate: s.bitrate ?? null,
    },
  });
  await tx.call.update({ where: { id: s.callId }, data: { qualitySamples: { increment: 1 } } });
}

/** True when this sample raises the metric's issue. */
async function monitorMetric(
  tx: Tx,
  m: { callId: string; userId: string; metric: QualityMetric; value: number; threshold: number; samples: number },
): Promise<boolean> {
  const id = { callId: m.callId, userId: m.userId, metric: m.metric };
  const current = await tx.callQualityMonitor.findUnique({ where: { callId_userId_metric: id } });
  const { state, raise } = observe(current ?? FRESH_MONITOR, m.value, m.threshold, m.samples);
  await tx.callQualityMonitor.upsert({
    where: { callId_userId_metric: id },
    create: { ...id, ...state },
    update: state,
  });
  return raise;
}
