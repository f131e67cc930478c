// The browser tests: Debian's Chromium, headless (Playwright's own browser
// download is not used). Each test file starts its own local stack and app.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "tests",
  testMatch: "*.spec.ts",
  timeout: 120_000,
  // Generous: in make test the suite runs beside the Rust tests and the fuzzer on two cores.
  expect: { timeout: 15_000 },
  workers: 1,
  forbidOnly: true,
  reporter: [["list"]],
  outputDir: "../../target/browser-test-results",
  use: {
    headless: true,
    launchOptions: { executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium" },
    trace: "retain-on-failure",
  },
});
