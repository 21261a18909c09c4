/**
 * Teardown that always runs: environments register a disposer here; on SIGINT/SIGTERM losslab runs them all
 * (bounded in time) before exiting, and ManagedProcess's exit hook SIGKILLs whatever is still alive.
 */
const disposers = new Set<() => Promise<void>>();
let installed = false;
let tearingDown = false;

export function onTeardown(dispose: () => Promise<void>): () => void {
  disposers.add(dispose);
  return () => disposers.delete(dispose);
}

export async function teardownAll(timeoutMs = 30_000): Promise<void> {
  const pending = [...disposers];
  disposers.clear();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(pending.map((dispose) => dispose())),
    new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
  ]);
  clearTimeout(timer);
}

/** Installs SIGINT/SIGTERM handlers that tear everything down, then exit 130 / 143. A second signal exits at once. */
export function installSignalTeardown(log: (line: string) => void = (line) => process.stderr.write(line + "\n")): void {
  if (installed) return;
  installed = true;
  const handler = (signal: NodeJS.Signals): void => {
    const code = signal === "SIGINT" ? 130 : 143;
    if (tearingDown) process.exit(code);
    tearingDown = true;
    log(`losslab: ${signal} received, stopping every service …`);
    void teardownAll().finally(() => process.exit(code));
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
}
