/**
 * Typed durations: "500ms", "10s", "2m", "1h", or a plain number of milliseconds
 * (for JSON and YAML scenarios, where a template-literal type cannot help).
 */
import { z } from "zod";
import { LosslabError } from "../errors.js";

export type Duration = `${number}ms` | `${number}s` | `${number}m` | `${number}h`;
/** What a scenario may write wherever a duration is expected. A number means milliseconds. */
export type DurationInput = Duration | number;

/** setTimeout's ceiling (about 24.8 days): a longer timer would fire at once. */
export const MAX_DURATION_MS = 2_147_483_647;

export const DURATION_HINT = 'a duration like "500ms", "10s", "2m" or "1h", or a whole number of milliseconds';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
type Unit = keyof typeof UNIT_MS;
const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/** The value in ms, or the reason it is not a duration. */
function toMs(value: unknown): { ms: number } | { problem: string } {
  let ms: number;
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < 0) {
      return { problem: `expected ${DURATION_HINT}, received ${value}` };
    }
    ms = value;
  } else if (typeof value === "string") {
    const match = DURATION_PATTERN.exec(value);
    if (match === null) return { problem: `expected ${DURATION_HINT}, received ${JSON.stringify(value)}` };
    // Round away float noise, so that "1.1s" is 1100 and not 1100.0000000000002.
    const rounded = Math.round(Number(match[1]) * UNIT_MS[match[2] as Unit] * 1_000) / 1_000;
    if (!Number.isInteger(rounded)) {
      return { problem: `${JSON.stringify(value)} is not a whole number of milliseconds` };
    }
    ms = rounded;
  } else {
    return { problem: `expected ${DURATION_HINT}, received ${describeType(value)}` };
  }
  if (ms > MAX_DURATION_MS) {
    return { problem: `${typeof value === "string" ? JSON.stringify(value) : value} is longer than the longest supported duration (${MAX_DURATION_MS} ms)` };
  }
  return { ms };
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

export function isDuration(value: unknown): value is DurationInput {
  return "ms" in toMs(value);
}

/** Milliseconds in a duration. Throws SCENARIO_INVALID for anything that is not one. */
export function parseDuration(duration: DurationInput | string): number {
  const result = toMs(duration);
  if ("problem" in result) throw new LosslabError("SCENARIO_INVALID", `invalid duration: ${result.problem}`);
  return result.ms;
}

/** The shortest exact spelling of a duration in ms: 1500 → "1.5s", 120000 → "2m", 250 → "250ms". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return `${ms}ms`;
  for (const unit of ["h", "m", "s"] as const) {
    // At most three decimals in the bigger unit, and at least one whole unit.
    if (Math.abs(ms) >= UNIT_MS[unit] && Number.isInteger((ms * 1_000) / UNIT_MS[unit])) {
      return `${(ms * 1_000) / UNIT_MS[unit] / 1_000}${unit}`;
    }
  }
  return `${ms}ms`;
}

/** Any duration, zero included (a fault `at: "0s"`). */
export const durationSchema = z.custom<DurationInput>((value) => isDuration(value), {
  error: (issue) => {
    const result = toMs(issue.input);
    return "problem" in result ? result.problem : `expected ${DURATION_HINT}`;
  },
});

/** A duration longer than zero. */
export const positiveDurationSchema = durationSchema.refine((value) => parseDuration(value) > 0, {
  error: "must be longer than 0",
});
