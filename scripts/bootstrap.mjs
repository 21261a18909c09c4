#!/usr/bin/env node
// Brings a fresh clone to a runnable state, idempotently and quickly when nothing changed:
//   1. npm dependencies (npm ci when node_modules is missing or older than package-lock.json),
//   2. the TypeScript build (when a source is newer than the last build),
//   3. `losslab setup`: Mosquitto, Kafka's jars and Toxiproxy, cached under ~/.cache/losslab.
// Plain JavaScript without dependencies: it runs before any are installed.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const say = (line) => process.stderr.write(`[bootstrap] ${line}\n`);

function fail(line, code = 2) {
  process.stderr.write(`losslab: ${line}\n`);
  process.exit(code);
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (result.error) fail(`${command} could not start: ${result.error.message}`);
  return result.status ?? 1;
}

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) fail(`Node.js ${process.versions.node} is too old: install Node.js 20.19 or newer`);

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

// 1. dependencies
const installedMarker = join(root, "node_modules", ".package-lock.json");
if (!existsSync(installedMarker) || mtime(join(root, "package-lock.json")) > mtime(installedMarker)) {
  say("installing npm dependencies …");
  if (run("npm", ["ci", "--no-audit", "--no-fund"]) !== 0) fail("npm ci failed: check the network access to the npm registry");
}

// 2. build
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, mtime(path));
  }
  return newest;
}
const stamp = join(root, "dist", ".build-stamp");
const sources = Math.max(
  ...["harness", "scenarios", "bench"].filter((dir) => existsSync(join(root, dir))).map((dir) => newestSource(join(root, dir))),
  mtime(join(root, "tsconfig.json")),
);
if (!existsSync(stamp) || sources > mtime(stamp)) {
  say("building (tsc) …");
  if (run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"]) !== 0) fail("the TypeScript build failed");
  writeFileSync(stamp, new Date().toISOString() + "\n");
}

// 3. native components
if (!process.env.LOSSLAB_SKIP_SETUP) {
  const code = run(process.execPath, [join(root, "dist", "harness", "cli.js"), "setup"]);
  if (code !== 0) process.exit(code);
}
