/**
 * What a crashed site leaves behind is cleaned up, and nothing else is touched: its Meilisearch
 * (killed with its supervisor, else stopped by the next one — never a process that reused its
 * pid), its site lock (taken over, also when its pid was reused), and evidence files of an
 * interrupted submission (removed by the start-up sweep, never a file a row names).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { resolveMeiliBinary, stopStaleMeilisearch, superviseMeilisearch } from '../../src/features/search/local-meili.ts';
import { releaseSiteLock, takeSiteLock } from '../../src/cli/site-lock.ts';
import { isRunning, processId, tiedToThisProcess, type ProcessId } from '../../src/lib/processes.ts';
import { tipEvidence } from '../../src/db/schema.ts';
import { loadKek } from '../../src/features/tips/envelope.server.ts';
import { evidenceDir, writeSealedEvidence } from '../../src/features/tips/evidence.server.ts';
import { sweepOrphanEvidence } from '../../src/features/tips/orphans.server.ts';
import { tipFormSchema } from '../../src/features/tips/tip.ts';
import { submitTip } from '../../src/features/tips/tips.server.ts';
import { TODAY, freshDb } from './helpers.ts';

const LOCAL_MEILI = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/features/search/local-meili.ts')).href;

const folders: string[] = [];
const processes: ChildProcess[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  folders.push(dir);
  return dir;
};
afterEach(() => {
  for (const p of processes.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

/** A process that only waits (an unrelated process for the tests below). */
function sleeper(): ChildProcess {
  const p = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], { stdio: 'ignore' });
  processes.push(p);
  return p;
}

/** The identity of a process that has exited. */
function deadProcess(): ProcessId {
  const r = spawnSync(process.execPath, ['-e', '']);
  return { pid: r.pid ?? 1, startTicks: 0 };
}

/**
 * Another process supervising a Meilisearch on `dataDir` (as `npm start` does), with `PATH`;
 * resolves with it and the pid of its Meilisearch once that answers.
 */
async function supervisorInAnotherProcess(dataDir: string, PATH: string): Promise<{ supervisor: ChildProcess; meili: ProcessId }> {
  const script = `import { superviseMeilisearch } from ${JSON.stringify(LOCAL_MEILI)};
const m = await superviseMeilisearch({ dataDir: process.argv[1] });
process.stdout.write(m.pid() + '\\n');
setInterval(() => {}, 60_000);`;
  const supervisor = spawn(process.execPath, ['--input-type=module', '-e', script, dataDir], { env: { ...process.env, PATH }, stdio: ['ignore', 'pipe', 'inherit'] });
  processes.push(supervisor);
  const pid = await new Promise<number>((resolve, reject) => {
    let out = '';
    supervisor.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    supervisor.once('exit', (code) => reject(new Error(`supervisor exited with ${code}`)));
  });
  const meili = processId(pid);
  if (!meili) throw new Error('no Meilisearch process');
  return { supervisor, meili };
}

describe('a Meilisearch whose supervisor was killed with SIGKILL', () => {
  it('dies with it (parent-death signal through setpriv)', async () => {
    expect(tiedToThisProcess('meilisearch', []).tied).toBe(true);
    const dataDir = tempDir('fangxin-tied-');
    const { supervisor, meili } = await supervisorInAnotherProcess(dataDir, process.env.PATH ?? '');
    supervisor.kill('SIGKILL');
    expect(await until(() => !isRunning(meili), 3000)).toBe(true);
  });

  it('without setpriv outlives it, and the next supervisor of the folder stops it by its record', async () => {
    const dataDir = tempDir('fangxin-stale-');
    // no setpriv on this PATH: the child is not tied, as on a system without util-linux
    const { supervisor, meili } = await supervisorInAnotherProcess(dataDir, '');
    supervisor.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    expect(isRunning(meili)).toBe(true);
    const records = path.join(dataDir, 'meili/processes');
    const [name] = readdirSync(records);
    const recorded = readFileSync(path.join(records, name ?? ''), 'utf8');
    expect(JSON.parse(recorded)).toMatchObject({ meili, dbPath: path.join(dataDir, 'meili/data.ms') });

    // a record whose start time does not match is another process by the same pid: left alone
    const other = JSON.parse(recorded) as { meili: ProcessId };
    writeFileSync(path.join(records, name ?? ''), JSON.stringify({ ...other, meili: { ...other.meili, startTicks: other.meili.startTicks + 1 } }));
    expect(await stopStaleMeilisearch(path.join(dataDir, 'meili'))).toEqual([]);
    expect(isRunning(meili)).toBe(true);

    writeFileSync(path.join(records, name ?? ''), recorded);
    const lines: string[] = [];
    const next = await superviseMeilisearch({ dataDir, log: (line) => lines.push(line) });
    try {
      expect(isRunning(meili)).toBe(false);
      expect(lines.join('\n')).toContain(`stopped the Meilisearch left running by an earlier run (pid ${meili.pid}`);
      expect((await fetch(`${next.host}/health`)).ok).toBe(true);
      // only this supervisor's record is left
      expect(readdirSync(records)).toEqual([`${process.pid}.json`]);
    } finally {
      await next.stop();
    }
    expect(readdirSync(records)).toEqual([]);
  });

  it('is never confused with an unrelated process that has its pid now', async () => {
    const dir = path.join(tempDir('fangxin-reused-'), 'meili');
    mkdirSync(path.join(dir, 'processes'), { recursive: true });
    const unrelated = sleeper();
    const id = processId(unrelated.pid ?? 0);
    expect(id).not.toBeNull();
    const record = { meili: id, bin: await resolveMeiliBinary(), dbPath: path.join(dir, 'data.ms'), owner: deadProcess() };
    writeFileSync(path.join(dir, 'processes', '1.json'), JSON.stringify(record));
    const lines: string[] = [];
    expect(await stopStaleMeilisearch(dir, (line) => lines.push(line))).toEqual([]);
    expect(isRunning(id as ProcessId)).toBe(true);
    expect(lines).toEqual([`pid ${id?.pid}, recorded for an earlier Meilisearch, runs something else: left alone`]);
    expect(readdirSync(path.join(dir, 'processes'))).toEqual([]);
  });

  it('stops at once when asked, also when it is hung (SIGSTOP) or already dead', async () => {
    const dataDir = tempDir('fangxin-stop-');
    const hung = await superviseMeilisearch({ dataDir });
    process.kill(hung.pid() ?? 0, 'SIGSTOP');
    let started = Date.now();
    await hung.stop();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(processId(hung.pid() ?? 0)).toBeNull();

    const dead = await superviseMeilisearch({ dataDir });
    const pid = dead.pid() ?? 0;
    process.kill(pid, 'SIGKILL');
    await until(() => processId(pid) === null, 2000);
    started = Date.now();
    await dead.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(readdirSync(path.join(dataDir, 'meili/processes'))).toEqual([]);
  });
});

