/**
 * A site of a spec's own, beside the shared e2e server (playwright.config.ts): the real start
 * command (`node src/cli/start.ts`: migrate, seed, a local Meilisearch, index, serve the built
 * `dist/`) on a free port with a fresh DATA_DIR and the environment the spec needs (a proxy's
 * PUBLIC_ORIGIN, a low tip limit…). `stop()` sends SIGTERM and waits for the exit.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A free TCP port on `host` (asked of the kernel, then released). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A running site of a spec's own. */
export interface OwnSite {
  port: number;
  /** `http://127.0.0.1:<port>`: the site itself, not through any proxy */
  direct: string;
  dataDir: string;
  process: ChildProcess;
  /** what the site wrote to stderr so far (its log lines) */
  stderr(): string;
  /** what the site wrote to stdout so far (one JSON line per request) */
  stdout(): string;
  /** runs a command-line entry point (`src/cli/<script>`) against this site's DATA_DIR */
  cli(script: string, args: string[], input?: string): { status: number | null; stdout: string; stderr: string };
  /** SIGTERM, then waits for the exit; removes DATA_DIR */
  stop(): Promise<void>;
}

/** Starts a site with `env` added to a fresh local set-up and waits until /healthz answers (3 min at most). */
export async function startOwnSite(env: Record<string, string>): Promise<OwnSite> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fangxin-own-site-'));
  const siteEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DEMO_COUNT: '50',
    ASTRO_TELEMETRY_DISABLED: '1',
    MEILI_HOST: '',
    MEILI_API_KEY: '',
    MEILI_PORT: '0',
    TIP_KEK: '',
    ...env,
  };
  const child = spawn(process.execPath, ['src/cli/start.ts'], { env: siteEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const direct = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the site exited with ${child.exitCode}:\n${stderr}`);
    try {
      const res = await fetch(`${direct}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the site did not answer /healthz within 3 minutes:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    port,
    direct,
    dataDir,
    process: child,
    stderr: () => stderr,
    stdout: () => stdout,
    cli(script, args, input = '') {
      const r = spawnSync(process.execPath, [`src/cli/${script}`, ...args], { input, encoding: 'utf8', env: siteEnv });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
