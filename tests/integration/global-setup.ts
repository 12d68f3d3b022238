/**
 * Global setup of the `integration` project: one real Meilisearch for the whole run.
 *
 * When MEILI_HOST is set (with MEILI_API_KEY when the server needs one) that server is used as is;
 * otherwise the npm-shipped binary is started (checksum checked, bound to 127.0.0.1 on a free
 * port) with its data in a temporary folder that the teardown removes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { superviseMeilisearch } from '../../src/features/search/local-meili.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    meiliHost: string;
    meiliKey: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const external = process.env.MEILI_HOST;
  if (external) {
    project.provide('meiliHost', external);
    project.provide('meiliKey', process.env.MEILI_API_KEY ?? '');
    return undefined;
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'fangxin-it-meili-'));
  try {
    const meili = await superviseMeilisearch({ dataDir });
    project.provide('meiliHost', meili.host);
    project.provide('meiliKey', meili.masterKey);
    return async () => {
      await meili.stop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}
