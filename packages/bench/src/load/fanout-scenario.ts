import { performance } from 'node:perf_hooks';
import { isSampled } from '@switchboard/runtime';
import { z } from 'zod';
import { type ClientTimes, hopTraceTable } from '../report/hop-trace.ts';
import { hopBreakdown } from '../report/hops.ts';
import type { ScenarioResult } from '../report/results.ts';
import { closeAll, pooled } from './clients.ts';
import { timedOpen } from './connect-scenario.ts';
import { startCpuMeter } from './cpu.ts';
import type { BenchClient } from './driver.ts';
import { percentile, round } from './latency.ts';
import type { RunningSystem } from './system.ts';

export interface FanoutOptions {
  rooms: number;
  roomSize: number;
  /** Messages per second over all rooms. */
  rate: number;
  durationSec: number;
  /** How long to wait for stragglers after the last send before counting the rest as lost. */
  drainMs: number;
  concurrency: number;
  /** `all`: every member sends in turn; `one`: member 0 of each room sends, the others receive. */
  senders: 'all' | 'one';
}

export type FanoutName = 'fanout' | 'fanout-burst' | 'fanout-500' | 'sweep';

/** What each message carries so the receiver can time it and count it once. */
const Probe = z.object({ id: z.string(), t: z.number(), room: z.number(), from: z.number() });

interface Member {
  socket: BenchClient;
  room: number;
  index: number;
}

/**
 * Chat fan-out: rooms of `roomSize` members, messages sent round-robin by every member (or by
 * one per room) at `rate` per second for `durationSec`. Each delivery to a member other than the sender is
 * timed from the send timestamp in the payload. lost = expected − unique deliveries, where every
 * attempted send (including ones whose ack failed) is expected at every other member.
 * Server CPU (every process of the system, from /proc) is read over the send phase and divided
 * by the deliveries that arrived in it.
 */
