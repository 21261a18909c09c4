import { setTimeout as sleep } from "node:timers/promises";
import { LosslabError } from "../errors.js";

export interface WaitOptions {
  /** What is awaited, for the error message ("kafka-1 to accept connections"). */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Lines to attach to the error (e.g. the service's last log lines), computed when it fails. */
  details?: () => string[];
  /** Rejects early when this promise rejects (e.g. the process exited). */
  abortOn?: Promise<never>;
}

/** Polls `probe` until it returns true (or a value), or fails with SERVICE_NOT_READY and the last probe error. */
export async function waitFor<T>(probe: () => Promise<T | false>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  let aborted: unknown;
  options.abortOn?.catch((error: unknown) => (aborted = error));
  for (;;) {
    if (aborted) throw aborted;
    try {
      const value = await probe();
      if (value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (aborted) throw aborted;
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : "";
      throw new LosslabError("SERVICE_NOT_READY", `timed out after ${options.timeoutMs} ms waiting for ${options.what}${reason}`, {
        cause: lastError,
        retriable: true,
        details: options.details?.() ?? [],
      });
    }
    await sleep(options.intervalMs ?? 200);
  }
}

export { sleep };
