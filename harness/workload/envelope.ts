/**
 * The message envelope codec (contract: DESIGN.md "The message envelope").
 *
 * Wire form, JSON with short keys, written in this order and without whitespace:
 *
 *   {"r":"<runId>","p":<publisherId>,"s":<seq>,"q":<qos>,"t":<publishTimeMs>,"x":"xxxx…","c":"<crc32 hex>"}
 *
 * - "t" is rounded to the microsecond when encoding (ms since epoch, at most 3 decimals), so the
 *   common case decodes exactly without a string allocation.
 * - "x" is padding ('x' characters) chosen so the payload has exactly the requested byte size;
 *   a request below the minimum (the size with empty padding) gives the minimum.
 * - "c" is CRC32 (8 lower-case hex digits) over the canonical string
 *     {"r":<JSON r>,"p":<p>,"s":<s>,"q":<q>,"t":<String(t)>,"x":<JSON x>
 *   i.e. the payload up to, and including, the closing quote of "x". It is rebuilt from the field
 *   values when decoding, so a bridge that parses and re-serialises the JSON (other key order,
 *   whitespace, another float notation that keeps the same double) still round-trips.
 *
 * Decoding has a hand-rolled fast path for the exact byte shape the encoder writes (checksum over
 * the raw bytes, no JSON.parse); anything else falls back to JSON.parse and the canonical string.
 * A record that fails the fast path is never judged on it: only the slow path says "corrupted".
 *
 * Verdicts, given the expected run id:
 *   ok         parses, "r" is this run, fields well-typed, checksum right
 *   corrupted  parses with "r" = this run but a field is missing/ill-typed or the checksum fails;
 *              or does not parse but contains this run's id in quotes (a cheap byte search)
 *   other-run  parses with another "r" (checksum not examined: a flipped bit inside the run id
 *              itself therefore makes a record another run's; nothing else can tell)
 *   foreign    anything else: other JSON, no "r", not JSON and without this run's id, empty, null
 */
import zlib from "node:zlib";

import type { QosLevel } from "../result.js";

/** What a publisher puts in an envelope; the padding is derived from the requested size. */
export interface EnvelopeFields {
  runId: string;
  publisherId: number;
  seq: number;
  qos: QosLevel;
  /** ms since epoch, fractional (e.g. performance.timeOrigin + performance.now()). */
  publishTimeMs: number;
}

/** A decoded, checksum-verified envelope. */
export interface Envelope extends EnvelopeFields {
  /** Size of the envelope bytes (after any extractor). */
  bytes: number;
}

export type DecodeResult =
  | { kind: "ok"; envelope: Envelope }
  /** This run's envelope (its run id is in it) whose checksum fails or that cannot be parsed. Hints are untrusted. */
  | { kind: "corrupted"; runId?: string; publisherId?: number; seq?: number; reason: string }
  /** A losslab envelope of another run (never counted against this one). */
  | { kind: "other-run"; runId: string }
  /** Not a losslab envelope at all (other JSON, other data, a null value). */
  | { kind: "foreign" };

/** Unwraps the envelope from a bridge's wrapper; null when the value carries no envelope. */
export type PayloadExtractor = (value: Buffer) => Buffer | null;

/** Run ids go into the JSON unescaped: keep them to a safe alphabet. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

const CH_QUOTE = 0x22;
const CH_COMMA = 0x2c;
const CH_X = 0x78;
const CH_0 = 0x30;
const CH_9 = 0x39;
const CH_DOT = 0x2e;
const CH_BACKSLASH = 0x5c;

/** `,"c":"` + 8 hex + `"}` after the closing quote of "x". */
const TRAILER_BYTES = 16;
const HEX = "0123456789abcdef";
const HEX_CODES = Buffer.from(HEX, "latin1");

const HEAD = Buffer.from('{"r":"', "latin1");
const AFTER_R = Buffer.from('","p":', "latin1");
const AFTER_P = Buffer.from(',"s":', "latin1");
const AFTER_S = Buffer.from(',"q":', "latin1");
const AFTER_Q = Buffer.from(',"t":', "latin1");
const AFTER_T = Buffer.from(',"x":"', "latin1");
const TRAILER_HEAD = Buffer.from(',"c":"', "latin1");

// ---------------------------------------------------------------------------------------------
// Encoding

