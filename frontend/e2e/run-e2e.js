// `npm run e2e`: browser end-to-end tests against a running backend (E2E_BASE_URL, default
// http://127.0.0.1:8080) that serves the built SPA and has an active model and an ingested corpus.
// Skips (exit 0) with a message when no backend answers. Not part of `npm test`.
import { mkdirSync } from "node:fs";
import { BASE_URL, CHROMIUM, SCREENSHOT_DIR, launchBrowser, probe, runTests } from "./harness.js";
import { searchFlows } from "./search-flows.js";
import { existsSync } from "node:fs";

const status = await probe("/api/status");
if (!status) {
  console.log(
    `e2e skipped: no backend answers at ${BASE_URL} (start one, e.g. with \`make run\`, or set E2E_BASE_URL).`,
  );
  process.exit(0);
}
const ready =
  status.status === 200 &&
  status.body?.database?.status === "up" &&
  status.body?.model?.status === "active" &&
  (status.body?.corpus?.images ?? 0) >= 4;
if (!ready) {
  console.error(
    `e2e: the backend at ${BASE_URL} is not ready to search (it needs the database, an active model` +
      ` and at least 4 ingested images). /api/status answered ${status.status}: ${JSON.stringify(status.body)}`,
  );
  process.exit(1);
}
if (!existsSync(CHROMIUM)) {
  console.error(
    `e2e: ${CHROMIUM} does not exist: install Debian's chromium package (apt-get install chromium).`,
  );
  process.exit(1);
}

mkdirSync(SCREENSHOT_DIR, { recursive: true });
console.log(`e2e against ${BASE_URL} with ${CHROMIUM}; screenshots in ${SCREENSHOT_DIR}`);
const browser = await launchBrowser();
let failures;
try {
  failures = await runTests(browser.context, searchFlows);
} finally {
  await browser.close();
}
// The summary in the plain "N passed, N failed" form that CI logs are read for.
console.log(`e2e: ${searchFlows.length - failures} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
