import { defineScenario } from "../harness/scenario/define.js";
import mosquittoCrashPersistence from "./mosquitto-crash-persistence.js";

/** The same as mosquitto-crash-persistence, but Mosquitto is stopped with SIGTERM instead of killed. */
export default defineScenario({
  ...mosquittoCrashPersistence,
  name: "mosquitto-graceful-stop",
  description:
    "The fixed variant of mosquitto-crash-persistence: the same backlog, but Mosquitto is stopped with SIGTERM. " +
    "On a clean shutdown it writes its store, so the bridge's persistent session and its queued QoS 1/2 " +
    "messages come back after the restart. Learn: persistence protects restarts, not crashes. Expected to pass.",
  faults: [
    { at: "1s", for: "5s", link: "kafka-bridge", toxic: "latency", attributes: { latency: 30 } },
    { at: "5s", target: "mosquitto", action: "stop", for: "2s" },
  ],
});