function checkFields(f: EnvelopeFields): void {
  if (!Number.isSafeInteger(f.publisherId) || f.publisherId < 0) {
    throw new RangeError(`envelope publisherId must be a non-negative integer, got ${f.publisherId}`);
  }
  if (!Number.isSafeInteger(f.seq) || f.seq < 0) {
    throw new RangeError(`envelope seq must be a non-negative integer, got ${f.seq}`);
  }
  if (f.qos !== 0 && f.qos !== 1 && f.qos !== 2) throw new RangeError(`envelope qos must be 0, 1 or 2, got ${String(f.qos)}`);
  if (!Number.isFinite(f.publishTimeMs)) throw new RangeError(`envelope publishTimeMs must be finite, got ${f.publishTimeMs}`);
}

/** The publish time as it is written: rounded to the microsecond. */
export function envelopeTime(publishTimeMs: number): number {
  return Math.round(publishTimeMs * 1000) / 1000;
}

/**
 * Below 2^42 ms (year 2109) a double's ulp is under 1 µs, so String(µs / 1000) is exactly the decimal
 * µs / 1000 without trailing zeros: the encoder writes those digits itself, with no string.
 */
const MAX_DIRECT_MICROS = 2 ** 42 * 1000;

function digitCount(n: number): number {
  let count = 1;
  for (let limit = 10; n >= limit && count < 16; limit *= 10) count++;
  return count;
}

/**
 * Writes n (a non-negative safe integer) as `count` decimal digits ending before `end`. Works on
 * int32 chunks of 8 digits, where `(x / 10) | 0` compiles to a multiply instead of a division.
 */
function writeDigits(buf: Uint8Array, end: number, n: number, count: number): void {
  let i = end;
  while (n >= 100_000_000) {
    const high = Math.floor(n / 100_000_000);
    let low = (n - high * 100_000_000) | 0;
    for (let k = 0; k < 8; k++) {
      const q = (low / 10) | 0;
      buf[--i] = CH_0 + low - q * 10;
      low = q;
    }
    n = high;
  }
  let x = n | 0;
  const first = end - count;
  while (i > first) {
    const q = (x / 10) | 0;
    buf[--i] = CH_0 + x - q * 10;
    x = q;
  }
}

function writeLiteral(buf: Uint8Array, at: number, literal: Uint8Array): number {
  for (let i = 0; i < literal.length; i++) buf[at + i] = literal[i]!;
  return at + literal.length;
}

/**
 * Encodes the envelopes of one run: the run id is checked once and its bytes kept; numbers are
 * written digit by digit straight into the payload (the publish hot path).
 */
export class EnvelopeEncoder {
  private readonly prefix: Buffer;
  /** The time layout of the last size computation (shared by size and write). */
  private tInt = 0;
  private tFrac = 0;
  private tFracDigits = 0;
  private tText: string | undefined;

  /**
   * @param padding "ascii" fills the padding with 'x'; "binary" with 0xFF bytes, which are not UTF-8: a bridge
   * that decodes payloads as text turns each into U+FFFD and the checksum catches it.
   */
  constructor(
    readonly runId: string,
    readonly padding: "ascii" | "binary" = "ascii",
  ) {
    if (!RUN_ID_PATTERN.test(runId)) throw new RangeError(`run id ${JSON.stringify(runId)} must match ${String(RUN_ID_PATTERN)}`);
    this.prefix = Buffer.from(`{"r":"${runId}","p":`, "latin1");
  }

  /** The size of the envelope with empty padding: the smallest payload these fields fit in. */
  minBytes(fields: EnvelopeFields): number {
    if (fields.runId !== this.runId) throw new RangeError(`envelope run id ${JSON.stringify(fields.runId)} is not this encoder's ${JSON.stringify(this.runId)}`);
    checkFields(fields);
    return (
      this.prefix.length +
      digitCount(fields.publisherId) +
      AFTER_P.length +
      digitCount(fields.seq) +
      AFTER_S.length +
      1 +
      AFTER_Q.length +
      this.timeBytes(fields.publishTimeMs) +
      AFTER_T.length +
      1 +
      TRAILER_BYTES
    );
  }

  private timeBytes(publishTimeMs: number): number {
    const micros = Math.round(publishTimeMs * 1000);
    if (micros >= 0 && micros < MAX_DIRECT_MICROS) {
      this.tText = undefined;
      const int = Math.floor(micros / 1000);
      let frac = micros - int * 1000;
      let fracDigits = 3;
      if (frac === 0) fracDigits = 0;
      else {
        while (frac % 10 === 0) {
          frac /= 10;
          fracDigits--;
        }
      }
      this.tInt = int;
      this.tFrac = frac;
      this.tFracDigits = fracDigits;
      return digitCount(int) + (fracDigits === 0 ? 0 : 1 + fracDigits);
    }
    this.tText = String(micros / 1000);
    return this.tText.length;
  }

