/**
 * One sequenced MQTT publisher: its own MQTT.js client, its own sequence from 0 without gaps, and the outcome of
 * each publish recorded: acked (PUBACK / PUBCOMP), failed (the client reported an error) or unknown (QoS 0, or no
 * answer before the end). At most `inflightWindow` publishes await an answer; what is due beyond it is not sent
 * and is counted as back-pressured, so a stuck link shows as a number instead of an ever-growing queue.
 */
import mqtt, { type MqttClient } from "mqtt";
import { EnvelopeEncoder } from "./envelope.js";
import type { QosLevel } from "../result.js";

export type PublishOutcome = "acked" | "failed" | "unknown";

/** Where a publisher records what it did (the ledger). */
export interface PublishRecorder {
  sent(publisherId: number, seq: number, timeMs: number): void;
  outcome(publisherId: number, seq: number, outcome: PublishOutcome, timeMs: number): void;
}

export interface PublisherOptions {
  id: number;
  runId: string;
  qos: QosLevel;
  url: string;
  topic: string;
  clientId: string;
  payloadBytes: number;
  mqttVersion: 4 | 5;
  cleanSession: boolean;
  inflightWindow: number;
  recorder: PublishRecorder;
  /** Envelope padding: 'x' (default) or non-UTF-8 bytes. */
  padding?: "ascii" | "binary";
}

export interface PublisherStats {
  sent: number;
  acked: number;
  failed: number;
  backpressured: number;
  inflight: number;
}

export const now = (): number => performance.timeOrigin + performance.now();

export class Publisher {
  readonly stats: PublisherStats = { sent: 0, acked: 0, failed: 0, backpressured: 0, inflight: 0 };
  private client: MqttClient | undefined;
  private nextSeq = 0;
  /** seq → awaiting an answer (QoS 1/2). */
  private readonly pending = new Set<number>();
  private readonly encoder: EnvelopeEncoder;

  constructor(readonly options: PublisherOptions) {
    this.encoder = new EnvelopeEncoder(options.runId, options.padding);
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async connect(timeoutMs = 10_000): Promise<void> {
    const client = mqtt.connect(this.options.url, {
      clientId: this.options.clientId,
      clean: this.options.cleanSession,
      protocolVersion: this.options.mqttVersion,
      properties: this.options.mqttVersion === 5 && !this.options.cleanSession ? { sessionExpiryInterval: 3_600 } : undefined,
      reconnectPeriod: 250,
      connectTimeout: 5_000,
      keepalive: 10,
      queueQoSZero: false,
    });
    this.client = client;
    client.on("error", () => {
      // Errors surface through publish callbacks and reconnects; the client keeps trying.
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`publisher ${this.options.id}: no CONNACK within ${timeoutMs} ms`)), timeoutMs);
      client.once("connect", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Publishes up to `count` new messages now, within the inflight window. Returns how many were sent. */
  publish(count: number): number {
    const client = this.client;
    if (!client) throw new Error("publisher not connected");
    const { qos, recorder, id } = this.options;
    let sentNow = 0;
    for (let i = 0; i < count; i++) {
      if (qos > 0 && this.pending.size >= this.options.inflightWindow) {
        this.stats.backpressured += count - i;
        break;
      }
      const seq = this.nextSeq++;
      const t = now();
      const payload = this.encoder.encode({ runId: this.options.runId, publisherId: id, seq, qos, publishTimeMs: t }, this.options.payloadBytes);
      recorder.sent(id, seq, t);
      this.stats.sent++;
      sentNow++;
      if (qos === 0) {
        // QoS 0 is fire and forget: whatever the socket did, the outcome is unknown.
        client.publish(this.options.topic, payload, { qos: 0 });
        recorder.outcome(id, seq, "unknown", t);
        continue;
      }
      this.pending.add(seq);
      this.stats.inflight = this.pending.size;
      client.publish(this.options.topic, payload, { qos }, (error) => {
        if (!this.pending.delete(seq)) return;
        this.stats.inflight = this.pending.size;
        if (error) {
          this.stats.failed++;
          recorder.outcome(id, seq, "failed", now());
        } else {
          this.stats.acked++;
          recorder.outcome(id, seq, "acked", now());
        }
      });
    }
    return sentNow;
  }

  /** Bytes still queued in the socket (0 once every publish so far is handed to the kernel). */
  get unwrittenBytes(): number {
    return this.client?.stream?.writableLength ?? 0;
  }

  get awaiting(): number {
    return this.pending.size;
  }

  /** Ends the client; publishes still unanswered are recorded as unknown. */
  async close(): Promise<void> {
    const unanswered = [...this.pending];
    this.pending.clear();
    const t = now();
    for (const seq of unanswered) this.options.recorder.outcome(this.options.id, seq, "unknown", t);
    await this.client?.endAsync(true).catch(() => {});
  }
}
