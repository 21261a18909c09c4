import { defineScenario } from "../harness/scenario/define.js";

const intact = { corrupted: { max: 0 }, unexpected: { max: 0 } } as const;

export default defineScenario({
  name: "baseline",
  description:
    "No faults, everything on loopback: every QoS 1 and 2 message reaches Kafka exactly once and intact, " +
    "and QoS 0 loses (almost) nothing. If this fails, the harness or the pipeline is broken before any fault is blamed.",
  workload: {
    publishers: 3,
    qos: [0, 1, 2],
    ratePerSecond: 300,
    duration: "10s",
    payloadBytes: 256,
  },
  bridge: { mode: "at-least-once" },
  faults: [],
  expect: {
    qos0: { sent: { min: 1 }, lost: { maxRate: 0.01 }, ...intact },
    qos1: { sent: { min: 1 }, lostAcked: { max: 0 }, lost: { max: 0 }, duplicates: { max: 0 }, ...intact },
    qos2: { sent: { min: 1 }, lostAcked: { max: 0 }, lost: { max: 0 }, duplicates: { max: 0 }, ...intact },
  },
});
