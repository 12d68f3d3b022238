/**
 * The preview queue: makes the metadata-free, upright preview of each image filed with a tip
 * after the tip is stored, so the reporter gets the receipt without waiting for pixels to be
 * decoded (issue #4 point 11: 20 tips with three 5 MB photos each within 1.5 s).
 *
 * A file's `previewStatus` goes `pending` → `working` → `ready` | `unsupported` (HEIC without an
 * HEVC decoder) | `failed` (pixels that cannot be decoded: the sealed original is still kept as
 * evidence, its SHA-256 recorded). Rows are claimed with a conditional UPDATE, so any number of
 * queues in any number of processes on the same database make each preview once. One file at a
 * time per queue, and a queue given `busy` waits while people are filing tips (up to
 * MAX_YIELD_MS per file, so a steady stream of tips cannot starve it): on two cores a preview
 * costs as much CPU as filing a whole tip. A process that stopped while a file was `working`
 * leaves it for `resetInterruptedPreviews` at the next start.
 */
import { and, asc, eq } from 'drizzle-orm';
import sharp from 'sharp';
import type { Db } from '../../db/client.ts';
import { tipEvidence, tips } from '../../db/schema.ts';
import { open, type Kek } from './envelope.server.ts';
import { makePreview, readStoredEvidence, removeStoredFiles, writeSealedEvidence } from './evidence.server.ts';
import { EvidenceError } from './evidence.ts';

/** Where the queue finds its work: the database, the KEK that wraps the tips' data keys, DATA_DIR. */
export interface PreviewContext {
  db: Db;
  kek: Kek;
  dataDir: string;
  /** one-line log without personal data (file ids and outcomes only) */
  log?: (line: string) => void;
}

// one libvips thread per image: a preview being made then takes at most one core, and tips
// arriving meanwhile keep the other (sharp is only used for evidence in this process)
sharp.concurrency(1);

/** How long a queue waits for the site to be quiet before each file, at most (ms). */
export const MAX_YIELD_MS = 30_000;
/** How long the site must have been quiet before the queue goes on (ms). */
const QUIET_MS = 2_000;
const POLL_MS = 50;

/** Outcome of one file. */
export type PreviewOutcome = 'ready' | 'unsupported' | 'failed';

/** Claims the oldest pending file: its row id, or null when there is none. */
function claimNext(db: Db): { id: number; tipId: number; storageName: string; mediaType: string; originalName: string } | null {
  for (;;) {
    const next = db
      .select({ id: tipEvidence.id, tipId: tipEvidence.tipId, storageName: tipEvidence.storageName, mediaType: tipEvidence.mediaType, originalName: tipEvidence.originalName })
      .from(tipEvidence)
      .where(eq(tipEvidence.previewStatus, 'pending'))
      .orderBy(asc(tipEvidence.id))
      .limit(1)
      .get();
    if (!next) return null;
    const claimed = db
      .update(tipEvidence)
      .set({ previewStatus: 'working' })
      .where(and(eq(tipEvidence.id, next.id), eq(tipEvidence.previewStatus, 'pending')))
      .run();
    if (claimed.changes === 1) return next;
    // another queue took it first: look again
  }
}

/**
 * Makes the preview of one claimed file: opens the tip's data key with the KEK, reads and opens
 * the sealed original, re-encodes it (`makePreview`), seals and writes the preview, and records
 * it. An image that cannot be decoded → `failed`; HEIC that cannot be decoded here →
 * `unsupported`. Any other error (a missing key or file, a full disk) also ends `failed` and is
 * logged by row id: the queue never retries a file forever.
 */
