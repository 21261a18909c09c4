/**
 * Time series of a run for the charts, per second since the run's start and per QoS level: messages published,
 * acknowledged and arriving in Kafka, and the latency of what arrived (mean and max per second).
 * Published and acked come from the ledger; arrivals from the Kafka records as the checker reads them.
 * Written as series.json beside result.json so reports can be regenerated without Kafka.
 */
import { EnvelopeDecoder } from "../workload/envelope.js";
import type { LedgerSnapshot } from "../ledger/index.js";
import { OUTCOME_CODE } from "../ledger/index.js";
import type { KafkaRecord } from "../kafka/reader.js";

export const SERIES_FILE = "series.json";

export interface SeriesPoint {
  /** Second since the run's start (bucket start). */
  t: number;
  qos: number;
  published: number;
  acked: number;
  arrived: number;
  latencyMeanMs: number | null;
  latencyMaxMs: number | null;
}

export interface RunSeries {
  schema: "losslab/series@1";
  bucketMs: number;
  /** ms since epoch of t = 0. */
  startedAtMs: number;
  /** When the workload started and ended, ms since the run's start (null when unknown). */
  workload: { startMs: number | null; endMs: number | null };
  points: SeriesPoint[];
}

interface Bucket {
  published: number;
  acked: number;
  arrived: number;
  latencySum: number;
  latencyMax: number;
}

/** Collects arrivals as the checker reads Kafka; `finish` adds the ledger's publishes and acks. */
export class SeriesCollector {
  private readonly buckets = new Map<string, Bucket>();
  private readonly decoder: EnvelopeDecoder;

  constructor(
    private readonly runId: string,
    private readonly startedAtMs: number,
    private readonly bucketMs = 1_000,
  ) {
    this.decoder = new EnvelopeDecoder(runId);
  }

  private bucket(atMs: number, qos: number): Bucket {
    const t = Math.max(0, Math.floor((atMs - this.startedAtMs) / this.bucketMs));
    const key = `${t}:${qos}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { published: 0, acked: 0, arrived: 0, latencySum: 0, latencyMax: 0 };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  observe(record: KafkaRecord): void {
    let qos: number;
    let publishTimeMs: number;
    if (record.value && this.decoder.tryFast(record.value)) {
      qos = this.decoder.qos;
      publishTimeMs = this.decoder.publishTimeMs;
    } else {
      const decoded = this.decoder.decode(record.value);
      if (decoded.kind !== "ok") return;
      qos = decoded.envelope.qos;
      publishTimeMs = decoded.envelope.publishTimeMs;
    }
    const latency = Math.max(0, record.timestampMs - publishTimeMs);
    const bucket = this.bucket(record.timestampMs, qos);
    bucket.arrived++;
    bucket.latencySum += latency;
    bucket.latencyMax = Math.max(bucket.latencyMax, latency);
  }

  finish(ledger: LedgerSnapshot): RunSeries {
    for (const publisher of ledger.publishers) {
      for (let seq = 0; seq < publisher.count; seq++) {
        const code = publisher.codes[seq];
        if (code === undefined || code === OUTCOME_CODE.notSent) continue;
        this.bucket(publisher.publishTimes[seq]!, publisher.qos).published++;
        if (code === OUTCOME_CODE.acked && publisher.qos > 0) this.bucket(publisher.outcomeTimes[seq]!, publisher.qos).acked++;
      }
    }
    const points: SeriesPoint[] = [...this.buckets.entries()]
      .map(([key, bucket]) => {
        const [t, qos] = key.split(":").map(Number) as [number, number];
        return {
          t: (t * this.bucketMs) / 1000,
          qos,
          published: bucket.published,
          acked: bucket.acked,
          arrived: bucket.arrived,
          latencyMeanMs: bucket.arrived > 0 ? Number((bucket.latencySum / bucket.arrived).toFixed(2)) : null,
          latencyMaxMs: bucket.arrived > 0 ? Number(bucket.latencyMax.toFixed(2)) : null,
        };
      })
      .sort((a, b) => a.t - b.t || a.qos - b.qos);
    const note = (kind: string): number | null => ledger.notes.find((entry) => entry.kind === kind)?.atMs ?? null;
    return {
      schema: "losslab/series@1",
      bucketMs: this.bucketMs,
      startedAtMs: this.startedAtMs,
      workload: { startMs: note("workload-start"), endMs: note("workload-end") },
      points,
    };
  }
}
