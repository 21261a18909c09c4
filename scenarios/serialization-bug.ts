import { defineScenario } from "../harness/scenario/define.js";

export default defineScenario({
  name: "serialization-bug",
  description:
    "Reproduces: a bridge that decodes MQTT payloads as UTF-8 strings and re-encodes them for Kafka. Binary " +
    "payloads (here: envelopes padded with non-UTF-8 bytes) come out with every invalid byte replaced by " +
    "U+FFFD: every message arrives, none intact. losslab counts them corrupted, and lost, since no good copy " +
    "reached Kafka. Learn: a bridge must copy payload bytes, never text. Fails on purpose (see serialization-bytes).",
  workload: { publishers: 2, qos: [0, 1, 2], ratePerSecond: 300, duration: "6s", padding: "binary" },
  bridge: { mode: "at-least-once", encoding: "utf8-reencode" },
  expect: {
    qos0: { corrupted: { max: 0 } },
    qos1: { corrupted: { max: 0 }, lostAcked: { max: 0 } },
    qos2: { corrupted: { max: 0 }, lostAcked: { max: 0 } },
  },
});
