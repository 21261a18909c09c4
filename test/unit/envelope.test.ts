import { describe, expect, it } from "vitest";

import {
  EnvelopeDecoder,
  EnvelopeEncoder,
  decodeEnvelope,
  encodeEnvelope,
  encodeEnvelopeInto,
  envelopeMinBytes,
  envelopeTime,
  type EnvelopeFields,
} from "../../harness/workload/envelope.js";

const RUN = "run-20251125-a1b2";
const FIELDS: EnvelopeFields = { runId: RUN, publisherId: 3, seq: 123_456, qos: 1, publishTimeMs: 1_764_070_000_123.4567 };

function reserialise(buf: Buffer, order: string[], indent?: number): Buffer {
  const parsed = JSON.parse(buf.toString("utf8")) as Record<string, unknown>;
  const reordered: Record<string, unknown> = {};
  for (const key of order) reordered[key] = parsed[key];
  return Buffer.from(JSON.stringify(reordered, null, indent));
}

describe("encodeEnvelope", () => {
  it("gives exactly the requested size", () => {
    for (const size of [100, 128, 256, 1000, 4096]) {
      expect(encodeEnvelope(FIELDS, size).length).toBe(size);
    }
  });

  it("gives the minimum size when the request is below it", () => {
    const min = envelopeMinBytes(FIELDS);
    expect(encodeEnvelope(FIELDS, 1).length).toBe(min);
    expect(encodeEnvelope(FIELDS, min).length).toBe(min);
    expect(encodeEnvelope(FIELDS, min + 1).length).toBe(min + 1);
  });

  it("writes JSON with short keys in a fixed order", () => {
    const json = JSON.parse(encodeEnvelope(FIELDS, 128).toString("utf8")) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(["r", "p", "s", "q", "t", "x", "c"]);
    expect(json).toMatchObject({ r: RUN, p: 3, s: 123_456, q: 1, t: 1_764_070_000_123.457 });
    expect(json["x"]).toMatch(/^x*$/);
    expect(json["c"]).toMatch(/^[0-9a-f]{8}$/);
  });

  it("rounds the publish time to the microsecond", () => {
    expect(envelopeTime(1_764_070_000_123.4567)).toBe(1_764_070_000_123.457);
    expect(envelopeTime(5)).toBe(5);
  });

  it("writes the publish time as String() would, without building the string", () => {
    let seed = 1;
    const next = (): number => {
      seed = (seed * 16_807) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const times = [0, 0.001, 0.01, 0.1, 1, 10.5, 999.999, 1_000.1, 2 ** 42 - 0.001, 2 ** 42, 2 ** 42 + 0.5, 1e15, -1, -0.0004, 1e-7];
    for (let i = 0; i < 20_000; i++) times.push(1_700_000_000_000 + next() * 100_000_000_000, next() * 1_000_000, performance.timeOrigin + next() * 1e6);
    for (const t of times) {
      const json = encodeEnvelope({ ...FIELDS, publishTimeMs: t }, 0).toString("latin1");
      const text = /"t":([^,]+),/.exec(json)?.[1];
      expect(text, `t = ${t}`).toBe(String(envelopeTime(t)));
    }
  });

  it("encodes with an encoder bound to one run id", () => {
    const encoder = new EnvelopeEncoder(RUN);
    expect(encoder.encode(FIELDS, 200).equals(encodeEnvelope(FIELDS, 200))).toBe(true);
    expect(encoder.minBytes(FIELDS)).toBe(envelopeMinBytes(FIELDS));
    expect(() => encoder.encode({ ...FIELDS, runId: "another" }, 200)).toThrow(/is not this encoder's/);
  });

  it("encodes into a larger buffer at an offset", () => {
    const target = Buffer.alloc(400, 0);
    const n = encodeEnvelopeInto(FIELDS, 200, target, 100);
    expect(n).toBe(200);
    expect(target.subarray(100, 300).equals(encodeEnvelope(FIELDS, 200))).toBe(true);
    expect(target[99]).toBe(0);
    expect(target[300]).toBe(0);
  });

  it("rejects invalid fields", () => {
    expect(() => encodeEnvelope({ ...FIELDS, runId: 'has"quote' }, 100)).toThrow(/run id/);
    expect(() => encodeEnvelope({ ...FIELDS, seq: -1 }, 100)).toThrow(/seq/);
    expect(() => encodeEnvelope({ ...FIELDS, seq: 1.5 }, 100)).toThrow(/seq/);
    expect(() => encodeEnvelope({ ...FIELDS, qos: 3 as 0 }, 100)).toThrow(/qos/);
    expect(() => encodeEnvelope({ ...FIELDS, publishTimeMs: Number.NaN }, 100)).toThrow(/publishTimeMs/);
  });
});

describe("decodeEnvelope", () => {
  it("decodes what it encodes (fast path)", () => {
    const buf = encodeEnvelope(FIELDS, 256);
    const decoder = new EnvelopeDecoder(RUN);
    expect(decoder.tryFast(buf)).toBe(true);
    expect(decodeEnvelope(buf, RUN)).toEqual({
      kind: "ok",
      envelope: { ...FIELDS, publishTimeMs: 1_764_070_000_123.457, bytes: 256 },
    });
  });

  it("decodes times the fast path does not take, exactly", () => {
    for (const t of [0, 1, 1.5, 12.25, 1_764_070_000_123, 1e21, -5.5, 123_456_789_012_345.67]) {
      const buf = encodeEnvelope({ ...FIELDS, publishTimeMs: t }, 150);
      const result = decodeEnvelope(buf, RUN);
      expect(result.kind).toBe("ok");
      if (result.kind === "ok") expect(result.envelope.publishTimeMs).toBe(envelopeTime(t));
    }
  });

  it("decodes key-reordered, re-serialised JSON (slow path)", () => {
    const buf = encodeEnvelope(FIELDS, 300);
    const reordered = reserialise(buf, ["c", "x", "t", "q", "s", "p", "r"]);
    expect(new EnvelopeDecoder(RUN).tryFast(reordered)).toBe(false);
    const result = decodeEnvelope(reordered, RUN);
    expect(result).toEqual({ kind: "ok", envelope: { ...FIELDS, publishTimeMs: 1_764_070_000_123.457, bytes: reordered.length } });
  });

  it("decodes pretty-printed JSON and other float notations of the same value", () => {
    const buf = encodeEnvelope(FIELDS, 300);
    expect(decodeEnvelope(reserialise(buf, ["r", "p", "s", "q", "t", "x", "c"], 2), RUN).kind).toBe("ok");
    // e.g. a Java bridge writing 1.764070000123457E12
    const java = Buffer.from(buf.toString("latin1").replace('"t":1764070000123.457', '"t":1.764070000123457E12'), "latin1");
    expect(java.equals(buf)).toBe(false);
    expect(decodeEnvelope(java, RUN).kind).toBe("ok");
  });

  it("detects a flipped bit in the padding, on both paths", () => {
    const buf = encodeEnvelope(FIELDS, 256);
    const flipped = Buffer.from(buf);
    flipped[150] = flipped[150]! ^ 0x01; // 'x' → 'y'
    expect(new EnvelopeDecoder(RUN).tryFast(flipped)).toBe(false);
    const result = decodeEnvelope(flipped, RUN);
    expect(result).toMatchObject({ kind: "corrupted", runId: RUN, publisherId: 3, seq: 123_456 });
    if (result.kind === "corrupted") expect(result.reason).toMatch(/checksum mismatch/);

    const reordered = reserialise(flipped, ["x", "c", "s", "r", "q", "t", "p"]);
    expect(decodeEnvelope(reordered, RUN)).toMatchObject({ kind: "corrupted", reason: expect.stringMatching(/checksum/) });
  });

  it("detects a changed digit in the seq", () => {
    const buf = Buffer.from(encodeEnvelope(FIELDS, 256).toString("latin1").replace('"s":123456', '"s":123457'), "latin1");
    expect(decodeEnvelope(buf, RUN)).toMatchObject({ kind: "corrupted", seq: 123_457 });
  });

  it("calls unparseable bytes holding this run's id corrupted, with hints", () => {
    const buf = encodeEnvelope(FIELDS, 256);
    const cut = buf.subarray(0, 120);
    expect(decodeEnvelope(cut, RUN)).toEqual({ kind: "corrupted", runId: RUN, publisherId: 3, seq: 123_456, reason: "not parseable as JSON" });
    const broken = Buffer.from(buf);
    broken[0] = 0x5b; // '[' opens an array that never closes
    expect(decodeEnvelope(broken, RUN)).toMatchObject({ kind: "corrupted", runId: RUN });
  });

  it("calls a field of the wrong type corrupted", () => {
    const text = encodeEnvelope(FIELDS, 256).toString("utf8").replace('"q":1', '"q":"1"');
    expect(decodeEnvelope(Buffer.from(text), RUN)).toMatchObject({ kind: "corrupted", reason: expect.stringMatching(/"q"/) });
  });

  it("tells another run's envelope apart", () => {
    const other = encodeEnvelope({ ...FIELDS, runId: "run-other" }, 200);
    expect(decodeEnvelope(other, RUN)).toEqual({ kind: "other-run", runId: "run-other" });
    // a run id that merely starts like ours is another run
    expect(decodeEnvelope(encodeEnvelope({ ...FIELDS, runId: `${RUN}x` }, 200), RUN)).toEqual({ kind: "other-run", runId: `${RUN}x` });
  });

  it("calls other data foreign", () => {
    expect(decodeEnvelope(Buffer.from('{"temperature":21.5}'), RUN)).toEqual({ kind: "foreign" });
    expect(decodeEnvelope(Buffer.from("[1,2,3]"), RUN)).toEqual({ kind: "foreign" });
    expect(decodeEnvelope(Buffer.from("hello"), RUN)).toEqual({ kind: "foreign" });
    expect(decodeEnvelope(Buffer.from([0xff, 0x00, 0x13]), RUN)).toEqual({ kind: "foreign" });
    expect(decodeEnvelope(Buffer.alloc(0), RUN)).toEqual({ kind: "foreign" });
    expect(decodeEnvelope(null, RUN)).toEqual({ kind: "foreign" });
    // unparseable and without our run id: nothing says it is ours
    const otherCut = encodeEnvelope({ ...FIELDS, runId: "run-other" }, 200).subarray(0, 90);
    expect(decodeEnvelope(otherCut, RUN)).toEqual({ kind: "foreign" });
  });

  it("decodes from a plain Uint8Array too", () => {
    const buf = encodeEnvelope(FIELDS, 256);
    const plain = new Uint8Array(buf.length + 10).subarray(5, 5 + buf.length);
    plain.set(buf);
    expect(new EnvelopeDecoder(RUN).tryFast(plain)).toBe(true);
    expect(decodeEnvelope(plain, RUN)).toMatchObject({ kind: "ok", envelope: { seq: 123_456 } });
  });

  it("decodes any run's envelope without an expected run id", () => {
    const other = encodeEnvelope({ ...FIELDS, runId: "run-other" }, 200);
    expect(decodeEnvelope(other)).toMatchObject({ kind: "ok", envelope: { runId: "run-other", seq: 123_456 } });
  });

  it("fast path and slow path agree on many envelopes", () => {
    const decoder = new EnvelopeDecoder(RUN);
    for (let seq = 0; seq < 2_000; seq += 7) {
      const fields: EnvelopeFields = { runId: RUN, publisherId: seq % 5, seq, qos: (seq % 3) as 0 | 1 | 2, publishTimeMs: 1_764_070_000_000 + seq * 0.3337 };
      const buf = encodeEnvelope(fields, 64 + (seq % 200));
      expect(decoder.tryFast(buf)).toBe(true);
      const fast = { p: decoder.publisherId, s: decoder.seq, q: decoder.qos, t: decoder.publishTimeMs };
      const slow = decodeEnvelope(reserialise(buf, ["t", "r", "s", "p", "q", "c", "x"]), RUN);
      expect(slow.kind).toBe("ok");
      if (slow.kind === "ok") expect(fast).toEqual({ p: slow.envelope.publisherId, s: slow.envelope.seq, q: slow.envelope.qos, t: slow.envelope.publishTimeMs });
    }
  });
});

describe("binary padding", () => {
  const fields = { runId: "run-bin", publisherId: 1, seq: 7, qos: 1 as const, publishTimeMs: 1_764_000_000_123.456 };

  it("round-trips its non-UTF-8 bytes unchanged", async () => {
    const { EnvelopeEncoder, decodeEnvelope } = await import("../../harness/workload/envelope.js");
    const payload = new EnvelopeEncoder("run-bin", "binary").encode(fields, 200);
    expect(payload.length).toBe(200);
    expect(payload.includes(0xff)).toBe(true);
    const decoded = decodeEnvelope(payload, "run-bin");
    expect(decoded.kind).toBe("ok");
  });

  it("is reported corrupted after a bridge decoded it as UTF-8 text and re-encoded it", async () => {
    const { EnvelopeEncoder, decodeEnvelope } = await import("../../harness/workload/envelope.js");
    const payload = new EnvelopeEncoder("run-bin", "binary").encode(fields, 200);
    const mangled = Buffer.from(payload.toString("utf8"), "utf8");
    expect(mangled.length).toBeGreaterThan(payload.length);
    const decoded = decodeEnvelope(mangled, "run-bin");
    expect(decoded.kind).toBe("corrupted");
  });
});
