/** Debian packages, installed with apt-get as root (package lists refreshed once if an install fails). */
import { LosslabError } from "../errors.js";
import { exec, lastLines, which } from "./exec.js";

export async function aptInstall(packages: string[], log: (line: string) => void = () => {}): Promise<void> {
  const apt = which("apt-get");
  if (!apt || process.getuid?.() !== 0) {
    throw new LosslabError("PREREQUISITE_MISSING", `${packages.join(", ")} missing: install ${packages.join(" ")} (Debian: apt-get install ${packages.join(" ")})`);
  }
  log(`installing ${packages.join(", ")} with apt-get …`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const args = ["install", "-y", "-q", "--no-install-recommends", ...packages];
  let result = await exec(apt, args, { env, timeoutMs: 900_000 });
  if (result.code !== 0) {
    await exec(apt, ["update", "-q"], { env, timeoutMs: 600_000 });
    result = await exec(apt, args, { env, timeoutMs: 900_000 });
  }
  if (result.code !== 0) {
    throw new LosslabError("INSTALL_FAILED", `apt-get install ${packages.join(" ")} failed`, { details: lastLines(result.stderr || result.stdout) });
  }
}
