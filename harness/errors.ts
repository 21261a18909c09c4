/**
 * Errors losslab raises on purpose. A closed list of codes, the cause kept,
 * and the exit code the CLI maps them to (2 = harness or configuration error).
 */
export const ERROR_CODES = [
  "PREREQUISITE_MISSING",
  "INSTALL_FAILED",
  "SCENARIO_INVALID",
  "SCENARIO_NOT_FOUND",
  "SERVICE_START_FAILED",
  "SERVICE_NOT_READY",
  "SERVICE_UNKNOWN",
  "TOXIPROXY_API",
  "KAFKA_IO",
  "LEDGER_IO",
  "RUN_FAILED",
  "RUN_INTERRUPTED",
  "USAGE",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface LosslabErrorOptions {
  cause?: unknown;
  /** Whether trying the same thing again may succeed (a timeout, a broker still starting). */
  retriable?: boolean;
  /** Extra lines a user needs to act on the error (the last log lines of a service, a field path). */
  details?: string[];
}

export class LosslabError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly details: string[];

  constructor(code: ErrorCode, message: string, options: LosslabErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "LosslabError";
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.details = options.details ?? [];
  }
}

export function isLosslabError(error: unknown, code?: ErrorCode): error is LosslabError {
  return error instanceof LosslabError && (code === undefined || error.code === code);
}

/** One-line description of any thrown value, with the cause chain. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(current instanceof LosslabError ? `${current.code}: ${current.message}` : current.message);
      current = (current as { cause?: unknown }).cause;
    } else {
      parts.push(String(current));
      current = undefined;
    }
  }
  return parts.join(" ← ");
}
