/**
 * Rate shapes as cumulative targets: how many messages should have been published `elapsedMs` into the run.
 * Publishing against the cumulative target (not a fixed sleep between messages) keeps the achieved rate on
 * target without drift: a late tick simply sends what is due.
 */
export type RateShape =
  | { shape: "constant"; ratePerSecond: number }
  | { shape: "ramp"; from: number; to: number; durationMs: number };

export function targetCount(rate: RateShape, elapsedMs: number): number {
  const t = Math.max(0, elapsedMs) / 1000;
  if (rate.shape === "constant") return Math.floor(rate.ratePerSecond * t);
  const total = rate.durationMs / 1000;
  const clamped = Math.min(t, total);
  // Integral of a linear ramp from → to over `total` seconds, then flat at `to`.
  const ramped = rate.from * clamped + ((rate.to - rate.from) * clamped * clamped) / (2 * total);
  return Math.floor(ramped + rate.to * Math.max(0, t - total));
}

/** Splits a total rate evenly over n publishers. */
export function splitRate(rate: RateShape, publishers: number): RateShape {
  if (rate.shape === "constant") return { shape: "constant", ratePerSecond: rate.ratePerSecond / publishers };
  return { ...rate, from: rate.from / publishers, to: rate.to / publishers };
}
