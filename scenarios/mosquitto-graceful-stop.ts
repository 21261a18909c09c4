import { defineScenario } from "../harness/scenario/define.js";

export default defineScenario({
  name: "mosquitto-graceful-stop",
  description:
    "The fixed variant of mosquitto-crash-persistence: the same backlog, but Mosquitto is stopped with SIGTERM. " +
    "On a clean shutdown it writes its store, so the bridge's persistent session and its queued QoS 1/2 " +
    "messages come back after the restart. Learn: persistence protects restarts, not crashes. Expected to pass.",
  workload: { publishers: 2, qos: [1, 2], ratePerSecond: 400, duration: "12s" },
  brokers: { mosquitto: { persistence: true, maxQueuedMessages: 0 } },
  faults: [
    { at: "1s", for: "5s", link: "kafka-bridge", toxic: "latency", attributes: { latency: 30 } },
    { at: "5s", target: "mosquitto", action: "stop", for: "2s" },
  ],
  expect: {
    qos1: { lostAcked: { max: 0 } },
    qos2: { lostAcked: { max: 0 } },
  },
});
