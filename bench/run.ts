/**
 * `npm run bench`: the performance goals, each measured for real.
 *   1. reconciler alone on 10 M synthetic records (its own process, so its peak RSS is its own);
 *   2. publisher overhead: losslab's QoS 0 loop vs a raw MQTT.js loop, same Mosquitto, same run;
 *   2b. startup time of the environment (median of 5, 1 and 3 brokers) and memory per service, native and — when
 *       a Docker engine has the images (see `losslab images`) — containers;
 *   3. highest sustained end-to-end rate through the reference bridge per QoS with zero acked loss.
 * Prints one summary and writes reports/bench.json. `--only reconcile|startup|publisher|throughput` runs one.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchPublisher } from "./publisher.js";
import { benchThroughput } from "./throughput.js";
import { benchStartup } from "./startup.js";
import { packageRoot } from "../harness/paths.js";
import { chooseRuntime } from "../harness/env/select.js";

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
const summary: Record<string, unknown> = { node: process.version, at: new Date().toISOString() };

if (!only || only === "reconcile") {
  const script = join(here, `reconcile${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`);
  const args = import.meta.url.endsWith(".ts") ? ["--import", "tsx", script] : [script];
  const child = spawnSync(process.execPath, [...args, "--records", "10000000", "--mode", "both"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  process.stdout.write(child.stdout);
  const last = child.stdout.trim().split("\n").pop() ?? "{}";
  summary.reconcile = JSON.parse(last);
}
if (!only || only === "startup") {
  const results = [await benchStartup(1), await benchStartup(3)];
  const containers = await chooseRuntime("auto");
  if (containers.runtime === "containers") results.push(await benchStartup(1, 5, "containers"), await benchStartup(3, 5, "containers"));
  else console.log(`startup: containers runtime skipped (${containers.reason})`);
  for (const result of results) {
    console.log(`startup: ${result.runtime}, ${result.brokers} broker(s): median ${result.medianMs} ms of ${result.startupMs.join(", ")}; memory MB ${JSON.stringify(result.rssMB)}`);
  }
  summary.startup = results;
}
if (!only || only === "publisher") {
  const publisher = await benchPublisher();
  console.log(`publisher: raw MQTT.js ${publisher.rawPerSecond}/s, losslab ${publisher.losslabPerSecond}/s → ${(publisher.overhead * 100).toFixed(1)} % slower (goal ≤ 15 %)`);
  summary.publisher = publisher;
}
if (!only || only === "throughput") {
  const throughput = await benchThroughput({ log: (line) => console.log(`throughput: ${line}`) });
  console.log(`throughput: sustained with zero acked loss: ${JSON.stringify(throughput.sustained)} messages/s`);
  summary.throughput = throughput;
}
const out = join(packageRoot(), "reports");
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "bench.json"), JSON.stringify(summary, null, 2) + "\n");
console.log(`written: ${join(out, "bench.json")}`);