  /** Encodes into target at offset; returns the bytes written (max(payloadBytes, minimum)). */
  encodeInto(fields: EnvelopeFields, payloadBytes: number, target: Uint8Array, offset = 0): number {
    const min = this.minBytes(fields);
    const size = payloadBytes > min ? Math.floor(payloadBytes) : min;
    if (offset < 0 || offset + size > target.length) {
      throw new RangeError(`envelope of ${size} bytes does not fit in ${target.length - offset} bytes`);
    }
    this.write(fields, size, target, offset);
    return size;
  }

  /** Encodes an envelope of exactly payloadBytes bytes (or the minimum when that is larger). */
  encode(fields: EnvelopeFields, payloadBytes: number): Buffer {
    const min = this.minBytes(fields);
    const size = payloadBytes > min ? Math.floor(payloadBytes) : min;
    const buf = Buffer.allocUnsafe(size);
    this.write(fields, size, buf, 0);
    return buf;
  }

  /** Writes the envelope; minBytes(fields) must have just run (it lays out the time). */
  private write(fields: EnvelopeFields, size: number, buf: Uint8Array, offset: number): void {
    let at = writeLiteral(buf, offset, this.prefix);
    let n = digitCount(fields.publisherId);
    writeDigits(buf, at + n, fields.publisherId, n);
    at = writeLiteral(buf, at + n, AFTER_P);
    n = digitCount(fields.seq);
    writeDigits(buf, at + n, fields.seq, n);
    at = writeLiteral(buf, at + n, AFTER_S);
    buf[at++] = CH_0 + fields.qos;
    at = writeLiteral(buf, at, AFTER_Q);
    if (this.tText === undefined) {
      n = digitCount(this.tInt);
      writeDigits(buf, at + n, this.tInt, n);
      at += n;
      if (this.tFracDigits > 0) {
        buf[at++] = CH_DOT;
        writeDigits(buf, at + this.tFracDigits, this.tFrac, this.tFracDigits);
        at += this.tFracDigits;
      }
    } else {
      for (let i = 0; i < this.tText.length; i++) buf[at++] = this.tText.charCodeAt(i);
    }
    at = writeLiteral(buf, at, AFTER_T);
    const xEnd = offset + size - TRAILER_BYTES - 1; // the closing quote of "x"
    buf.fill(this.padding === "binary" ? 0xff : CH_X, at, xEnd);
    buf[xEnd] = CH_QUOTE;
    const crc = zlib.crc32(buf.subarray(offset, xEnd + 1)) >>> 0;
    at = writeLiteral(buf, xEnd + 1, TRAILER_HEAD);
    for (let shift = 28; shift >= 0; shift -= 4) buf[at++] = HEX_CODES[(crc >>> shift) & 0xf]!;
    buf[at++] = CH_QUOTE;
    buf[at] = 0x7d; // }
  }
}

let cachedEncoder: EnvelopeEncoder | undefined;

function encoderFor(runId: string): EnvelopeEncoder {
  if (cachedEncoder === undefined || cachedEncoder.runId !== runId) cachedEncoder = new EnvelopeEncoder(runId);
  return cachedEncoder;
}

/** The size of the envelope with empty padding: the smallest payload these fields fit in. */
export function envelopeMinBytes(fields: EnvelopeFields): number {
  return encoderFor(fields.runId).minBytes(fields);
}

/**
 * Encodes into target at offset; returns the bytes written (max(payloadBytes, minimum)).
 * Throws RangeError when target is too small or a field is invalid.
 */
export function encodeEnvelopeInto(fields: EnvelopeFields, payloadBytes: number, target: Uint8Array, offset = 0): number {
  return encoderFor(fields.runId).encodeInto(fields, payloadBytes, target, offset);
}

/** Encodes an envelope of exactly payloadBytes bytes (or the minimum when that is larger). */
export function encodeEnvelope(fields: EnvelopeFields, payloadBytes: number): Buffer {
  return encoderFor(fields.runId).encode(fields, payloadBytes);
}

// ---------------------------------------------------------------------------------------------
// Decoding