describe('the site lock', () => {
  it('refuses while its holder runs, is taken over once that process is gone, also when its pid was reused', () => {
    const dataDir = tempDir('fangxin-lock-');
    const lock = path.join(dataDir, 'site.lock');
    const holder = processId(sleeper().pid ?? 0);
    writeFileSync(lock, `${holder?.pid} ${holder?.startTicks}`);
    expect(takeSiteLock(dataDir)).toBe(holder?.pid);
    // the same pid with another start time: the holder crashed and its pid went to another process
    writeFileSync(lock, `${holder?.pid} ${(holder?.startTicks ?? 0) + 1}`);
    expect(takeSiteLock(dataDir)).toBeNull();
    const self = processId(process.pid);
    expect(readFileSync(lock, 'utf8')).toBe(`${self?.pid} ${self?.startTicks}`);
    releaseSiteLock(dataDir);
    expect(existsSync(lock)).toBe(false);
  });
});

describe('the start-up sweep of evidence files', () => {
  const schema = tipFormSchema({ today: () => TODAY });
  const form = (token: string) =>
    schema.parse({ submissionToken: token, subjectName: '无名腊肉作坊', category: 'hygiene', description: '作坊地面有积水，工人不戴口罩。', reporterMode: 'anonymous' });

  it('removes sealed and temporary files no row names, whatever their size, and keeps every named one', async () => {
    const dataDir = tempDir('fangxin-sweep-');
    const kek = loadKek(undefined, dataDir);
    const db = freshDb();
    const png = new Uint8Array(await sharp({ create: { width: 40, height: 30, channels: 3, background: '#3a3' } }).png().toBuffer());
    await submitTip(db, kek, form('sweep-token-0000000001'), new Date(), { dataDir, files: [{ bytes: png, originalName: 'a.png' }] });
    const dir = evidenceDir(dataDir);
    const named = db.select({ name: tipEvidence.storageName }).from(tipEvidence).all().map((r) => r.name);
    // a stored tip leaves no temporary file
    expect(readdirSync(dir)).toEqual(named);

    // what a crash leaves: a complete sealed file without its row, one cut to 0 bytes, a temporary file
    const orphan = await writeSealedEvidence(dataDir, Buffer.alloc(32, 7), png, []);
    writeFileSync(path.join(dir, `${'a'.repeat(32)}.bin`), '');
    writeFileSync(path.join(dir, `${'b'.repeat(32)}.bin.tmp`), 'half');
    writeFileSync(path.join(dir, 'README'), 'not ours');
    expect(statSync(path.join(dir, orphan)).size).toBeGreaterThan(png.byteLength);

    expect(sweepOrphanEvidence(db, dataDir)).toEqual({ removed: 3, missing: 0 });
    expect(readdirSync(dir).sort()).toEqual([...named, 'README'].sort());
    // nothing left to do the second time
    expect(sweepOrphanEvidence(db, dataDir)).toEqual({ removed: 0, missing: 0 });

    // a named file gone (outside damage) is counted, its row kept
    rmSync(path.join(dir, named[0] ?? ''));
    expect(sweepOrphanEvidence(db, dataDir)).toEqual({ removed: 0, missing: 1 });
    expect(db.select().from(tipEvidence).all()).toHaveLength(1);
  });
});
