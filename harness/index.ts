/** losslab's public API: scenarios (defineScenario), running them, and the result types. */
export * from "./scenario/index.js";
export { runScenario, type RunOptions, type RunOutcome, type RunProgress } from "./run.js";
export type { RunResult, QosResult, QosLevel, FaultEvent, ExpectationResult, LatencySummary } from "./result.js";
export type { Environment, Endpoints, ServiceName, LinkName } from "./env/environment.js";
export { startNativeEnvironment } from "./env/native/environment.js";
export { LosslabError, type ErrorCode } from "./errors.js";
