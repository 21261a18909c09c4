import { defineScenario } from "../harness/scenario/define.js";
import serializationBug from "./serialization-bug.js";

/** serialization-bug with a bridge that copies payload bytes. */
export default defineScenario({
  ...serializationBug,
  name: "serialization-bytes",
  description:
    "The fixed variant of serialization-bug: the same binary payloads through a bridge that copies the bytes. " +
    "Everything arrives intact. Expected to pass.",
  bridge: { mode: "at-least-once", encoding: "bytes" },
});
