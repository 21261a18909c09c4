/**
 * The checker: a ledger view plus every Kafka record read → per-QoS verdicts with the outcome
 * words of DESIGN.md, and capped examples.
 *
 * Per (publisher, seq), with "acked" meaning code 2 on a QoS 1/2 publisher (QoS 0 is never acked):
 *   sent        code ≠ 0                          delivered    at least one good copy in Kafka
 *   lostAcked   acked, no copy                    lostUnacked  sent, not acked, no copy
 *   recovered   not acked (pending, failed, unknown), found
 * Per record:
 *   duplicates  a good copy of a sent seq beyond its first copy (each extra copy counts once)
 *   reordered   a FIRST copy whose seq is below the highest seq of its publisher already seen in
 *               that partition. A later copy of an earlier seq is a duplicate only, never also
 *               reordered (as in Jepsen); every good copy raises the partition's high-water seq.
 *               Order across partitions is not checked.
 *   corrupted   this run's envelope whose checksum fails or that cannot be decoded; it delivers
 *               nothing (its seq is lost unless a good copy exists)
 *   unexpected  this run's good envelope whose publisher is unknown or whose seq was never sent
 *   ignoredOtherRun / foreign   other runs' envelopes / anything else: outside the verdicts
 * The QoS of a record is its publisher's declared QoS, never the payload's. Latency: first copy only.
 * unexpected and corrupted count records (each copy). Their QoS: the publisher's when it is known
 * (for corrupted, from the untrusted "p" hint); for an unknown publisher the envelope's "q" when
 * that level is in use; else the only level in use; else `unattributed` in the output.
 * With an extractor: null → foreign; a throw → corrupted if the raw value holds this run's id in
 * quotes, else foreign.
 *
 * Memory: per publisher one Uint8Array of copy counts (saturating at 255) sized to the ledger, plus
 * 5 bytes per seq for first-copy locations (offset < 2^32 - 1, partition < 256) when
 * `locateFirstCopies` (default) is on: 6 bytes per sent seq in all, nothing per record.
 */
import { emptyCounts, emptyQosResult, QOS_LEVELS, type QosLevel, type QosResult } from "../result.js";
import { EnvelopeDecoder } from "../workload/envelope.js";
import { ExampleCollector } from "./examples.js";
import { LatencyRecorder } from "./latency.js";
import { OUTCOME_CODE } from "../ledger/types.js";
import type { KafkaRecord, LedgerView, LostExample, PublisherResult, ReconcileOutput, ReconcilerOptions, RecordLocation } from "./types.js";

const DEFAULT_EXAMPLES_CAP = 20;
const CODE_NOT_SENT = OUTCOME_CODE.notSent;
const CODE_ACKED = OUTCOME_CODE.acked;
const MAX_PUBLISHER_ID = 0xffff;
/** First-copy locations: offset + 1 in a Uint32Array (0 = unknown) and the partition in a Uint8Array. */
const MAX_LOCATED_OFFSET = 0xffff_fffe;
const MAX_LOCATED_PARTITION = 0xff;

class PublisherState {
  readonly copies: Uint8Array;
  readonly firstOffset: Uint32Array | undefined;
  readonly firstPartition: Uint8Array | undefined;
  /** Highest seq seen per partition, -1 = none yet. */
  maxSeqByPartition: number[] = [];
  duplicates = 0;
  reordered = 0;
  corrupted = 0;
  unexpected = 0;

  constructor(
    readonly id: number,
    readonly qos: QosLevel,
    readonly clientId: string | undefined,
    readonly codes: Uint8Array,
    readonly publishTimes: Float64Array | undefined,
    locate: boolean,
  ) {
    this.copies = new Uint8Array(codes.length);
    this.firstOffset = locate ? new Uint32Array(codes.length) : undefined;
    this.firstPartition = locate ? new Uint8Array(codes.length) : undefined;
  }
}


