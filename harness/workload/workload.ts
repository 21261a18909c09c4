/**
 * The workload: N sequenced publishers per QoS level, driven by one scheduler against a cumulative rate target.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { QosLevel } from "../result.js";
import { Publisher, type PublisherOptions } from "./publisher.js";
import { splitRate, targetCount, type RateShape } from "./rate.js";

export interface PublisherDeclaration {
  id: number;
  qos: QosLevel;
  clientId: string;
  topic: string;
}

/** What every publisher of a workload shares. */
type SharedPublisherOptions = Pick<PublisherOptions, "runId" | "url" | "payloadBytes" | "mqttVersion" | "cleanSession" | "inflightWindow" | "recorder" | "padding">;

export interface WorkloadOptions extends SharedPublisherOptions {
  publishers: PublisherDeclaration[];
  rate: RateShape;
  durationMs: number;
  /** Hard cap per publisher. */
  maxMessages?: number;
  /** Tick period of the scheduler, ms. */
  tickMs?: number;
  signal?: AbortSignal;
}

export interface WorkloadProgress {
  elapsedMs: number;
  sent: number;
  acked: number;
  failed: number;
  backpressured: number;
  inflight: number;
}

/** Declares publishers: `perQos` for each level, ids from 0, one topic each. */
export function declarePublishers(runId: string, qos: QosLevel[], perQos: number, topicPattern: string): PublisherDeclaration[] {
  const declarations: PublisherDeclaration[] = [];
  for (const level of qos) {
    for (let i = 0; i < perQos; i++) {
      const id = declarations.length;
      declarations.push({
        id,
        qos: level,
        clientId: `losslab-${runId}-p${id}`,
        topic: topicPattern.replaceAll("{runId}", runId).replaceAll("{publisher}", String(id)).replaceAll("{qos}", String(level)),
      });
    }
  }
  return declarations;
}

export class Workload {
  readonly publishers: Publisher[];

  constructor(private readonly options: WorkloadOptions) {
    this.publishers = options.publishers.map(
      (declaration) =>
        new Publisher({
          runId: options.runId,
          url: options.url,
          payloadBytes: options.payloadBytes,
          mqttVersion: options.mqttVersion,
          cleanSession: options.cleanSession,
          inflightWindow: options.inflightWindow,
          recorder: options.recorder,
          padding: options.padding,
          id: declaration.id,
          qos: declaration.qos,
          topic: declaration.topic,
          clientId: declaration.clientId,
        }),
    );
  }

  async connect(): Promise<void> {
    await Promise.all(this.publishers.map((publisher) => publisher.connect()));
  }

  progress(elapsedMs: number): WorkloadProgress {
    const progress: WorkloadProgress = { elapsedMs, sent: 0, acked: 0, failed: 0, backpressured: 0, inflight: 0 };
    for (const publisher of this.publishers) {
      progress.sent += publisher.stats.sent;
      progress.acked += publisher.stats.acked;
      progress.failed += publisher.stats.failed;
      progress.backpressured += publisher.stats.backpressured;
      progress.inflight += publisher.awaiting;
    }
    return progress;
  }

  /** Publishes for the duration (bounded by maxMessages and the abort signal). */
  async run(onTick?: (progress: WorkloadProgress) => void): Promise<WorkloadProgress> {
    const { durationMs, maxMessages, signal } = this.options;
    const perPublisher = splitRate(this.options.rate, this.publishers.length);
    const due = new Array<number>(this.publishers.length).fill(0);
    const start = performance.now();
    let lastReport = 0;
    for (;;) {
      const elapsed = performance.now() - start;
      const finished = elapsed >= durationMs || signal?.aborted;
      const at = Math.min(elapsed, durationMs);
      let capped = true;
      for (let index = 0; index < this.publishers.length; index++) {
        const publisher = this.publishers[index]!;
        let target = targetCount(perPublisher, at);
        if (maxMessages !== undefined) target = Math.min(target, maxMessages);
        if (target < (maxMessages ?? Infinity)) capped = false;
        const count = target - due[index]!;
        if (count > 0) {
          due[index] = target;
          publisher.publish(count);
        }
      }
      if (onTick && elapsed - lastReport >= 1_000) {
        lastReport = elapsed;
        onTick(this.progress(elapsed));
      }
      if (finished || capped) break;
      await sleep(this.options.tickMs ?? 2);
    }
    return this.progress(performance.now() - start);
  }

  /** Waits (bounded) until every QoS 1/2 publish has an answer. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && this.publishers.some((publisher) => publisher.awaiting > 0)) await sleep(50);
  }

  async close(): Promise<void> {
    await Promise.all(this.publishers.map((publisher) => publisher.close()));
  }
}
