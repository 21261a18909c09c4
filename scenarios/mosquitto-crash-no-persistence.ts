import { defineScenario } from "../harness/scenario/define.js";

export default defineScenario({
  name: "mosquitto-crash-no-persistence",
  description:
    "Reproduces: Mosquitto crashes (kill -9) while the bridge is behind, persistence off. The broker had " +
    "acknowledged QoS 1/2 messages to the publishers and queued them for the bridge's persistent session; " +
    "without persistence the queue and the session die with the process. Learn: persistent sessions " +
    "do not survive a broker crash unless the broker persists them. The expectations fail on purpose.",
  workload: { publishers: 2, qos: [1, 2], ratePerSecond: 400, duration: "12s", cleanSession: false, inflightWindow: 1000 },
  brokers: { mosquitto: { persistence: false, maxQueuedMessages: 0 } },
  faults: [
    // The bridge falls behind: its link to Kafka is slow, so Mosquitto holds a backlog for it.
    { at: "1s", for: "5s", link: "kafka-bridge", toxic: "latency", attributes: { latency: 30 } },
    { at: "5s", kill: "mosquitto", signal: "SIGKILL", restartAfter: "2s" },
  ],
  expect: {
    qos1: { lostAcked: { max: 0 } },
    qos2: { lostAcked: { max: 0 } },
  },
});
