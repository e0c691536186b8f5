import fs from 'node:fs/promises';
import path from 'node:path';
import type { ProcessPlan } from './config.ts';
import type { SupervisedChild } from './supervisor.ts';

let tempCounter = 0;

/** Write JSON so a reader sees the old file or the new one, never half of one: temp file, then rename. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${++tempCounter}.tmp`;
  try {
    await fs.writeFile(temp, `${JSON.stringify(value, null, 2)}\n`);
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

/**
 * A file that always holds the latest `snapshot()`: `update()` queues a write (one at a time, so
 * an older snapshot never lands after a newer one); the snapshot is taken when the write runs.
 */
export function createStateFile(file: string, snapshot: () => unknown, onError: (error: unknown) => void) {
  let queue: Promise<void> = Promise.resolve();
  return {
    file,
    update(): Promise<void> {
      queue = queue.then(() => writeJsonAtomic(file, snapshot())).catch(onError);
      return queue;
    },
  };
}

/**
 * What pids.json holds: the supervisor's pid, nginx, and every planned process with its current
 * pid (the last one while it is restarting or failed), port, status and restart count.
 */
export function clusterState(port: number, plans: ProcessPlan[], children: SupervisedChild[]) {
  const byName = new Map(children.map((c) => [c.name, c]));
  const entry = (name: string) => {
    const c = byName.get(name);
    return { pid: c?.pid ?? null, status: c?.status ?? 'stopped', restarts: c?.restarts ?? 0 };
  };
  return {
    supervisor: process.pid,
    port,
    updatedAt: new Date().toISOString(),
    nginx: { port, ...entry('nginx') },
    processes: plans.map((plan) => ({
      name: plan.name,
      kind: plan.kind,
      service: plan.service,
      port: plan.port,
      ...entry(plan.name),
    })),
  };
}
