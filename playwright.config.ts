/**
 * End-to-end tests against the BUILT site, served by the real start command (`node src/cli/start.ts`:
 * migrate, seed 400 demo workshops, local Meilisearch, index, serve dist/server/entry.mjs).
 * `npm run test:e2e` builds first. Chromium is Debian's (/usr/bin/chromium); never `playwright install`.
 *
 * Two projects run the shared specs: `js` (JavaScript on) and `no-js` (off, the server-rendered
 * forms alone). Specs that need JavaScript are listed in `jsOnly` and run in the `js` project only
 * (this repository allows no skipped tests).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 4391);
if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`E2E_PORT must be a port number, not ${process.env.E2E_PORT ?? ''}`);
const baseURL = `http://127.0.0.1:${port}`;

// The config is loaded by the runner and again by each worker; workers inherit the runner's
// environment, so only the runner creates (and at exit removes) the fresh data folder.
let dataDir = process.env.FANGXIN_E2E_DATA_DIR;
if (!dataDir) {
  const created = mkdtempSync(path.join(os.tmpdir(), 'fangxin-e2e-'));
  dataDir = created;
  process.env.FANGXIN_E2E_DATA_DIR = created;
  process.on('exit', () => rmSync(created, { recursive: true, force: true }));
}

/**
 * Specs that need JavaScript in the page (suggestions as you type; axe runs in the page; the tip form in steps; CSP violation
 * events), request-only specs (api.spec.ts, hostile.spec.ts), specs that start sites of their own (proxy.spec.ts,
 * chaos.spec.ts) and the sign-in throttle spec, whose wrong passwords use up 127.0.0.1's share of sign-in failures for the
 * whole run: the `js` project only.
 */
const jsOnly = ['**/proxy.spec.ts', '**/chaos.spec.ts', '**/suggest.spec.ts', '**/a11y.spec.ts', '**/near-me.spec.ts', '**/api.spec.ts', '**/tip-form.spec.ts', '**/hostile.spec.ts', '**/csp.spec.ts', '**/admin-throttle.spec.ts'];

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  forbidOnly: true,
  workers: 2,
  retries: 0,
  reporter: 'list',
  timeout: 30_000,
  use: {
    baseURL,
    browserName: 'chromium',
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-dev-shm-usage',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [
    { name: 'js', use: { javaScriptEnabled: true } },
    { name: 'no-js', use: { javaScriptEnabled: false }, testIgnore: jsOnly },
  ],
  webServer: {
    command: 'node src/cli/start.ts',
    url: `${baseURL}/healthz`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    // start.ts stops its Meilisearch and closes the database on SIGTERM
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DEMO_COUNT: '400',
      ASTRO_TELEMETRY_DISABLED: '1',
      // always a local Meilisearch and a fresh tip key inside the temporary folder
      MEILI_HOST: '',
      MEILI_API_KEY: '',
      MEILI_PORT: '0',
      TIP_KEK: '',
      // both projects file tips from 127.0.0.1 within the hour (report, tip-form, admin-tips specs);
      // no spec exercises the real limit (tip-form.spec.ts mocks the 429 answer)
      TIP_RATE_LIMIT: '100',
    },
  },
});
