/**
 * An append-only file written in the background: writes are queued and run one after another, so
 * the caller never waits; `settle()` waits for what is queued and reports the first failure.
 */
import type { FileHandle } from "node:fs/promises";

import { LosslabError } from "../errors.js";

export class Appender {
  private tail: Promise<void> = Promise.resolve();
  private failure: unknown;
  private closed = false;

  constructor(
    private readonly handle: FileHandle,
    readonly path: string,
  ) {}

  /** The first write error, if any (writing stops after it). */
  get error(): unknown {
    return this.failure;
  }

  write(data: Uint8Array): void {
    if (this.closed) throw new LosslabError("LEDGER_IO", `${this.path} is already closed`);
    this.tail = this.tail.then(async () => {
      if (this.failure !== undefined) return;
      try {
        let at = 0;
        while (at < data.length) {
          const { bytesWritten } = await this.handle.write(data, at, data.length - at);
          at += bytesWritten;
        }
      } catch (error) {
        this.failure = error;
      }
    });
  }

  /** Waits for the queued writes; throws LEDGER_IO if one failed. */
  async settle(): Promise<void> {
    await this.tail;
    if (this.failure !== undefined) {
      throw new LosslabError("LEDGER_IO", `writing ${this.path} failed`, { cause: this.failure });
    }
  }

  /** Settles, syncs to disk and closes the file (always closes, even after a failure). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.settle();
      await this.handle.sync();
    } finally {
      await this.handle.close();
    }
  }
}
