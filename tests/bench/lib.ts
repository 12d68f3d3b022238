/**
 * What the benchmark scripts share: timestamped output, memory figures from /proc, percentiles,
 * building the site when needed, and starting / stopping the built site as a child process group.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/features/search/local-meili.ts';

/** The repository root. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const t0 = performance.now();
/** Prints a line with the elapsed time since the start of the run. */
export function say(line: string): void {
  process.stdout.write(`[bench +${((performance.now() - t0) / 1000).toFixed(1)}s] ${line}\n`);
}

/** A field of `/proc/<pid>/status` in kB (VmHWM = peak RSS, VmRSS = current), or null. */
export function procStatusKb(pid: number | 'self', field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'mu').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** kB as MiB text. */
export function mib(kb: number | null): string {
  return kb === null ? 'n/a' : `${(kb / 1024).toFixed(0)} MiB`;
}

/** Nearest-rank percentile of ascending `sorted` (ms). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/** Builds the Astro server when dist/server/entry.mjs is missing. */
export function buildIfMissing(): void {
  if (existsSync(path.join(root, 'dist/server/entry.mjs'))) return;
  say('dist/server/entry.mjs missing: building the site');
  const started = performance.now();
  const built = spawnSync(process.execPath, [path.join(root, 'node_modules/astro/bin/astro.mjs'), 'build'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
  });
  if (built.status !== 0) throw new Error(`astro build failed (status ${built.status ?? built.signal ?? '?'})`);
  say(`site built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** Stops the site process group (SIGTERM, SIGKILL after 5 s). */
export async function stopSite(site: ChildProcess): Promise<void> {
  const pid = site.pid;
  if (pid === undefined || site.exitCode !== null || site.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => site.once('exit', () => resolve()));
  const signal = (s: NodeJS.Signals) => {
    try {
      // the site was spawned detached: its group id is its pid (covers its Meilisearch and a build)
      process.kill(-pid, s);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts `node src/cli/start.ts` on a free port of 127.0.0.1 with `env` (PORT and HOST are set
 * here) as its own process group, echoing its log lines and failures. `onSpawn` receives the child
 * at once, so that cleanup can stop it even if the start fails. Resolves when `/healthz` answers 200
 * and `ready(body)` returns a description (null = keep waiting); throws after `timeoutMs` or when
 * the site exits, with its last output.
 */
export async function launchSite(options: {
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  onSpawn: (child: ChildProcess) => void;
  ready: (body: { status?: string; search?: { status?: string; documents?: number } }) => string | null;
}): Promise<{ base: string; pid: number }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { ...options.env, ASTRO_TELEMETRY_DISABLED: '1', PORT: String(port), HOST: '127.0.0.1' };
  const child = spawn(process.execPath, [path.join(root, 'src/cli/start.ts')], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
  options.onSpawn(child);
  if (child.pid === undefined) throw new Error('the site process did not start');
  const tail: string[] = [];
  let buffered = '';
  const onData = (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      // start.ts's own log lines and anything that looks like a failure; the build output is skipped
      if (line.startsWith('[fangxin') || /error|warn/iu.test(line)) say(`[site] ${line}`);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  const deadline = performance.now() + options.timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the site exited (code ${child.exitCode ?? '-'}, signal ${child.signalCode ?? '-'}) before /healthz; last output:\n${tail.join('\n')}`);
    }
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      const described = res.status === 200 ? options.ready((await res.json()) as Parameters<typeof options.ready>[0]) : null;
      if (described !== null) {
        say(`site healthy on ${base} (pid ${child.pid}; ${described})`);
        return { base, pid: child.pid };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the site did not answer /healthz within ${options.timeoutMs / 1000} s`);
}

/** On SIGINT or SIGTERM: says so, runs `cleanup` (stop what the bench started), exits 130. */
export function cleanUpOnSignals(cleanup: () => Promise<void>): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      say(`${sig}: cleaning up`);
      void cleanup().finally(() => process.exit(130));
    });
  }
}
