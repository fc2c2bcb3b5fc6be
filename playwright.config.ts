// End-to-end tests: the built app (dist/) served by `vite preview` under a
// sub-path, driven in Debian's Chromium. Playwright never downloads a browser.
import { readFileSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

/**
 * Debian's Chromium and the flags it needs here (root, no outside network);
 * shared with the benchmarks (bench/run.mjs) so both run the same browser.
 */
export const CHROMIUM: { executablePath: string; args: string[] } = JSON.parse(
  readFileSync(new URL('./e2e/chromium.json', import.meta.url), 'utf8'),
);

// E2E_PORT and E2E_DIST let two builds be tested side by side (a build in
// another directory, `vite build --outDir …`); the defaults are what CI uses.
const PORT = Number(process.env.E2E_PORT ?? 4173);
const DIST = process.env.E2E_DIST ?? 'dist';

export default defineConfig({
  testDir: 'e2e',
  timeout: 90_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}/lab/`,
    launchOptions: CHROMIUM,
    timezoneId: 'UTC',
    locale: 'en-US',
    acceptDownloads: true,
  },
  webServer: {
    // Serve dist/ under /lab/ to prove the build works from a sub-path.
    command: `node e2e/serve.mjs ${PORT} /lab/ ${DIST}`,
    url: `http://127.0.0.1:${PORT}/lab/`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
