/**
 * Finding and reading scenarios: a built-in name (scenarios/<name>.ts, or the compiled .js when
 * running from dist/) or a file (.ts .mts .js .mjs with a default export, .json, .yaml .yml).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import YAML from "yaml";
import { describeError, isLosslabError, LosslabError } from "../errors.js";
import type { ScenarioInput } from "./schema.js";
import { closestKey, validateScenario } from "./validate.js";

export { validateScenario } from "./validate.js";

/** In lookup order for built-in names. */
export const SCENARIO_EXTENSIONS = [".ts", ".mts", ".js", ".mjs", ".json", ".yaml", ".yml"] as const;
const MODULE_EXTENSIONS = new Set([".ts", ".mts", ".js", ".mjs"]);
const TYPESCRIPT_EXTENSIONS = new Set([".ts", ".mts"]);

export interface LoadScenarioOptions {
  /** Where built-in scenarios live; default defaultScenariosDir(). */
  scenariosDir?: string;
  /** Base for relative paths and for the source shown in messages; default process.cwd(). */
  cwd?: string;
}

export interface ScenarioLocation {
  file: string;
  builtIn: boolean;
  /** How messages name the file: relative to cwd when inside it. */
  source: string;
}

export interface ScenarioSummary {
  name: string;
  description: string;
  file: string;
  /** Set when the file does not load or validate; the other scenarios are still listed. */
  error?: string;
}

/**
 * The package's scenarios folder, relative to this module: <root>/scenarios from the sources,
 * <root>/dist/scenarios (the compiled .js) from dist/harness/scenario/.
 */
export function defaultScenariosDir(): string {
  return fileURLToPath(new URL("../../scenarios/", import.meta.url));
}

/** Loads and validates a scenario. SCENARIO_NOT_FOUND or SCENARIO_INVALID (exit code 2). */
export async function loadScenario(nameOrPath: string, options: LoadScenarioOptions = {}): Promise<ScenarioInput> {
  const location = await locateScenario(nameOrPath, options);
  const scenario = validateScenario(await readScenarioFile(location.file, location.source), location.source);
  if (location.builtIn && scenario.name !== nameOrPath) {
    throw new LosslabError(
      "SCENARIO_INVALID",
      `${location.source}: name: "${scenario.name}" must match the file name ("${nameOrPath}") for a built-in scenario`,
    );
  }
  return scenario;
}

function looksLikePath(nameOrPath: string): boolean {
  return /[\\/]/.test(nameOrPath) || nameOrPath.startsWith(".") || path.extname(nameOrPath) !== "";
}

/** Where a name or path points, without reading it. */
export async function locateScenario(nameOrPath: string, options: LoadScenarioOptions = {}): Promise<ScenarioLocation> {
  const cwd = options.cwd ?? process.cwd();
  if (looksLikePath(nameOrPath)) {
    const file = path.resolve(cwd, nameOrPath);
    const extension = path.extname(file);
    if (!(SCENARIO_EXTENSIONS as readonly string[]).includes(extension)) {
      throw new LosslabError(
        "SCENARIO_INVALID",
        `${nameOrPath}: a scenario file ends in ${SCENARIO_EXTENSIONS.join(", ")}`,
      );
    }
    if (!(await isFile(file))) throw new LosslabError("SCENARIO_NOT_FOUND", `no scenario file at ${nameOrPath}`);
    return { file, builtIn: false, source: displayPath(file, cwd) };
  }

  const dir = options.scenariosDir ?? defaultScenariosDir();
  for (const extension of SCENARIO_EXTENSIONS) {
    const file = path.join(dir, `${nameOrPath}${extension}`);
    if (await isFile(file)) return { file, builtIn: true, source: displayPath(file, cwd) };
  }
  const known = await builtInNames(dir);
  const suggestion = closestKey(nameOrPath, known);
  const hint =
    known.length === 0
      ? `no built-in scenarios in ${displayPath(dir, cwd)}`
      : `${suggestion === undefined ? "" : `did you mean "${suggestion}"? `}built-in scenarios: ${known.join(", ")}`;
  throw new LosslabError("SCENARIO_NOT_FOUND", `unknown scenario "${nameOrPath}" (${hint})`, { details: known });
}

/** Names and descriptions of the built-in scenarios, sorted by name. */
export async function listScenarios(dir: string = defaultScenariosDir()): Promise<ScenarioSummary[]> {
  const summaries: ScenarioSummary[] = [];
  for (const name of await builtInNames(dir)) {
    try {
      const location = await locateScenario(name, { scenariosDir: dir });
      try {
        const scenario = await loadScenario(name, { scenariosDir: dir });
        summaries.push({ name, description: scenario.description ?? "", file: location.file });
      } catch (error) {
        summaries.push({ name, description: "", file: location.file, error: describeError(error) });
      }
    } catch (error) {
      summaries.push({ name, description: "", file: path.join(dir, name), error: describeError(error) });
    }
  }
  return summaries;
}

async function builtInNames(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return [];
  }
  const names = new Set<string>();
  for (const entry of entries) {
    if (/\.d\.m?ts$/.test(entry)) continue; // declarations beside the compiled .js in dist/
    const extension = path.extname(entry);
    if ((SCENARIO_EXTENSIONS as readonly string[]).includes(extension)) names.add(entry.slice(0, -extension.length));
  }
  return [...names].sort();
}

/** The file's raw content: a module's default export, or the parsed JSON / YAML. */
export async function readScenarioFile(file: string, source: string = file): Promise<unknown> {
  const extension = path.extname(file);
  if (MODULE_EXTENSIONS.has(extension)) return importDefault(file, source, TYPESCRIPT_EXTENSIONS.has(extension));

  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new LosslabError("SCENARIO_NOT_FOUND", `${source}: cannot be read`, { cause: error });
  }
  if (extension === ".json") {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new LosslabError("SCENARIO_INVALID", `${source}: invalid JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  try {
    return YAML.parse(text) as unknown;
  } catch (error) {
    // yaml's message is "… at line 3, column 15:" and then a code frame: keep the first line.
    const firstLine = ((error as Error).message.split("\n")[0] ?? "").replace(/:$/, "");
    throw new LosslabError("SCENARIO_INVALID", `${source}: invalid YAML: ${firstLine}`, { cause: error });
  }
}

async function importDefault(file: string, source: string, typescript: boolean): Promise<unknown> {
  const url = pathToFileURL(file).href;
  let module: Record<string, unknown>;
  try {
    if (typescript) {
      const { tsImport } = await import("tsx/esm/api");
      module = (await tsImport(url, import.meta.url)) as Record<string, unknown>;
    } else {
      module = (await import(url)) as Record<string, unknown>;
    }
  } catch (error) {
    if (isLosslabError(error)) throw error;
    throw new LosslabError("SCENARIO_INVALID", `${source}: cannot be loaded: ${describeError(error)}`, { cause: error });
  }
  let value = module.default;
  // A .ts file outside a "type": "module" package is compiled as CommonJS: its default export
  // arrives one level down.
  if (isRecord(value) && "default" in value && !("name" in value)) value = value.default;
  if (value === undefined) {
    throw new LosslabError(
      "SCENARIO_INVALID",
      `${source}: no default export (expected export default defineScenario({ … }))`,
    );
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative === "" || relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}
