import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Where losslab caches what `losslab setup` installs (Kafka jars, the Toxiproxy binary) and its run registry. */
export function losslabHome(): string {
  if (process.env.LOSSLAB_HOME) return resolve(process.env.LOSSLAB_HOME);
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache");
  return join(cache, "losslab");
}

/** The package root (holds package.json), whether running from harness/ sources or from dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, "utf8")) as { name?: string };
      if (pkg.name === "losslab") return dir;
    }
    dir = dirname(dir);
  }
  throw new Error("cannot find losslab's package.json above " + fileURLToPath(import.meta.url));
}

export function losslabVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string };
  return pkg.version;
}
