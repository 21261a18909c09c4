/**
 * A test-only external bridge that misbehaves on purpose, on a seeded set of messages: it drops some,
 * duplicates some, swaps some with the next message of the same publisher (reordering) and corrupts some.
 * It writes what it did (the ground truth, per QoS) to $FAULTY_BRIDGE_TRUTH, so a test can check that the
 * reconciler's counts equal it exactly. Configured by the LOSSLAB_* contract environment like any bridge.
 */
import { writeFileSync } from "node:fs";
import mqtt from "mqtt";
import { bridgeConfigFromEnv } from "../../harness/bridge/config.js";
import { kafkaClient } from "../../harness/kafka/client.js";
import { decodeEnvelope } from "../../harness/workload/envelope.js";
import { seededRandom } from "../../harness/random.js";

type Action = "pass" | "drop" | "duplicate" | "swap" | "corrupt";

interface Truth {
  delivered: number;
  lost: number;
  duplicates: number;
  reordered: number;
  corrupted: number;
}


const config = bridgeConfigFromEnv();
const truthFile = process.env.FAULTY_BRIDGE_TRUTH;
if (!truthFile) throw new Error("FAULTY_BRIDGE_TRUTH is not set");
const random = seededRandom(Number(process.env.FAULTY_BRIDGE_SEED ?? 1));
const rate = Number(process.env.FAULTY_BRIDGE_RATE ?? 0.02);

const truth: Record<string, Truth> = {};
const emitted = new Map<string, Set<number>>();
const maxSeq = new Map<string, number>();
const held = new Map<string, { seq: number; qos: number; value: Buffer; timer: NodeJS.Timeout }>();

function truthOf(qos: number): Truth {
  return (truth[String(qos)] ??= { delivered: 0, lost: 0, duplicates: 0, reordered: 0, corrupted: 0 });
}

const producer = kafkaClient(config.kafkaBrokers, "faulty-bridge").producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1 });
await producer.connect();
let chain: Promise<unknown> = Promise.resolve();
let writeTimer: NodeJS.Timeout | undefined;

function saveTruthSoon(): void {
  clearTimeout(writeTimer);
  writeTimer = setTimeout(() => writeFileSync(truthFile!, JSON.stringify(truth)), 100);
}

/** Sends in order, one at a time, and keeps the ground truth of what reached Kafka. */
function emit(publisher: string, seq: number, qos: number, value: Buffer, intact: boolean): void {
  const t = truthOf(qos);
  if (!intact) {
    t.corrupted++;
  } else {
    const seen = emitted.get(publisher) ?? new Set<number>();
    emitted.set(publisher, seen);
    if (seen.has(seq)) t.duplicates++;
    else {
      if (seq < (maxSeq.get(publisher) ?? -1)) t.reordered++;
      seen.add(seq);
      t.delivered++;
    }
    maxSeq.set(publisher, Math.max(seq, maxSeq.get(publisher) ?? -1));
  }
  chain = chain.then(() => producer.send({ topic: config.kafkaTopic, acks: -1, messages: [{ key: publisher, value }] }));
  saveTruthSoon();
}

function flushHeld(publisher: string): void {
  const message = held.get(publisher);
  if (!message) return;
  held.delete(publisher);
  clearTimeout(message.timer);
  emit(publisher, message.seq, message.qos, message.value, true);
}

const client = mqtt.connect(config.mqttUrl, { clientId: config.clientId, clean: true, reconnectPeriod: 500 });
client.on("connect", () => {
  client.subscribe(config.mqttTopic, { qos: 2 }, () => console.log("losslab-bridge ready (faulty)"));
});
client.on("message", (_topic, payload) => {
  const decoded = decodeEnvelope(payload);
  if (decoded.kind !== "ok") return;
  const { publisherId, seq, qos } = decoded.envelope;
  const publisher = String(publisherId);
  const roll = random();
  let action: Action = "pass";
  if (held.has(publisher)) action = "pass"; // the message that overtakes the held one
  else if (roll < rate) action = "drop";
  else if (roll < 2 * rate) action = "duplicate";
  else if (roll < 3 * rate) action = "swap";
  else if (roll < 4 * rate) action = "corrupt";
  switch (action) {
    case "drop":
      truthOf(qos).lost++;
      saveTruthSoon();
      break;
    case "duplicate":
      emit(publisher, seq, qos, payload, true);
      emit(publisher, seq, qos, payload, true);
      break;
    case "swap":
      held.set(publisher, { seq, qos, value: payload, timer: setTimeout(() => flushHeld(publisher), 1_000) });
      break;
    case "corrupt": {
      const damaged = Buffer.from(payload);
      const at = damaged.indexOf("xxxx");
      damaged[at >= 0 ? at : damaged.length - 20] = 0x79; // one padding byte: the checksum must catch it
      emit(publisher, seq, qos, damaged, false);
      truthOf(qos).lost++;
      break;
    }
    default:
      emit(publisher, seq, qos, payload, true);
      flushHeld(publisher);
  }
});