async function previewOne(ctx: PreviewContext, row: NonNullable<ReturnType<typeof claimNext>>): Promise<PreviewOutcome> {
  const written: string[] = [];
  try {
    const wrapped = ctx.db.select({ wrappedDataKey: tips.wrappedDataKey }).from(tips).where(eq(tips.id, row.tipId)).get()?.wrappedDataKey;
    if (!wrapped) throw new Error('tip has no data key');
    const dataKey = open(ctx.kek.key, wrapped);
    const original = await readStoredEvidence(ctx.dataDir, dataKey, row.storageName);
    const preview = await makePreview(original, row.mediaType, row.originalName);
    if (preview.status === 'ready' && preview.bytes) {
      const previewStorageName = await writeSealedEvidence(ctx.dataDir, dataKey, preview.bytes, written);
      ctx.db
        .update(tipEvidence)
        .set({ previewStatus: 'ready', previewStorageName, previewMediaType: preview.mediaType ?? 'image/jpeg' })
        .where(eq(tipEvidence.id, row.id))
        .run();
      return 'ready';
    }
    const status = preview.status === 'unsupported' ? 'unsupported' : 'failed';
    ctx.db.update(tipEvidence).set({ previewStatus: status }).where(eq(tipEvidence.id, row.id)).run();
    return status;
  } catch (e) {
    await removeStoredFiles(written);
    if (!(e instanceof EvidenceError)) ctx.log?.(`preview of evidence #${row.id} failed: ${e instanceof Error ? e.name : 'error'}`);
    ctx.db.update(tipEvidence).set({ previewStatus: 'failed' }).where(eq(tipEvidence.id, row.id)).run();
    return 'failed';
  }
}

/**
 * Makes previews until no file is pending (or `max` files were done); returns how many files
 * were processed. For tests, benchmarks and the queue below.
 */
export async function runPendingPreviews(ctx: PreviewContext, max = Number.POSITIVE_INFINITY): Promise<number> {
  let done = 0;
  while (done < max) {
    const row = claimNext(ctx.db);
    if (!row) break;
    await previewOne(ctx, row);
    done++;
  }
  return done;
}

/**
 * Puts files left `working` by a process that stopped back to `pending`. Call once at start,
 * before any queue of this database runs. Returns the number of files reset.
 */
export function resetInterruptedPreviews(db: Db): number {
  return db.update(tipEvidence).set({ previewStatus: 'pending' }).where(eq(tipEvidence.previewStatus, 'working')).run().changes;
}

/** A queue bound to one context: `kick()` after storing files; it drains in the background. */
export interface PreviewQueue {
  /** Starts draining unless it is already; never throws, never blocks the caller. */
  kick(): void;
  /** Resolves when the current drain (if any) has finished. */
  idle(): Promise<void>;
}

/**
 * Counts work in progress that previews should make way for (tip submissions); `quiet()` is true
 * when none has run for QUIET_MS.
 */
export class BusySignal {
  private active = 0;
  private lastEnd = 0;

  /** Runs `work` counted as busy. */
  async during<T>(work: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.lastEnd = Date.now();
    }
  }

  quiet(now = Date.now()): boolean {
    return this.active === 0 && now - this.lastEnd >= QUIET_MS;
  }
}

/** Waits until `busy` is quiet, at most MAX_YIELD_MS. */
async function yieldTo(busy: BusySignal | undefined): Promise<void> {
  if (!busy) return;
  const until = Date.now() + MAX_YIELD_MS;
  while (!busy.quiet() && Date.now() < until) await new Promise((r) => setTimeout(r, POLL_MS));
}

/**
 * A background queue over `ctx` (one file at a time); with `busy`, each file waits for the site
 * to be quiet first (see BusySignal, MAX_YIELD_MS).
 */
export function createPreviewQueue(ctx: PreviewContext, busy?: BusySignal): PreviewQueue {
  let running: Promise<void> | null = null;
  let again = false;
  const drain = async (): Promise<void> => {
    do {
      again = false;
      for (;;) {
        await yieldTo(busy);
        if ((await runPendingPreviews(ctx, 1)) === 0) break;
      }
    } while (again);
  };
  const queue: PreviewQueue = {
    kick() {
      if (running) {
        again = true;
        return;
      }
      running = drain()
        .catch((e: unknown) => ctx.log?.(`preview queue stopped: ${e instanceof Error ? e.name : 'error'}`))
        .finally(() => {
          running = null;
          // a kick that came after the last look but before this line
          if (again) queue.kick();
        });
    },
    idle() {
      return running ?? Promise.resolve();
    },
  };
  return queue;
}
