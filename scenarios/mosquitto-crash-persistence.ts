import { defineScenario } from "../harness/scenario/define.js";
import mosquittoCrashNoPersistence from "./mosquitto-crash-no-persistence.js";

/** The same workload, faults and expectations as mosquitto-crash-no-persistence; only the fix differs. */
export default defineScenario({
  ...mosquittoCrashNoPersistence,
  name: "mosquitto-crash-persistence",
  description:
    "Reproduces: `persistence true` believed to make Mosquitto crash-safe. Mosquitto writes its store only " +
    "every autosave_interval (default 1800 s) or on a clean shutdown, so a kill -9 still loses everything " +
    "acknowledged since the last save. Compare with mosquitto-graceful-stop (same, but SIGTERM). " +
    "Learn: set autosave_on_changes (or a short autosave_interval) if crashes matter. Fails on purpose.",
  brokers: { mosquitto: { persistence: true, maxQueuedMessages: 0 } },
});