export class Reconciler {
  readonly runId: string;
  private readonly decoder: EnvelopeDecoder;
  private readonly extractor: ReconcilerOptions["extractor"];
  private readonly publishers: PublisherState[] = [];
  /** publisher id → index in publishers, -1 when unknown. */
  private readonly index = new Int32Array(MAX_PUBLISHER_ID + 1).fill(-1);
  private readonly levels: QosLevel[];
  private readonly latency: (LatencyRecorder | undefined)[] = [undefined, undefined, undefined];
  private readonly examples: ExampleCollector;
  private readonly startedAtMs: number | undefined;
  private readonly quotedRunId: Buffer;

  private records = 0;
  private ignoredOtherRun = 0;
  private foreign = 0;
  private missingTimestamp = 0;
  /** Anomalies of unknown publishers, by QoS level (3 = no level known). */
  private readonly orphanUnexpected = [0, 0, 0, 0];
  private orphanCorrupted = 0;

  constructor(options: ReconcilerOptions) {
    const { ledger } = options;
    this.runId = options.runId ?? ledger.runId;
    this.decoder = new EnvelopeDecoder(this.runId);
    this.quotedRunId = Buffer.from(JSON.stringify(this.runId), "utf8");
    this.extractor = options.extractor;
    this.examples = new ExampleCollector(options.examplesCap ?? DEFAULT_EXAMPLES_CAP);
    this.startedAtMs = ledger.startedAtMs;
    const locate = options.locateFirstCopies ?? true;
    for (const p of ledger.publishers) {
      if (!Number.isInteger(p.id) || p.id < 0 || p.id > MAX_PUBLISHER_ID) throw new RangeError(`publisher id ${p.id} is not 0…${MAX_PUBLISHER_ID}`);
      if (this.index[p.id] !== -1) throw new RangeError(`publisher id ${p.id} appears twice in the ledger`);
      this.index[p.id] = this.publishers.length;
      this.publishers.push(new PublisherState(p.id, p.qos, p.clientId, p.codes, p.publishTimes, locate));
    }
    this.levels = QOS_LEVELS.filter((level) => this.publishers.some((p) => p.qos === level));
    for (const level of this.levels) this.latency[level] = new LatencyRecorder();
  }

