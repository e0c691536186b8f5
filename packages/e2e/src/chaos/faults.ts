// The chaos runner's faults, one at a time at random: SIGKILL of a random cluster process
// (gateway or service; the supervisor restarts it), every Postgres backend of the cluster's
// database terminated, or the private Redis SIGKILLed and started again empty.
import type { Db } from '@switchboard/db';
import type { PrivateRedis } from '@switchboard/testkit';
import type { RunningCluster } from '../cluster-harness.ts';

export interface FaultCounts {
  processKills: number;
  postgresTerminations: number;
  redisRestarts: number;
  log: string[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface FaultDeps {
  cluster: RunningCluster;
  redis: PrivateRedis;
  db: Db;
  random: () => number;
}

/** Inject one fault; waits until the cluster is whole again (every process running) first. */
export async function injectFault({ cluster, redis, db, random }: FaultDeps, counts: FaultCounts): Promise<void> {
  const processes = (await cluster.state()).processes;
  if (processes.some((p) => p.status !== 'running')) return; // a restart is still under way
  const roll = random();
  if (roll < 0.6) {
    const victim = processes[Math.floor(random() * processes.length)]!;
    cluster.kill(victim.pid);
    counts.processKills += 1;
    counts.log.push(`SIGKILL ${victim.name} (${victim.pid})`);
    await cluster.waitForRestart(victim.name, victim.pid, 60_000);
  } else if (roll < 0.85) {
    const rows = await db.$queryRaw<{ n: number }[]>`
      SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid()`;
    counts.postgresTerminations += 1;
    counts.log.push(`pg_terminate_backend × ${rows[0]?.n ?? 0}`);
  } else {
    await redis.kill();
    await sleep(500 + Math.floor(random() * 1500));
    await redis.start();
    counts.redisRestarts += 1;
    counts.log.push('redis restarted empty');
  }
}
