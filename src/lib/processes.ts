/**
 * Other processes, as Linux shows them: telling a process from a later one that reuses its pid,
 * reading its command line, and starting a child that dies with this process.
 *
 * A pid alone does not name a process: once it has exited, the kernel gives the number to the
 * next one. A pid together with its start time (field 22 of `/proc/<pid>/stat`, clock ticks since
 * boot) does (proc(5)). Off Linux, where there is no /proc, nothing here can be told and the
 * functions answer null / false / the command unchanged.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import path from 'node:path';

/** A process as recorded: its pid and its start time in clock ticks after boot (proc(5) `starttime`). */
export interface ProcessId {
  pid: number;
  startTicks: number;
}

/**
 * `pid`'s start time (clock ticks after boot) and whether it has ended (a zombie waiting for its
 * parent, or dead), or null when there is no such process (or no /proc).
 */
function statOf(pid: number): { startTicks: number; ended: boolean } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may itself hold spaces and parentheses
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0] ?? '';
    const startTicks = Number(fields[19]);
    return Number.isInteger(startTicks) ? { startTicks, ended: state === 'Z' || state === 'X' } : null;
  } catch {
    return null;
  }
}

/** The running process `pid` as a ProcessId, or null when it is not running (or off Linux). */
export function processId(pid: number): ProcessId | null {
  const stat = statOf(pid);
  return stat && !stat.ended ? { pid, startTicks: stat.startTicks } : null;
}

/** Whether `id` still runs: same pid, same start time, not ended. False off Linux. */
export function isRunning(id: ProcessId): boolean {
  return processId(id.pid)?.startTicks === id.startTicks;
}

/** The argument vector of `pid` (`/proc/<pid>/cmdline`, argv[0] first), or null when it cannot be read. */
export function commandLineOf(pid: number): string[] | null {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.length ? raw.replace(/\0$/u, '').split('\0') : null;
  } catch {
    return null;
  }
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Sends SIGKILL to `id` and waits (polling every 50 ms, at most `timeoutMs`) until it no longer
 * runs. Returns whether it is gone. A process that ended but was not yet reaped by its parent
 * counts as gone. Never throws.
 */
export async function killAndWait(id: ProcessId, timeoutMs = 5000): Promise<boolean> {
  try {
    process.kill(id.pid, 'SIGKILL');
  } catch {
    // already gone, or not ours to signal (then the loop below times out)
  }
  const deadline = Date.now() + timeoutMs;
  while (isRunning(id)) {
    if (Date.now() >= deadline) return false;
    await delay(50);
  }
  return true;
}

let setprivPath: string | null | undefined;

/**
 * util-linux's `setpriv` when it is on PATH and understands `--pdeathsig` (util-linux ≥ 2.33),
 * else null. Looked up once per process.
 */
function setpriv(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'setpriv');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    // `--version` after the option: exits 0 only when the option and the signal name were understood
    if (spawnSync(candidate, ['--pdeathsig', 'KILL', '--version'], { stdio: 'ignore', timeout: 5000 }).status === 0) setprivPath = candidate;
    break;
  }
  return setprivPath;
}

/**
 * The command and arguments to spawn so that the child gets SIGKILL when this process ends, however
 * it ends (also by SIGKILL, when no handler of ours can run): Linux's parent-death signal
 * (prctl PR_SET_PDEATHSIG), which Node cannot set, set by `setpriv --pdeathsig KILL`, which then
 * execs `command` in the same process (same pid, and `command` as argv[0]). The signal follows the
 * thread that spawned the child, so spawn from the main thread (child_process does). `tied` is
 * false when setpriv is not available: the caller must then clean up after a crash by other means.
 * A child whose parent dies in the instant before setpriv sets the signal is not covered either.
 */
export function tiedToThisProcess(command: string, args: readonly string[]): { command: string; args: string[]; tied: boolean } {
  const wrapper = setpriv();
  return wrapper ? { command: wrapper, args: ['--pdeathsig', 'KILL', '--', command, ...args], tied: true } : { command, args: [...args], tied: false };
}