function hexValue(c: number): number {
  if (c >= CH_0 && c <= CH_9) return c - CH_0;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

function matchAt(buf: Uint8Array, at: number, lit: Uint8Array): boolean {
  if (at + lit.length > buf.length) return false;
  for (let i = 0; i < lit.length; i++) if (buf[at + i] !== lit[i]) return false;
  return true;
}

const POW10 = [1, 10, 100, 1000];

/** The smallest envelope: one-character run id, single digits, empty padding. */
const MIN_FAST_BYTES = 55;

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** zlib.crc32(buf.subarray(from, to), crc) without the slice (short ranges only). */
function crc32Continue(crc: number, buf: Uint8Array, from: number, to: number): number {
  let x = ~crc;
  for (let i = from; i < to; i++) x = CRC_TABLE[(x ^ buf[i]!) & 0xff]! ^ (x >>> 8);
  return ~x >>> 0;
}

function canonicalChecksum(r: string, p: number, s: number, q: number, t: number, x: string): number {
  return zlib.crc32(`{"r":${JSON.stringify(r)},"p":${p},"s":${s},"q":${q},"t":${t},"x":${JSON.stringify(x)}`) >>> 0;
}

function isIntegerHint(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

/**
 * A decoder for one run. `tryFast` is the allocation-free hot path: when it returns true the
 * fields `publisherId`, `seq`, `qos`, `publishTimeMs` and `bytes` hold a checksum-verified
 * envelope of this run. Otherwise call `decode` for the full verdict.
 */
export class EnvelopeDecoder {
  readonly runId: string | undefined;
  private readonly quotedRunId: Buffer | undefined;
  private readonly runIdBytes: Buffer | undefined;

  publisherId = 0;
  seq = 0;
  qos: QosLevel = 0;
  publishTimeMs = 0;
  bytes = 0;

  /** runId undefined: accept envelopes of any run (no "other-run" verdicts). */
  constructor(runId?: string) {
    this.runId = runId;
    this.runIdBytes = runId === undefined ? undefined : Buffer.from(runId, "utf8");
    this.quotedRunId = runId === undefined ? undefined : Buffer.from(JSON.stringify(runId), "utf8");
  }

  /**
   * Fast path for the encoder's exact shape and this run's id; false means "ask decode()".
   * Separators are not compared one by one: when the checksum matches, the bytes before the trailer
   * are exactly what the encoder wrote, so values read at the encoder's positions are right.
   */
  tryFast(buf: Uint8Array): boolean {
    const len = buf.length;
    if (len < MIN_FAST_BYTES || buf[0] !== 0x7b || buf[1] !== CH_QUOTE || buf[2] !== 0x72 || buf[5] !== CH_QUOTE) return false;
    let i = HEAD.length;
    const rb = this.runIdBytes;
    if (rb === undefined) {
      while (i < len && buf[i] !== CH_QUOTE) {
        if (buf[i] === CH_BACKSLASH) return false;
        i++;
      }
    } else {
      const n = rb.length;
      if (i + n >= len) return false;
      for (let k = 0; k < n; k++) if (buf[i + k] !== rb[k]) return false;
      i += n;
    }
    if (buf[i] !== CH_QUOTE) return false;
    i += AFTER_R.length;

    // p, s, q: plain non-negative integers
    let p = 0;
    let start = i;
    for (let c = buf[i]!; c >= CH_0 && c <= CH_9; c = buf[++i]!) p = p * 10 + (c - CH_0);
    if (i === start || i - start > 15 || buf[i] !== CH_COMMA) return false;
    i += AFTER_P.length;
    let s = 0;
    start = i;
    for (let c = buf[i]!; c >= CH_0 && c <= CH_9; c = buf[++i]!) s = s * 10 + (c - CH_0);
    if (i === start || i - start > 15 || buf[i] !== CH_COMMA) return false;
    i += AFTER_S.length;
    const q = buf[i]! - CH_0;
    if (q < 0 || q > 2 || buf[i + 1] !== CH_COMMA) return false;
    i += 1 + AFTER_Q.length;

    // t: digits[.digits(≤3)], computed exactly as integer / 10^k; other notations → slow path
    start = i;
    let n = 0;
    for (let c = buf[i]!; c >= CH_0 && c <= CH_9; c = buf[++i]!) n = n * 10 + (c - CH_0);
    const intDigits = i - start;
    if (intDigits === 0 || intDigits > 13) return false;
    let k = 0;
    if (buf[i] === CH_DOT) {
      i++;
      for (let c = buf[i]!; c >= CH_0 && c <= CH_9 && k < 4; c = buf[++i]!, k++) n = n * 10 + (c - CH_0);
      if (k === 0 || k > 3) return false;
    }
    if (n > Number.MAX_SAFE_INTEGER || buf[i] !== CH_COMMA || i > len - TRAILER_BYTES - 1) return false;

    // The trailer: `,"c":"` 8 hex `"}`. crc(body) === c  ⇔  crc(whole) === crc of the trailer continued
    // from c (CRC update is a bijection of its state), which spares slicing the body.
    if (buf[len - 1] !== 0x7d || buf[len - 2] !== CH_QUOTE) return false;
    let c = 0;
    for (let h = len - 10; h < len - 2; h++) {
      const v = hexValue(buf[h]!);
      if (v < 0) return false;
      c = c * 16 + v;
    }
    if (zlib.crc32(buf) >>> 0 !== crc32Continue(c, buf, len - TRAILER_BYTES, len)) return false;

    this.publisherId = p;
    this.seq = s;
    this.qos = q as QosLevel;
    this.publishTimeMs = n / POW10[k]!;
    this.bytes = len;
    return true;
  }

  /** The full verdict for one payload. */
  decode(value: Uint8Array | null): DecodeResult {
    if (value === null || value.length === 0) return { kind: "foreign" };
    const buf = value instanceof Buffer ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    if (this.tryFast(buf)) {
      return {
        kind: "ok",
        envelope: {
          runId: this.runId ?? buf.toString("utf8", HEAD.length, buf.indexOf(CH_QUOTE, HEAD.length)),
          publisherId: this.publisherId,
          seq: this.seq,
          qos: this.qos,
          publishTimeMs: this.publishTimeMs,
          bytes: this.bytes,
        },
      };
    }
    return this.decodeSlow(buf);
  }

  private decodeSlow(buf: Buffer): DecodeResult {
    let parsed: unknown;
    try {
      parsed = JSON.parse(buf.toString("utf8"));
    } catch {
      return this.unparseable(buf);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { kind: "foreign" };
    const o = parsed as Record<string, unknown>;
    const r = o["r"];
    if (typeof r !== "string") return { kind: "foreign" };
    if (this.runId !== undefined && r !== this.runId) return { kind: "other-run", runId: r };

    const { p, s, q, t, x, c } = o;
    const hints = {
      runId: r,
      ...(isIntegerHint(p) ? { publisherId: p } : {}),
      ...(isIntegerHint(s) ? { seq: s } : {}),
    };
    if (!isIntegerHint(p)) return { kind: "corrupted", ...hints, reason: 'field "p" is not a non-negative integer' };
    if (!isIntegerHint(s)) return { kind: "corrupted", ...hints, reason: 'field "s" is not a non-negative integer' };
    if (q !== 0 && q !== 1 && q !== 2) return { kind: "corrupted", ...hints, reason: 'field "q" is not 0, 1 or 2' };
    if (typeof t !== "number" || !Number.isFinite(t)) return { kind: "corrupted", ...hints, reason: 'field "t" is not a number' };
    if (typeof x !== "string") return { kind: "corrupted", ...hints, reason: 'field "x" is not a string' };
    if (typeof c !== "string" || !/^[0-9a-fA-F]{8}$/.test(c)) {
      return { kind: "corrupted", ...hints, reason: 'field "c" is not an 8-digit hex checksum' };
    }
    const expected = canonicalChecksum(r, p, s, q, t, x);
    if (expected !== Number.parseInt(c, 16)) {
      return { kind: "corrupted", ...hints, reason: `checksum mismatch (payload says ${c}, content gives ${expected.toString(16).padStart(8, "0")})` };
    }
    return { kind: "ok", envelope: { runId: r, publisherId: p, seq: s, qos: q, publishTimeMs: t, bytes: buf.length } };
  }

  /** JSON.parse failed: ours when this run's quoted id is in the bytes, else foreign. */
  private unparseable(buf: Buffer): DecodeResult {
    if (this.quotedRunId === undefined) {
      // any-run decoder: the envelope's opening is the only evidence
      if (!matchAt(buf, 0, HEAD)) return { kind: "foreign" };
    } else if (buf.indexOf(this.quotedRunId) < 0) {
      return { kind: "foreign" };
    }
    const text = buf.toString("latin1");
    const p = /"p"\s*:\s*(\d{1,15})\b/.exec(text);
    const s = /"s"\s*:\s*(\d{1,15})\b/.exec(text);
    return {
      kind: "corrupted",
      ...(this.runId === undefined ? {} : { runId: this.runId }),
      ...(p?.[1] === undefined ? {} : { publisherId: Number(p[1]) }),
      ...(s?.[1] === undefined ? {} : { seq: Number(s[1]) }),
      reason: "not parseable as JSON",
    };
  }
}

let cachedDecoder: EnvelopeDecoder | undefined;

/**
 * Decode one payload. With runId, envelopes of other runs give "other-run" and unparseable bytes
 * containing this run's quoted id give "corrupted"; without it any run's envelope is "ok".
 */
export function decodeEnvelope(buf: Uint8Array | null, runId?: string): DecodeResult {
  if (cachedDecoder === undefined || cachedDecoder.runId !== runId) cachedDecoder = new EnvelopeDecoder(runId);
  return cachedDecoder.decode(buf);
}
