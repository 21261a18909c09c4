/**
 * Installs the native components once before the suite (idempotent, cached). After it, any broker or proxy
 * process that a test started and whose test worker is gone is killed, and the run fails naming it. Only
 * processes recorded in losslab's registry by this suite's workers are considered, so a developer's own
 * `losslab env up` running beside the tests is left alone.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { setup } from "../harness/setup/install.js";
import { sweepStaleProcesses } from "../harness/env/native/registry.js";

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!process.env.LOSSLAB_SKIP_SETUP) await setup({ log: (line) => console.log(`[setup] ${line}`) });
  return async () => {
    // Workers exit just before the teardown: give their exit hooks a moment.
    await sleep(500);
    const leaked = sweepStaleProcesses();
    if (leaked.length > 0) throw new Error(`processes left behind by the test suite (now killed): ${leaked.join(", ")}`);
  };
}
