/**
 * Publisher overhead: losslab's QoS 0 publish path (envelope encoding, sequence, ledger records written to disk)
 * against a raw MQTT.js loop publishing pre-built payloads of the same size, to the same Mosquitto, in one run.
 * Both loops publish N messages as fast as they can; time runs until the socket has written everything.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import mqtt from "mqtt";
import { startNativeEnvironment } from "../harness/env/native/environment.js";
import { Ledger } from "../harness/ledger/index.js";
import { Publisher } from "../harness/workload/publisher.js";
import { encodeEnvelope } from "../harness/workload/envelope.js";

export interface PublisherBench {
  messages: number;
  payloadBytes: number;
  rawPerSecond: number;
  losslabPerSecond: number;
  /** losslab time / raw time − 1 (0.15 = 15 % slower). */
  overhead: number;
}

const CHUNK = 1_000;

async function drained(stream: { writableLength: number }): Promise<void> {
  while (stream.writableLength > 0) await sleep(1);
}

async function rawLoop(url: string, messages: number, payloadBytes: number): Promise<number> {
  const client = await mqtt.connectAsync(url, { clientId: `bench-raw-${process.pid}` });
  const payload = encodeEnvelope({ runId: "bench", publisherId: 0, seq: 0, qos: 0, publishTimeMs: Date.now() }, payloadBytes);
  const started = performance.now();
  for (let sent = 0; sent < messages; sent += CHUNK) {
    for (let i = 0; i < CHUNK; i++) client.publish("bench/raw", payload, { qos: 0 });
    await drained(client.stream);
  }
  const elapsed = performance.now() - started;
  await client.endAsync(true);
  return elapsed;
}

async function losslabLoop(url: string, messages: number, payloadBytes: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "losslab-bench-"));
  const ledger = await Ledger.create({ dir, runId: "bench", scenario: "bench", seed: 1, publishers: [{ id: 0, qos: 0, clientId: "bench-losslab" }] });
  const publisher = new Publisher({
    id: 0, runId: "bench", qos: 0, url, topic: "bench/losslab", clientId: `bench-losslab-${process.pid}`, payloadBytes,
    mqttVersion: 4, cleanSession: true, inflightWindow: 100, recorder: ledger,
  });
  await publisher.connect();
  const started = performance.now();
  for (let sent = 0; sent < messages; sent += CHUNK) {
    publisher.publish(CHUNK);
    while (publisher.unwrittenBytes > 0) await sleep(1);
  }
  const elapsed = performance.now() - started;
  await publisher.close();
  await ledger.close();
  return elapsed;
}

export async function benchPublisher(messages = 300_000, payloadBytes = 256): Promise<PublisherBench> {
  await using env = await startNativeEnvironment({ workDir: mkdtempSync(join(tmpdir(), "losslab-bench-env-")) });
  const url = env.endpoints.mqtt.direct;
  // Warm up both paths, then alternate, keeping the best of three to damp noise on a 2-core machine.
  await rawLoop(url, 20_000, payloadBytes);
  await losslabLoop(url, 20_000, payloadBytes);
  let raw = Infinity;
  let ours = Infinity;
  for (let round = 0; round < 3; round++) {
    raw = Math.min(raw, await rawLoop(url, messages, payloadBytes));
    ours = Math.min(ours, await losslabLoop(url, messages, payloadBytes));
  }
  return {
    messages,
    payloadBytes,
    rawPerSecond: Math.round((messages / raw) * 1000),
    losslabPerSecond: Math.round((messages / ours) * 1000),
    overhead: Number((ours / raw - 1).toFixed(3)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchPublisher()));
}