  /** One Kafka record, decoded here (through the extractor when there is one). */
  observe(record: KafkaRecord): void {
    this.records++;
    let value = record.value;
    const raw = value;
    if (this.extractor !== undefined && raw !== null) {
      try {
        value = this.extractor(raw);
      } catch (error) {
        this.classifyUndecodable(record, raw, `extractor failed: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
    }
    const decoder = this.decoder;
    if (value !== null && decoder.tryFast(value)) {
      this.classify(record.partition, record.offset, record.timestampMs, decoder.publisherId, decoder.seq, decoder.publishTimeMs, decoder.qos);
      return;
    }
    const result = decoder.decode(value);
    switch (result.kind) {
      case "ok": {
        const e = result.envelope;
        this.classify(record.partition, record.offset, record.timestampMs, e.publisherId, e.seq, e.publishTimeMs, e.qos);
        return;
      }
      case "other-run":
        this.ignoredOtherRun++;
        return;
      case "foreign":
        this.foreign++;
        return;
      case "corrupted":
        this.corrupted(record, result.reason, result.publisherId, result.seq);
        return;
    }
  }

  /**
   * The classification alone, for a record already decoded as this run's valid envelope.
   * envelopeQos is used only for a publisher the ledger does not know.
   */
  observeDecoded(
    partition: number,
    offset: string,
    timestampMs: number,
    publisherId: number,
    seq: number,
    publishTimeMs: number,
    envelopeQos?: QosLevel,
  ): void {
    this.records++;
    this.classify(partition, offset, timestampMs, publisherId, seq, publishTimeMs, envelopeQos);
  }

  private classify(
    partition: number,
    offset: string,
    timestampMs: number,
    publisherId: number,
    seq: number,
    publishTimeMs: number,
    envelopeQos: QosLevel | undefined,
  ): void {
    const i = publisherId <= MAX_PUBLISHER_ID ? this.index[publisherId]! : -1;
    if (i < 0) {
      this.orphanUnexpected[envelopeQos !== undefined && this.levels.includes(envelopeQos) ? envelopeQos : 3]!++;
      this.examples.unexpect({ partition, offset, publisher: publisherId, seq, qos: envelopeQos ?? 0, reason: "unknown-publisher" });
      return;
    }
    const p = this.publishers[i]!;
    if (seq >= p.codes.length || p.codes[seq] === CODE_NOT_SENT) {
      p.unexpected++;
      this.examples.unexpect({ partition, offset, publisher: publisherId, seq, qos: p.qos, reason: "never-sent" });
      return;
    }
    const maxSeqs = p.maxSeqByPartition;
    while (maxSeqs.length <= partition) maxSeqs.push(-1);
    const max = maxSeqs[partition]!;
    const copies = p.copies[seq]!;
    if (copies === 0) {
      p.copies[seq] = 1;
      if (seq < max) {
        p.reordered++;
        this.examples.reorder({ partition, offset, publisher: publisherId, seq, qos: p.qos, previousMaxSeq: max });
      }
      if (timestampMs >= 0) this.latency[p.qos]!.recordMs(timestampMs - publishTimeMs);
      else this.missingTimestamp++;
      if (p.firstOffset !== undefined && partition <= MAX_LOCATED_PARTITION) {
        const o = Number(offset);
        if (o <= MAX_LOCATED_OFFSET) {
          p.firstOffset[seq] = o + 1;
          p.firstPartition![seq] = partition;
        }
      }
    } else {
      if (copies < 255) p.copies[seq] = copies + 1;
      p.duplicates++;
      this.examples.duplicate(publisherId, p.qos, seq, { partition, offset }, this.firstLocationOf(p, seq));
    }
    if (seq > max) maxSeqs[partition] = seq;
  }

  private firstLocationOf(p: PublisherState, seq: number): RecordLocation | undefined {
    const offset = p.firstOffset?.[seq] ?? 0;
    if (offset === 0) return undefined;
    return { partition: p.firstPartition![seq]!, offset: String(offset - 1) };
  }

  private classifyUndecodable(record: KafkaRecord, raw: Buffer, reason: string): void {
    // Without a decodable envelope, the run id in the raw bytes is the only evidence it is ours.
    if (raw.indexOf(this.quotedRunId) >= 0) this.corrupted(record, reason, undefined, undefined);
    else this.foreign++;
  }

  private corrupted(record: KafkaRecord, reason: string, publisher: number | undefined, seq: number | undefined): void {
    const i = publisher !== undefined && publisher <= MAX_PUBLISHER_ID ? this.index[publisher]! : -1;
    if (i >= 0) this.publishers[i]!.corrupted++;
    else this.orphanCorrupted++;
    this.examples.corrupt({
      partition: record.partition,
      offset: record.offset,
      reason,
      ...(publisher === undefined ? {} : { publisher }),
      ...(seq === undefined ? {} : { seq }),
    });
  }

  /** The verdicts so far (pure: can be called again after more records). */
  finish(): ReconcileOutput {
    const qos: ReconcileOutput["qos"] = {};
    for (const level of this.levels) qos[level] = emptyQosResult();
    const perPublisher: PublisherResult[] = [];
    const lostAcked = new LostRanges(this.examples.cap);
    const lostUnacked = new LostRanges(this.examples.cap);

    for (const p of this.publishers) {
      const r: PublisherResult = {
        publisher: p.id,
        qos: p.qos,
        ...(p.clientId === undefined ? {} : { clientId: p.clientId }),
        ...emptyCounts(),
        duplicates: p.duplicates,
        reordered: p.reordered,
        corrupted: p.corrupted,
        unexpected: p.unexpected,
      };
      const { codes, copies } = p;
      const ackable = p.qos !== 0;
      for (let seq = 0; seq < codes.length; seq++) {
        const code = codes[seq]!;
        if (code === CODE_NOT_SENT) continue;
        r.sent++;
        const acked = ackable && code === CODE_ACKED;
        if (acked) r.acked++;
        if (copies[seq]! > 0) {
          r.delivered++;
          if (!acked) r.recovered++;
        } else if (acked) {
          r.lostAcked++;
          lostAcked.add(p, seq, this.startedAtMs);
        } else {
          r.lostUnacked++;
          lostUnacked.add(p, seq, this.startedAtMs);
        }
      }
      perPublisher.push(r);
      const q = qos[p.qos]!;
      q.sent += r.sent;
      q.acked += r.acked;
      q.delivered += r.delivered;
      q.lostAcked += r.lostAcked;
      q.lostUnacked += r.lostUnacked;
      q.recovered += r.recovered;
      q.duplicates += r.duplicates;
      q.reordered += r.reordered;
      q.corrupted += r.corrupted;
      q.unexpected += r.unexpected;
    }

    let unattributedUnexpected = this.orphanUnexpected[3]!;
    for (const level of QOS_LEVELS) {
      const q = qos[level];
      if (q !== undefined) q.unexpected += this.orphanUnexpected[level]!;
      else unattributedUnexpected += this.orphanUnexpected[level]!;
    }
    let unattributedCorrupted = this.orphanCorrupted;
    // With a single level in use, every anomaly belongs to it.
    const onlyLevel = this.levels.length === 1 ? qos[this.levels[0]!] : undefined;
    if (onlyLevel !== undefined) {
      onlyLevel.corrupted += unattributedCorrupted;
      onlyLevel.unexpected += unattributedUnexpected;
      unattributedCorrupted = 0;
      unattributedUnexpected = 0;
    }

    let negativeClamped = 0;
    for (const level of this.levels) {
      const recorder = this.latency[level]!;
      qos[level]!.latencyMs = recorder.summary();
      negativeClamped += recorder.negativeClamped;
    }

    return {
      qos,
      examples: this.examples.toJSON(this.runId, lostAcked.examples, lostUnacked.examples),
      perPublisher,
      records: this.records,
      ignoredOtherRun: this.ignoredOtherRun,
      foreign: this.foreign,
      unattributed: { corrupted: unattributedCorrupted, unexpected: unattributedUnexpected },
      latency: { negativeClamped, missingTimestamp: this.missingTimestamp },
    };
  }

  /** The latency histograms (integer µs) per QoS level in use, e.g. for a detailed report. */
  latencyHistograms(): Partial<Record<`${QosLevel}`, LatencyRecorder["histogram"]>> {
    const out: Partial<Record<`${QosLevel}`, LatencyRecorder["histogram"]>> = {};
    for (const level of this.levels) out[level] = this.latency[level]!.histogram;
    return out;
  }
}

/** Consecutive lost seqs of one publisher, as capped ranges. */
class LostRanges {
  readonly examples: LostExample[] = [];
  private open: LostExample | undefined;

  constructor(private readonly cap: number) {}

  add(p: PublisherState, seq: number, startedAtMs: number | undefined): void {
    const open = this.open;
    if (open !== undefined && open.publisher === p.id && open.toSeq === seq - 1) {
      open.toSeq = seq;
      open.count++;
      return;
    }
    if (this.examples.length >= this.cap) {
      this.open = undefined;
      return;
    }
    const example: LostExample = { publisher: p.id, qos: p.qos, fromSeq: seq, toSeq: seq, count: 1 };
    const sentAt = p.publishTimes?.[seq];
    if (sentAt !== undefined && sentAt > 0 && startedAtMs !== undefined) example.publishedAtMs = sentAt - startedAtMs;
    this.examples.push(example);
    this.open = example;
  }
}

/** Reconciles a ledger against records from any (async) iterable. */
export async function reconcile(
  options: ReconcilerOptions,
  records: Iterable<KafkaRecord> | AsyncIterable<KafkaRecord>,
): Promise<ReconcileOutput> {
  const reconciler = new Reconciler(options);
  for await (const record of records) reconciler.observe(record);
  return reconciler.finish();
}
