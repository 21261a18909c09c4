import { defineScenario } from "../harness/scenario/define.js";

export default defineScenario({
  name: "bridge-crash-clean-session",
  description:
    "Reproduces: a bridge with a clean MQTT session crashes (kill -9) and comes back 3 s later. With a clean " +
    "session Mosquitto keeps nothing for it: every QoS 1/2 message acknowledged to the publishers while the " +
    "bridge was away is gone. Learn: a bridge needs a persistent session (see bridge-crash-persistent-session). " +
    "Fails on purpose.",
  workload: { publishers: 2, qos: [1, 2], ratePerSecond: 300, duration: "10s" },
  bridge: { mode: "at-least-once", cleanSession: true },
  faults: [{ at: "3s", kill: "bridge", signal: "SIGKILL", restartAfter: "3s" }],
  expect: {
    qos1: { lostAcked: { max: 0 } },
    qos2: { lostAcked: { max: 0 } },
  },
});
