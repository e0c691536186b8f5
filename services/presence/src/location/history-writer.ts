import type { Db } from '@switchboard/db';
import type { Logger } from '@switchboard/runtime';

export interface LocationSampleInput {
  userId: string;
  latitude: number;
  longitude: number;
  accuracy: number | null;
  battery: number | null;
  recordedAt: Date;
}

export interface HistoryWriter {
  add(sample: LocationSampleInput): void;
  /** Write everything buffered so far (before reading history, and on close). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Location history is written in batches: one `createMany` per `flushMs` or `maxBatch` samples
 * instead of a round trip per upload (docs/ENVIRONMENT: 5,000 rows in one createMany ≈ 0.9 s
 * vs 500 single creates ≈ 1.3 s). A crash loses at most one batch of history, never the broadcast.
 */
export function createHistoryWriter(db: Db, log: Logger, { flushMs = 250, maxBatch = 500 } = {}): HistoryWriter {
  let buffer: LocationSampleInput[] = [];
  let writing: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    if (buffer.length > 0) {
      const batch = buffer;
      buffer = [];
      writing = writing.then(async () => {
        try {
          await db.locationSample.createMany({ data: batch });
        } catch (error) {
          log.error({ err: error, samples: batch.length }, 'location history write failed');
        }
      });
    }
    return writing;
  };

  const timer = setInterval(() => void flush(), flushMs);
  timer.unref();
  return {
    add(sample) {
      buffer.push(sample);
      if (buffer.length >= maxBatch) void flush();
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
