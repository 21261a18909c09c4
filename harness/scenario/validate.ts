/**
 * Scenario validation with messages a user can act on: the source, the path of the bad field,
 * what was expected and what was found. All problems are listed, one a line, in the error's details.
 */
import type { z } from "zod";
import { LosslabError } from "../errors.js";
import { FAULT_SHAPES_HINT, faultBranch, scenarioSchema, type ScenarioInput } from "./schema.js";

type Issue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;
type PathSegment = PropertyKey;

/** Validates a loaded scenario. Throws SCENARIO_INVALID naming `source` and each bad field's path. */
export function validateScenario(input: unknown, source: string): ScenarioInput {
  const result = scenarioSchema.safeParse(input, { error: errorMessage, reportInput: true });
  if (result.success) return result.data;
  const lines = formatIssues(result.error.issues);
  throw new LosslabError("SCENARIO_INVALID", `${source}: ${summarise(lines)}`, { details: lines });
}

/** "first problem", or "first problem (and 2 more, listed below)". */
export function summarise(lines: readonly string[]): string {
  const first = lines[0] ?? "invalid";
  return lines.length > 1 ? `${first} (and ${lines.length - 1} more, listed below)` : first;
}

/** One line per problem: "workload.publishers: expected number, received string". */
export function formatIssues(issues: readonly Issue[], prefix: readonly PathSegment[] = []): string[] {
  return issues.flatMap((issue) => formatIssue(issue, prefix));
}

function formatIssue(issue: Issue, prefix: readonly PathSegment[]): string[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    // Faults are a union of strict objects; their keys say which one was meant.
    const isFault = path.length === 2 && path[0] === "faults" && typeof path[1] === "number";
    const branch = isFault ? faultBranch(issue.input) : closestBranch(issue.errors);
    const errors = branch === undefined ? undefined : issue.errors[branch];
    if (errors === undefined) return [line(path, isFault ? FAULT_SHAPES_HINT : issue.message)];
    return formatIssues(errors, path);
  }
  if (issue.code === "unrecognized_keys" && issue.keys.length === 1) {
    return [line([...path, issue.keys[0] ?? ""], issue.message)];
  }
  return [line(path, issue.message)];
}

/** The option that got furthest: the fewest problems. */
function closestBranch(errors: readonly Issue[][]): number | undefined {
  let best: number | undefined;
  errors.forEach((issues, index) => {
    if (best === undefined || issues.length < (errors[best]?.length ?? Infinity)) best = index;
  });
  return best;
}

function line(path: readonly PathSegment[], message: string): string {
  return path.length === 0 ? message : `${formatPath(path)}: ${message}`;
}

/** workload.publishers, faults[0].at, bridge.env["MY-VAR"]. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (typeof segment === "string" && /^[A-Za-z_$][\w$]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

// ── messages ─────────────────────────────────────────────────────────────────────────────────

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  return typeof value;
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) return String(value);
  return typeName(value);
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map(show);
  return shown.length === 1 ? (shown[0] ?? "") : `one of ${shown.join(", ")}`;
}

const EXPECTED_NAMES: Record<string, string> = { int: "integer", nan: "NaN" };

/** zod's per-parse error map: plain messages in the "expected …, received …" form. */
export function errorMessage(issue: RawIssue): string | undefined {
  const input: unknown = issue.input;
  switch (issue.code) {
    case "invalid_type":
      if (input === undefined) return "required";
      if (issue.expected === "int" && typeof input === "number") return `expected integer, received ${input}`;
      return `expected ${EXPECTED_NAMES[issue.expected] ?? issue.expected}, received ${typeName(input)}`;
    case "too_small": {
      const min = String(issue.minimum);
      if (issue.origin === "number" || issue.origin === "int") {
        return `expected ${issue.inclusive === false ? "more than" : "at least"} ${min}, received ${show(input)}`;
      }
      if (issue.origin === "array") return `expected at least ${min} item${min === "1" ? "" : "s"}`;
      if (issue.origin === "string") return min === "1" ? "must not be empty" : `expected at least ${min} characters`;
      return undefined;
    }
    case "too_big": {
      const max = String(issue.maximum);
      if (issue.origin === "number" || issue.origin === "int") {
        return `expected ${issue.inclusive === false ? "less than" : "at most"} ${max}, received ${show(input)}`;
      }
      if (issue.origin === "array") return `expected at most ${max} item${max === "1" ? "" : "s"}`;
      if (issue.origin === "string") return `expected at most ${max} characters`;
      return undefined;
    }
    case "invalid_value":
      return `expected ${oneOf(issue.values)}, received ${show(input)}`;
    case "unrecognized_keys":
      return unknownKeysMessage(issue.keys, knownKeys(issue.inst));
    case "invalid_union":
    {
      const options = (issue as { options?: readonly unknown[] }).options;
      if (issue.discriminator === undefined || options === undefined) return undefined;
      const tag = typeof input === "object" && input !== null ? (input as Record<string, unknown>)[issue.discriminator] : input;
      return tag === undefined ? `required (${oneOf(options)})` : `expected ${oneOf(options)}, received ${show(tag)}`;
    }
    default:
      return undefined;
  }
}

function knownKeys(inst: unknown): string[] {
  const shape = (inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
  return shape === undefined ? [] : Object.keys(shape);
}

function unknownKeysMessage(keys: readonly string[], known: readonly string[]): string {
  const knownList = known.length === 0 ? "" : `known keys: ${known.join(", ")}`;
  if (keys.length === 1) {
    const suggestion = closestKey(keys[0] ?? "", known);
    if (suggestion !== undefined) return `unknown key (did you mean "${suggestion}"?)`;
    return knownList === "" ? "unknown key" : `unknown key (${knownList})`;
  }
  const listed = keys.map((key) => JSON.stringify(key)).join(", ");
  return knownList === "" ? `unknown keys ${listed}` : `unknown keys ${listed} (${knownList})`;
}

/** A known key within two edits of `key`, ignoring case. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && distance < key.length && (best === undefined || distance < best.distance)) {
      best = { key: candidate, distance };
    }
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
