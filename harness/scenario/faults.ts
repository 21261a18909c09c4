/**
 * Fault steps in their one general form, times in ms: what the fault engine consumes.
 * The shorthand { at, kill: "mosquitto" } becomes { kind: "process", target: "mosquitto", action: "kill" }.
 */
import { formatDuration, parseDuration } from "./duration.js";
import {
  processFaultParts,
  type FaultInput,
  type Link,
  type ProcessAction,
  type ProcessSignal,
  type ProcessTarget,
  type Stream,
  type Toxic,
} from "./schema.js";

export interface FaultTiming {
  /** Start, ms from the start of the workload. */
  atMs: number;
  /**
   * How long each occurrence lasts, ms. Network: until the toxic is removed. kill/stop: down time
   * before the restart. pause: time frozen. restart: the gap between stop and start (0 by default).
   * null = until the final heal.
   */
  forMs: number | null;
  /** Repeat period from atMs while the workload runs; null = once. Always longer than forMs. */
  everyMs: number | null;
  /** Random start offset in [0, jitterMs), seeded by the run's seed; null = none. */
  jitterMs: number | null;
}

export interface ResolvedNetworkFault extends FaultTiming {
  kind: "network";
  link: Link;
  /** "down" disables the proxy (no toxic); the others are Toxiproxy toxics. */
  toxic: Toxic;
  /** "both" = one toxic each way. */
  stream: Stream;
  attributes: Record<string, number>;
  toxicity: number;
}

export interface ResolvedProcessFault extends FaultTiming {
  kind: "process";
  /** "kafka" = every broker of the cluster; "kafka-N" = one. */
  target: ProcessTarget;
  action: ProcessAction;
  /** kill: SIGKILL unless given; stop and restart: SIGTERM unless given (restart); pause: null. */
  signal: ProcessSignal | null;
}

export type ResolvedFault = ResolvedNetworkFault | ResolvedProcessFault;

function optionalMs(duration: Parameters<typeof parseDuration>[0] | undefined): number | null {
  return duration === undefined ? null : parseDuration(duration);
}

/** The general form of a validated fault step. */
export function normaliseFault(fault: FaultInput): ResolvedFault {
  const timing = { atMs: parseDuration(fault.at), everyMs: optionalMs(fault.every), jitterMs: optionalMs(fault.jitter) };
  if ("link" in fault) {
    return {
      kind: "network",
      ...timing,
      forMs: optionalMs(fault.for),
      link: fault.link,
      toxic: fault.toxic,
      stream: fault.stream ?? "both",
      attributes: { ...(fault.attributes ?? {}) },
      toxicity: fault.toxicity ?? 1,
    };
  }
  const parts = processFaultParts(fault);
  if (parts === undefined) throw new Error(`not a fault step: ${JSON.stringify(fault)}`);
  const process = fault as { for?: FaultInput["for"]; restartAfter?: FaultInput["at"]; signal?: ProcessSignal };
  const downMs = optionalMs(process.restartAfter ?? process.for);
  const signal: Record<ProcessAction, ProcessSignal | null> = {
    kill: process.signal ?? "SIGKILL",
    stop: "SIGTERM",
    restart: process.signal ?? "SIGTERM",
    pause: null,
  };
  return {
    kind: "process",
    ...timing,
    forMs: parts.action === "restart" ? (downMs ?? 0) : downMs,
    target: parts.target,
    action: parts.action,
    signal: signal[parts.action],
  };
}

/** One line for logs and reports: "kill mosquitto (SIGKILL) at 10s for 3s". */
export function describeFault(fault: ResolvedFault): string {
  const head =
    fault.kind === "network"
      ? `${fault.toxic} on ${fault.link}${fault.toxic === "down" ? "" : ` (${fault.stream})`}`
      : `${fault.action} ${fault.target}${fault.signal === null ? "" : ` (${fault.signal})`}`;
  const lasting = fault.forMs === null ? "" : ` for ${formatDuration(fault.forMs)}`;
  const repeat = fault.everyMs === null ? "" : `, every ${formatDuration(fault.everyMs)}`;
  const jitter = fault.jitterMs === null ? "" : ` (+ up to ${formatDuration(fault.jitterMs)} at random)`;
  return `${head} at ${formatDuration(fault.atMs)}${jitter}${lasting}${repeat}`;
}
