import { defineScenario } from "../harness/scenario/define.js";

export default defineScenario({
  name: "unstable-network",
  description:
    "Reproduces: a flaky network between every hop. Latency with jitter on each link, plus short partitions " +
    "(link down for 1 s) of mqtt-bridge and kafka-bridge. With QoS 1/2, persistent sessions and an " +
    "at-least-once bridge, the messages are late, not lost: compare the latency percentiles with baseline. " +
    "Learn: latency and loss are different failures; a late message is not a lost one.",
  workload: { publishers: 2, qos: [1, 2], ratePerSecond: 300, duration: "16s" },
  faults: [
    { at: "1s", for: "12s", link: "mqtt-pub", toxic: "latency", attributes: { latency: 40, jitter: 30 } },
    { at: "1s", for: "12s", link: "kafka-bridge", toxic: "latency", attributes: { latency: 20, jitter: 15 } },
    { at: "3s", every: "5s", for: "1s", link: "mqtt-bridge", toxic: "down" },
    { at: "5s", every: "5s", for: "1s", link: "kafka-bridge", toxic: "down" },
  ],
  expect: {
    qos1: { lostAcked: { max: 0 } },
    qos2: { lostAcked: { max: 0 } },
  },
});
