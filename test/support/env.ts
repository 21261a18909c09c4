import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startNativeEnvironment, type NativeEnvironment } from "../../harness/env/native/environment.js";
import type { EnvironmentOptions } from "../../harness/env/environment.js";

/** A native environment in a fresh temp dir; use with `await using` so a failing test cannot leak it. */
export function testEnvironment(options: Partial<EnvironmentOptions> = {}): Promise<NativeEnvironment> {
  const workDir = mkdtempSync(join(tmpdir(), "losslab-test-"));
  return startNativeEnvironment({ workDir, ...options });
}