export async function runFanout(
  system: RunningSystem,
  options: FanoutOptions,
  nonce: string,
  name: FanoutName = 'fanout',
): Promise<ScenarioResult> {
  const { driver } = system;
  const total = options.rooms * options.roomSize;
  const userId = (room: number, index: number) => `bench-${name}-${nonce}-${room}-${index}`;
  const tokens = Array.from({ length: total }, (_, i) =>
    driver.token(userId(Math.floor(i / options.roomSize), i % options.roomSize)),
  );

  const opened = await pooled(total, options.concurrency, (i) => timedOpen(system, tokens[i]!, i));
  const failedConnects = opened.filter((o) => o instanceof Error);
  const sockets = opened.flatMap((o) => (o instanceof Error ? [] : [o.client]));
  if (failedConnects.length > 0) {
    closeAll(sockets);
    throw new Error(
      `fanout: ${failedConnects.length}/${total} clients could not connect: ${(failedConnects[0] as Error).message}`,
    );
  }
  const members: Member[] = sockets.map((socket, i) => ({
    socket,
    room: Math.floor(i / options.roomSize),
    index: i % options.roomSize,
  }));

  const latencies: number[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  let lastDeliveryAt = 0;
  let sendPhaseEnd = Number.POSITIVE_INFINITY;
  let deliveredInSendPhase = 0;
  // The messages the servers sample (HOP_TRACE_EVERY), keyed by clientMessageId: what the client saw of each.
  const traced = new Map<string, ClientTimes>();
  const wall = (perfNow: number) => performance.timeOrigin + perfNow;
  for (const member of members) {
    driver.onMessage(member.socket, (message) => {
      const parsed = Probe.safeParse(safeJson(message.content));
      if (!parsed.success || parsed.data.from === member.index || parsed.data.room !== member.room) return;
      const key = `${parsed.data.id}:${member.index}`;
      if (seen.has(key)) return void duplicates++;
      seen.add(key);
      const now = performance.now();
      latencies.push(now - parsed.data.t);
      lastDeliveryAt = now;
      if (now <= sendPhaseEnd) deliveredInSendPhase++;
      const times = traced.get(parsed.data.id);
      if (times) {
        times.firstDeliveryAt ??= wall(now);
        times.lastDeliveryAt = wall(now);
      }
    });
  }

  try {
    const roomIds = await setUpRooms(system, members, options, userId);
    // Let adapters propagate room membership before the clock starts.
    await new Promise((r) => setTimeout(r, 500));

    let attempted = 0;
    let sendFailures = 0;
    const sendErrors = new Map<string, number>();
    const inFlight = new Set<Promise<void>>();
    const acks: number[] = [];
    const scrapeBefore = await system.scrapeMetrics?.();
    const cpu = startCpuMeter(system.serverPids());
    const started = performance.now();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const elapsed = (performance.now() - started) / 1000;
        const due = Math.min(Math.floor(elapsed * options.rate), Math.floor(options.durationSec * options.rate));
        while (attempted < due) {
          const n = attempted++;
          const room = n % options.rooms;
          const from = options.senders === 'one' ? 0 : Math.floor(n / options.rooms) % options.roomSize;
          const sender = members[room * options.roomSize + from]!;
          const id = `${name}-${nonce}-${n}`;
          const sentAt = performance.now();
          const content = JSON.stringify({ id, t: sentAt, room, from });
          const times: ClientTimes | undefined =
            system.hopTrace && isSampled(id, system.hopTrace.every) ? { sentAt: wall(sentAt) } : undefined;
          if (times) traced.set(id, times);
          const task = driver
            .send(sender.socket, roomIds[room]!, content, id)
            .then(() => {
              const ackedAt = performance.now();
              acks.push(ackedAt - sentAt);
              if (times) times.ackAt = wall(ackedAt);
            })
            .catch((error: Error) => {
              sendFailures++;
              sendErrors.set(error.message, (sendErrors.get(error.message) ?? 0) + 1);
            })
            .finally(() => inFlight.delete(task));
          inFlight.add(task);
        }
        if (elapsed >= options.durationSec) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    const sendingEndedAt = performance.now();
    sendPhaseEnd = sendingEndedAt;
    const cpuInSendPhase = cpu();
    const expected = attempted * (options.roomSize - 1);
    const drainDeadline = Date.now() + options.drainMs;
    while (seen.size < expected && Date.now() < drainDeadline) await new Promise((r) => setTimeout(r, 50));
    await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, 1000))]);
    const scrapeAfter = scrapeBefore ? await system.scrapeMetrics?.() : undefined;
    const breakdown = scrapeBefore && scrapeAfter ? hopBreakdown(scrapeBefore, scrapeAfter) : undefined;
    const hopTrace = system.hopTrace
      ? hopTraceTable(system.hopTrace.every, traced, await system.hopTrace.scrape())
      : undefined;

    const delivered = seen.size;
    const windowSec = (Math.max(lastDeliveryAt, sendingEndedAt) - started) / 1000;
    return {
      name,
      system: system.name,
      connections: total,
      rate: options.rate,
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
      deliveredPerSec: round(delivered / windowSec),
      lost: expected - delivered,
      rssPerConnectionKb: null,
      cpuMsPer1kDeliveries:
        deliveredInSendPhase > 0 ? round((cpuInSendPhase.serverMs * 1000) / deliveredInSendPhase) : null,
      details: {
        rooms: options.rooms,
        senders: options.senders,
        upstreams: system.upstreams,
        serverCpuMs: round(cpuInSendPhase.serverMs),
        serverCpuMsByProcess: Object.fromEntries(
          Object.entries(cpuInSendPhase.serverMsByProcess).map(([label, ms]) => [label, round(ms)]),
        ),
        deliveredInSendPhase,
        // The machine's shared Redis and Postgres, over the same phase (other work on the machine counts too).
        redisCpuMs: round(cpuInSendPhase.redisMs),
        postgresCpuMs: round(cpuInSendPhase.postgresMs),
        roomSize: options.roomSize,
        durationSec: options.durationSec,
        sent: attempted,
        sendFailures,
        sendErrors: Object.fromEntries(sendErrors),
        expected,
        delivered,
        duplicates,
        maxMs: round(latencies.reduce((m, v) => Math.max(m, v), 0)),
        // The sender's view: send → ack (for Switchboard: persisted and acknowledged).
        ackP50Ms: round(percentile(acks, 50)),
        ackP99Ms: round(percentile(acks, 99)),
        ...(breakdown ? { breakdown } : {}),
        ...(hopTrace && hopTrace.traced > 0 ? { hopTrace } : {}),
        drainMs: round(Math.max(0, lastDeliveryAt - sendingEndedAt)),
      },
    };
  } finally {
    closeAll(sockets);
    await new Promise((r) => setTimeout(r, Math.min(5000, 500 + sockets.length)));
  }
}

async function setUpRooms(
  system: RunningSystem,
  members: Member[],
  options: FanoutOptions,
  userId: (room: number, index: number) => string,
): Promise<string[]> {
  const roomIds: string[] = [];
  for (let room = 0; room < options.rooms; room++) {
    const memberIds = Array.from({ length: options.roomSize }, (_, i) => userId(room, i));
    roomIds.push(await system.driver.createRoom(members[room * options.roomSize]!.socket, memberIds));
  }
  const joins = await pooled(members.length, options.concurrency, (i) =>
    system.driver.join(members[i]!.socket, roomIds[members[i]!.room]!),
  );
  const failed = joins.filter((j) => j instanceof Error);
  if (failed.length > 0) throw new Error(`fanout: ${failed.length} joins failed: ${(failed[0] as Error).message}`);
  return roomIds;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
