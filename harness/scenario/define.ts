/**
 * defineScenario: the identity, for type inference and editor help in scenario files
 * (as vitest's defineConfig). Validation happens when the scenario is loaded.
 *
 *   import { defineScenario } from "../harness/scenario/define.js";
 *   export default defineScenario({ name: "baseline", workload: { duration: "10s" } });
 */
import type { ScenarioInput } from "./schema.js";

export type { Duration, DurationInput } from "./duration.js";
export type { ScenarioInput } from "./schema.js";

export function defineScenario(scenario: ScenarioInput): ScenarioInput {
  return scenario;
}
