import { defineScenario } from "../harness/scenario/define.js";

export default defineScenario({
  name: "bridge-crash-persistent-session",
  description:
    "The fixed variant of bridge-crash-clean-session: the bridge uses a persistent session with a stable client " +
    "id, so Mosquitto queues its messages while it is down and redelivers them, including the one it was " +
    "writing when killed (a possible duplicate). Expected to pass (duplicates allowed).",
  workload: { publishers: 2, qos: [1, 2], ratePerSecond: 300, duration: "10s" },
  bridge: { mode: "at-least-once", cleanSession: false },
  brokers: { mosquitto: { maxQueuedMessages: 0 } },
  faults: [{ at: "3s", kill: "bridge", signal: "SIGKILL", restartAfter: "3s" }],
  expect: {
    qos1: { lostAcked: { max: 0 } },
    qos2: { lostAcked: { max: 0 } },
  },
});
