import { busKeys, partitionOf } from '@switchboard/bus';
import type { ClusterServiceName } from '@switchboard/cli';
import { type testRedis, waitFor } from '@switchboard/testkit';

type Redis = ReturnType<typeof testRedis>;

/** BUS_PARTITIONS' default, which the test clusters run with. */
export const PARTITIONS = 8;

/**
 * The pid of the process of `service` that owns the bus partition of `key` (a room id) right
 * now, read from the partition's lease in Redis (its value is the consumer name,
 * `<service>-<hostname>-<pid>`): the process that does that room's work, so the one to kill.
 */
export async function partitionOwnerPid(
  redis: Redis,
  redisPrefix: string,
  service: ClusterServiceName,
  key: string,
): Promise<number> {
  const lease = busKeys(redisPrefix).lease(service, partitionOf(key, PARTITIONS));
  const owner = await waitFor(() => redis.get(lease), { what: `an owner of ${lease}` });
  const pid = Number(/-(\d+)$/.exec(owner)?.[1]);
  if (!Number.isInteger(pid)) throw new Error(`lease ${lease} holds ${owner}, not a consumer name`);
  return pid;
}
