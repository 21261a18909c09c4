/**
 * The ledger's files in the run folder. Written as the run goes, so a crashed run can still be reconciled.
 *
 * ledger.json    LedgerMeta, written once at creation (pretty JSON):
 *                { "schema": "losslab/ledger@1", "runId", "scenario", "seed", "startedAtMs",
 *                  "publishers": [ { "id", "qos", "clientId", "topic"? } ] }
 *
 * ledger.bin     Append-only publish history: fixed 16-byte little-endian records, no header.
 *                  offset 0  u32  seq
 *                  offset 4  u16  publisher id
 *                  offset 6  u8   code: 1 sent (pending), 2 acked, 3 failed, 4 unknown
 *                  offset 7  u8   marker 0x4c ('L'); a record without it is skipped
 *                  offset 8  f64  time, ms since epoch (send time for code 1, outcome time otherwise)
 *                Replaying the records in file order through GrowableHistory rebuilds the in-memory
 *                state. A crash may cut the last record: the incomplete tail (size % 16) is ignored.
 *
 * ledger.ndjson  Everything else, one JSON object per line, in order:
 *                  {"type":"fault","id":n,"kind","target","startMs","endMs","detail"?,"error"?}
 *                  {"type":"faultEnd","id":n,"endMs","error"?}
 *                  {"type":"note","kind","atMs","data"}
 *                  {"type":"offsets","which":"start"|"end","topic","offsets":{"<partition>":"<offset>"}}
 *                  {"type":"closed","atMs"}          last line of a cleanly closed ledger
 *                A line that is not JSON (a cut last line) is skipped and counted.
 */
import { z } from "zod";

import { QOS_LEVELS } from "../result.js";
import { OUTCOME_CODE } from "./types.js";

export const META_FILE = "ledger.json";
export const RECORDS_FILE = "ledger.bin";
export const EVENTS_FILE = "ledger.ndjson";

export const LEDGER_SCHEMA = "losslab/ledger@1";
export const RECORD_BYTES = 16;
export const RECORD_MARKER = 0x4c;
export const MAX_PUBLISHER_ID = 0xffff;

/** Records per write batch (64 KiB). */
export const BATCH_RECORDS = 4096;

export function isRecordCode(code: number): boolean {
  return code >= OUTCOME_CODE.pending && code <= OUTCOME_CODE.unknown;
}

const qosSchema = z.union(QOS_LEVELS.map((level) => z.literal(level)) as [z.ZodLiteral<0>, z.ZodLiteral<1>, z.ZodLiteral<2>]);

export const publisherDeclSchema = z.object({
  id: z.number().int().min(0).max(MAX_PUBLISHER_ID),
  qos: qosSchema,
  clientId: z.string(),
  topic: z.string().optional(),
});

export const metaSchema = z.object({
  schema: z.literal(LEDGER_SCHEMA),
  runId: z.string().min(1),
  scenario: z.string(),
  seed: z.number(),
  startedAtMs: z.number(),
  publishers: z.array(publisherDeclSchema),
});

const offsetsSchema = z.record(z.string(), z.string());

export const eventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("fault"),
    id: z.number().int().min(0),
    kind: z.string(),
    target: z.string(),
    startMs: z.number(),
    endMs: z.number().nullable(),
    detail: z.record(z.string(), z.unknown()).optional(),
    error: z.string().optional(),
  }),
  z.object({ type: z.literal("faultEnd"), id: z.number().int().min(0), endMs: z.number(), error: z.string().optional() }),
  z.object({ type: z.literal("note"), kind: z.string(), atMs: z.number(), data: z.unknown() }),
  z.object({ type: z.literal("offsets"), which: z.enum(["start", "end"]), topic: z.string(), offsets: offsetsSchema }),
  z.object({ type: z.literal("closed"), atMs: z.number() }),
]);

export type LedgerEvent = z.infer<typeof eventSchema>;
