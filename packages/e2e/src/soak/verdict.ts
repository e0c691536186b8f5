// Whether the second pass of the same work left more heap behind than the first: the soak's
// answer to "does memory grow". Each pass ends its phases with the same checkpoints, each taken
// after a full GC, so pass 2 minus pass 1 at a checkpoint is what the repeated work kept alive.
import type { MemorySample } from './memory.ts';

/**
 * Pass 2's post-GC heap may exceed pass 1's by this much and still count as noise. Between two
 * full GCs of an idle server the heap moves by well under 1 MiB (optimized code, inline caches
 * and bounded caches settling); the first pass fills every bounded cache, so growth the second
 * pass adds is either such settling or a leak. 4 MiB over pass 2's 25,000 cycles and 500,000
 * messages is a leak of about 170 bytes per connection (one small object and a closure) or about
 * 8 bytes per message: anything that leaks per operation shows far above it.
 */
export const DEFAULT_THRESHOLD_BYTES = 4 * 1024 * 1024;

export interface Pass {
  /** Checkpoint name (`connect/disconnect`, `messages`, `rest`) to the sample taken there. */
  checkpoints: Record<string, MemorySample>;
}

export interface CheckpointDelta {
  checkpoint: string;
  heapDeltaBytes: number;
  rssDeltaBytes: number;
  externalDeltaBytes: number;
  /** Live libuv handles and requests, all kinds together. */
  resourcesDelta: number;
}

export interface Verdict {
  noGrowth: boolean;
  thresholdBytes: number;
  deltas: CheckpointDelta[];
  reasons: string[];
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

export function judge(
  first: Pass,
  second: Pass,
  leakWarnings: number,
  thresholdBytes = DEFAULT_THRESHOLD_BYTES,
): Verdict {
  const deltas: CheckpointDelta[] = [];
  const reasons: string[] = [];
  for (const [checkpoint, before] of Object.entries(first.checkpoints)) {
    const after = second.checkpoints[checkpoint];
    if (!after) throw new Error(`soak: pass 2 has no checkpoint ${checkpoint}`);
    const delta = {
      checkpoint,
      heapDeltaBytes: after.heapUsedBytes - before.heapUsedBytes,
      rssDeltaBytes: after.rssBytes - before.rssBytes,
      externalDeltaBytes: after.externalBytes - before.externalBytes,
      resourcesDelta: total(after.resources) - total(before.resources),
    };
    deltas.push(delta);
    if (delta.heapDeltaBytes > thresholdBytes) {
      reasons.push(`post-GC heap after ${checkpoint} grew ${delta.heapDeltaBytes} bytes from pass 1 to pass 2`);
    }
    // Buffers and sockets' native halves live outside the V8 heap, so they are judged apart.
    if (delta.externalDeltaBytes > thresholdBytes) {
      reasons.push(`external memory after ${checkpoint} grew ${delta.externalDeltaBytes} bytes from pass 1 to pass 2`);
    }
  }
  if (leakWarnings > 0) reasons.push(`${leakWarnings} MaxListenersExceededWarning in the server's output`);
  return { noGrowth: reasons.length === 0, thresholdBytes, deltas, reasons };
}
