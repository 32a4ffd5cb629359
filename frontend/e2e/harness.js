// End-to-end harness: Debian's chromium driven by playwright-core (which never downloads a
// browser), a fresh profile per run, sequential tests, screenshots in light and dark theme.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const BASE_URL = (process.env.E2E_BASE_URL ?? "http://127.0.0.1:8080").replace(/\/$/, "");
export const CHROMIUM = process.env.E2E_CHROMIUM ?? "/usr/bin/chromium";
export const SCREENSHOT_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../target/e2e-screenshots",
);
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** GET a backend path as JSON, or null when nothing answers within `timeoutMs`. */
export async function probe(path, timeoutMs = 3000) {
  try {
    const response = await fetch(`${BASE_URL}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: await response.json().catch(() => null) };
  } catch {
    return null;
  }
}

/** Starts chromium with a fresh --user-data-dir (Playwright's persistent context owns that flag). */
export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), "medclip-e2e-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    baseURL: BASE_URL,
    acceptDownloads: false,
  });
  context.setDefaultTimeout(15_000);
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot of `page` (the whole page unless fullPage: false) in light and dark theme. */
export async function screenshots(page, name, { fullPage = true } = {}) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const colorScheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({
      path: join(SCREENSHOT_DIR, `${name}-${colorScheme}.png`),
      fullPage,
    });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

/** Runs the tests one after another, each on a new page; returns the number of failures. */
export async function runTests(context, tests) {
  let failures = 0;
  for (const { name, fn } of tests) {
    const page = await context.newPage();
    const pageErrors = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    const started = Date.now();
    try {
      await fn(page);
      if (pageErrors.length) throw new Error(`uncaught error in the page: ${pageErrors[0]}`);
      console.log(`  ok    ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      failures += 1;
      console.log(
        `  FAIL  ${name}\n        ${String(error?.stack ?? error)
          .split("\n")
          .join("\n        ")}`,
      );
      await page
        .screenshot({ path: join(SCREENSHOT_DIR, `FAILED-${slug(name)}.png`), fullPage: true })
        .catch(() => {});
    } finally {
      await page.close();
    }
  }
  return failures;
}

function slug(name) {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
