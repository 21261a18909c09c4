import { defineScenario } from "../harness/scenario/define.js";

export default defineScenario({
  name: "mosquitto-crash-persistence",
  description:
    "Reproduces: `persistence true` believed to make Mosquitto crash-safe. Mosquitto writes its store only " +
    "every autosave_interval (default 1800 s) or on a clean shutdown, so a kill -9 still loses everything " +
    "acknowledged since the last save. Compare with mosquitto-graceful-stop (same, but SIGTERM). " +
    "Learn: set autosave_on_changes (or a short autosave_interval) if crashes matter. Fails on purpose.",
  workload: { publishers: 2, qos: [1, 2], ratePerSecond: 400, duration: "12s" },
  brokers: { mosquitto: { persistence: true, maxQueuedMessages: 0 } },
  faults: [
    { at: "1s", for: "5s", link: "kafka-bridge", toxic: "latency", attributes: { latency: 30 } },
    { at: "5s", kill: "mosquitto", signal: "SIGKILL", restartAfter: "2s" },
  ],
  expect: {
    qos1: { lostAcked: { max: 0 } },
    qos2: { lostAcked: { max: 0 } },
  },
});
