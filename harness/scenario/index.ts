/** The scenario module: define, validate, load, resolve. */
export { defineScenario } from "./define.js";
export {
  DURATION_HINT,
  durationSchema,
  formatDuration,
  isDuration,
  MAX_DURATION_MS,
  parseDuration,
  positiveDurationSchema,
  type Duration,
  type DurationInput,
} from "./duration.js";
export { describeFault, normaliseFault, type FaultTiming, type ResolvedFault, type ResolvedNetworkFault, type ResolvedProcessFault } from "./faults.js";
export {
  defaultScenariosDir,
  listScenarios,
  loadScenario,
  locateScenario,
  readScenarioFile,
  SCENARIO_EXTENSIONS,
  type LoadScenarioOptions,
  type ScenarioLocation,
  type ScenarioSummary,
} from "./load.js";
export {
  deriveSubscription,
  fillPattern,
  publisherRateAt,
  randomSeed,
  resolveScenario,
  totalRateAt,
  validateOverrides,
  type ResolvedAutosave,
  type ResolvedBridge,
  type ResolvedKafka,
  type ResolvedMosquitto,
  type ResolvedRate,
  type ResolvedScenario,
  type ResolvedWorkload,
  type ScenarioOverrides,
} from "./resolve.js";
export * from "./schema.js";
export { formatIssues, formatPath, validateScenario } from "./validate.js";
