import { defineScenario } from "../harness/scenario/define.js";
import bridgeCrashCleanSession from "./bridge-crash-clean-session.js";

/** The same workload, faults and expectations as bridge-crash-clean-session; only the fix differs. */
export default defineScenario({
  ...bridgeCrashCleanSession,
  name: "bridge-crash-persistent-session",
  description:
    "The fixed variant of bridge-crash-clean-session: the bridge uses a persistent session with a stable client " +
    "id, so Mosquitto queues its messages while it is down and redelivers them, including the one it was " +
    "writing when killed (a possible duplicate). Expected to pass (duplicates allowed).",
  bridge: { mode: "at-least-once", cleanSession: false },
  brokers: { mosquitto: { maxQueuedMessages: 0 } },
});
