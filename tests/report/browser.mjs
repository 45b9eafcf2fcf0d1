// Opens an HTML report in headless Chromium and says what a reader would see.
//
//   node tests/report/browser.mjs <report.html> <screenshot.png> [chromium path]
//
// Drives the system Chromium (default /usr/bin/chromium, or $CHROMIUM) through playwright-core;
// never downloads a browser. Every request other than the file itself is blocked and listed,
// so a report that needs the network shows up in "blocked". Waits until every chart the page
// announces (<main data-charts="N">) has been drawn by plotly (an svg in each .js-plotly-plot),
// takes a full-page screenshot and prints one JSON line:
//   {"errors": [...], "blocked": [...], "expected_charts": N, "charts": N, "svgs": N,
//    "screenshot": path, "title": ..., "elapsed_ms": ...}
// Exit status 0 when the result could be gathered (the test judges it), 2 on a usage or launch error.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const [reportPath, screenshotPath, chromiumArg] = process.argv.slice(2);
if (!reportPath || !screenshotPath) {
  console.error("usage: node browser.mjs <report.html> <screenshot.png> [chromium path]");
  process.exit(2);
}
const executablePath = chromiumArg || process.env.CHROMIUM || "/usr/bin/chromium";
const url = pathToFileURL(resolve(reportPath)).href;
const started = Date.now();
const userDataDir = mkdtempSync(join(tmpdir(), "report-chromium-"));
const errors = [];
const blocked = [];
let context;

try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    chromiumSandbox: false, // --no-sandbox: containers and CI runners run as root
    args: [
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    timezoneId: "Europe/Paris", // not UTC on purpose: the report must label UTC itself
  });
  await context.route("**/*", (route) => {
    const requested = route.request().url();
    if (requested === url || requested.startsWith("data:") || requested.startsWith("blob:")) {
      return route.continue();
    }
    blocked.push(requested);
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  await page.goto(url, { waitUntil: "load", timeout: 60_000 });
  const expected = await page.evaluate(() => Number(document.querySelector("main")?.dataset.charts ?? 0));
  await page.waitForFunction(
    (count) => {
      const plots = [...document.querySelectorAll(".js-plotly-plot")];
      return plots.length === count && plots.every((plot) => plot.querySelector("svg.main-svg"));
    },
    expected,
    { timeout: 30_000 },
  );
  const seen = await page.evaluate(() => ({
    charts: document.querySelectorAll(".js-plotly-plot").length,
    svgs: [...document.querySelectorAll(".js-plotly-plot")].filter((p) => p.querySelector("svg.main-svg")).length,
    bars: document.querySelectorAll(".js-plotly-plot .point").length,
    title: document.title,
  }));
  await page.screenshot({ path: screenshotPath, fullPage: true });
  console.log(
    JSON.stringify({
      errors,
      blocked,
      expected_charts: expected,
      ...seen,
      screenshot: screenshotPath,
      elapsed_ms: Date.now() - started,
    }),
  );
} catch (error) {
  console.error(`browser: ${error.stack || error}`);
  console.log(JSON.stringify({ errors: [...errors, `fatal: ${error.message}`], blocked, elapsed_ms: Date.now() - started }));
  process.exitCode = 2;
} finally {
  if (context) await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
