/**
 * Ledger.load: rebuilds a run's history from its folder (format in ./format.ts), tolerating what a
 * crash leaves: a cut last record, a cut last event line, a missing ledger.bin or ledger.ndjson.
 * ledger.bin is streamed twice in 1 MiB chunks (sizes first, then values), never held whole.
 */
import { open, readFile } from "node:fs/promises";
import path from "node:path";

import { LosslabError } from "../errors.js";
import { EVENTS_FILE, META_FILE, RECORD_BYTES, RECORD_MARKER, RECORDS_FILE, eventSchema, isRecordCode, metaSchema } from "./format.js";
import { LedgerState } from "./state.js";
import { OUTCOME_CODE, type LedgerDamage, type LedgerMeta, type LedgerSnapshot, type OutcomeCode } from "./types.js";

const CHUNK_BYTES = 65_536 * RECORD_BYTES;

export async function loadLedger(dir: string): Promise<LedgerSnapshot> {
  const meta = await readMeta(dir);
  const damage: LedgerDamage = { truncatedRecordBytes: 0, badRecords: 0, badEventLines: 0 };
  const known = new Set(meta.publishers.map((p) => p.id));

  const recordsPath = path.join(dir, RECORDS_FILE);
  // Pass 1: how many seqs each publisher touched, to allocate exact arrays.
  const counts = new Map<number, number>();
  const found = await scanRecords(recordsPath, (view, at) => {
    const publisherId = view.getUint16(at + 4, true);
    if (!isGoodRecord(view, at, known)) return;
    const n = view.getUint32(at, true) + 1;
    if (n > (counts.get(publisherId) ?? 0)) counts.set(publisherId, n);
  });

  const state = new LedgerState(meta, (id) => counts.get(id) ?? 0);
  if (found) {
    // Pass 2: replay in file order through the same rules as the live ledger.
    const size = await scanRecords(recordsPath, (view, at) => {
      if (!isGoodRecord(view, at, known)) {
        damage.badRecords++;
        return;
      }
      const seq = view.getUint32(at, true);
      const history = state.byId[view.getUint16(at + 4, true)]!;
      const code = view.getUint8(at + 6) as OutcomeCode;
      const timeMs = view.getFloat64(at + 8, true);
      if (code === OUTCOME_CODE.pending) history.sent(seq, timeMs);
      else history.outcome(seq, code, timeMs);
    });
    damage.truncatedRecordBytes = size === false ? 0 : size % RECORD_BYTES;
  }

  await replayEvents(path.join(dir, EVENTS_FILE), state, damage);
  return state.snapshot(damage);
}

function isGoodRecord(view: DataView, at: number, known: Set<number>): boolean {
  return view.getUint8(at + 7) === RECORD_MARKER && isRecordCode(view.getUint8(at + 6)) && known.has(view.getUint16(at + 4, true));
}

async function readMeta(dir: string): Promise<LedgerMeta> {
  const file = path.join(dir, META_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new LosslabError("LEDGER_IO", `no ledger in ${dir} (cannot read ${META_FILE})`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new LosslabError("LEDGER_IO", `${file} is not JSON`, { cause: error });
  }
  const parsed = metaSchema.safeParse(json);
  if (!parsed.success) {
    throw new LosslabError("LEDGER_IO", `${file} is not a losslab ledger`, {
      details: parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`),
    });
  }
  return parsed.data;
}

/** Calls onRecord for each complete record; returns the file size, or false when there is no file. */
async function scanRecords(file: string, onRecord: (view: DataView, at: number) => void): Promise<number | false> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw new LosslabError("LEDGER_IO", `cannot read ${file}`, { cause: error });
  }
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    let position = 0;
    let carry = 0; // bytes of an incomplete record kept at the start of the buffer
    for (;;) {
      const { bytesRead } = await handle.read(buffer, carry, CHUNK_BYTES - carry, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const available = carry + bytesRead;
      const whole = available - (available % RECORD_BYTES);
      for (let at = 0; at < whole; at += RECORD_BYTES) onRecord(view, at);
      carry = available - whole;
      if (carry > 0) buffer.copy(buffer, 0, whole, available);
    }
    return position;
  } catch (error) {
    throw new LosslabError("LEDGER_IO", `cannot read ${file}`, { cause: error });
  } finally {
    await handle.close();
  }
}

async function replayEvents(file: string, state: LedgerState, damage: LedgerDamage): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new LosslabError("LEDGER_IO", `cannot read ${file}`, { cause: error });
  }
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      damage.badEventLines++;
      continue;
    }
    const parsed = eventSchema.safeParse(json);
    if (!parsed.success) {
      damage.badEventLines++;
      continue;
    }
    state.apply(parsed.data);
  }
}
