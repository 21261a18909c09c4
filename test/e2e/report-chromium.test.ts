/** report.html in a real headless Chromium (Debian's package): it loads without errors and shows its charts. */
import { cpSync, existsSync, mkdtempSync, mkdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { chromium } from "playwright-core";
import { writeRunReports } from "../../harness/report/files.js";
import { ROOT } from "../support/cli.js";

const CHROMIUM = "/usr/bin/chromium";

describe("report.html in headless Chromium", () => {
  beforeAll(() => {
    if (existsSync(CHROMIUM)) return;
    // Debian's chromium; installed here rather than by `losslab setup`, which does not need a browser.
    const apt = (args: string[]): void => {
      execFileSync("apt-get", args, { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" }, stdio: "ignore" });
    };
    try {
      apt(["install", "-y", "-q", "--no-install-recommends", "chromium"]);
    } catch {
      // A fresh machine may have no package lists yet.
      apt(["update", "-q"]);
      apt(["install", "-y", "-q", "--no-install-recommends", "chromium"]);
    }
  }, 600_000);

  it("loads without errors, draws every chart, and leaves a screenshot", async () => {
    const dir = mkdtempSync(join(tmpdir(), "losslab-chromium-"));
    cpSync(join(ROOT, "test", "fixtures", "runs", "qos0-connection-resets"), dir, { recursive: true });
    await writeRunReports(dir);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
      page.on("requestfailed", (request) => errors.push(`request failed: ${request.url()}`));
      await page.goto(`file://${join(dir, "report.html")}`);
      expect(await page.title()).toContain("qos0-connection-resets");
      const charts = page.locator(".chart svg");
      expect(await charts.count()).toBe(4);
      for (let index = 0; index < 4; index++) {
        const box = await charts.nth(index).boundingBox();
        expect(box?.width).toBeGreaterThan(300);
        expect(box?.height).toBeGreaterThan(150);
        // drawn marks, not an empty frame
        expect(await charts.nth(index).locator("path, rect").count()).toBeGreaterThan(5);
      }
      expect(errors).toEqual([]);
      mkdirSync(join(ROOT, "reports"), { recursive: true });
      await page.screenshot({ path: join(ROOT, "reports", "report-screenshot.png"), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 120_000);
});
