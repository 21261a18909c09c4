import { randomBytes } from "node:crypto";

/** A sortable, filesystem- and envelope-safe run id: 20261125-120912-a1b2c3. */
export function newRunId(now = new Date()): string {
  const iso = now.toISOString();
  const stamp = iso.slice(0, 10).replaceAll("-", "") + "-" + iso.slice(11, 19).replaceAll(":", "");
  return `${stamp}-${randomBytes(3).toString("hex")}`;
}
