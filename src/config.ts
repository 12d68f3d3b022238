/**
 * Runtime configuration, parsed once from `process.env` with zod. Shared by the Astro server and the
 * command-line entry points (which cannot use `astro:env`). Every variable is listed in README.md.
 *
 * Errors: `loadConfig` throws a `ConfigError` naming each bad variable.
 */
import path from 'node:path';
import { z } from './lib/zod.ts';
import { parsePublicOrigin, parseTrustedProxies } from './lib/forwarded.ts';

const port = z.coerce.number().int().min(1).max(65535);

/** The environment variables Fangxin reads, with their defaults. */
export const configSchema = z.object({
  PORT: port.default(4321),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** folder of the SQLite file, the local Meilisearch data and generated keys. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** an external Meilisearch (self-hosted or Cloud); unset = start a local one. */
  MEILI_HOST: z.url().optional(),
  /** the API key for MEILI_HOST (admin key: indexing happens from this server). */
  MEILI_API_KEY: z.string().optional(),
  /** path to a Meilisearch binary to use instead of the npm-shipped one (skips the checksum). */
  MEILI_BIN: z.string().optional(),
  /** port of the local Meilisearch; 0 = a free port. */
  MEILI_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** number of demo workshops generated into an empty database; 0 = none. */
  DEMO_COUNT: z.coerce.number().int().min(0).max(1_000_000).default(3000),
  /** 32-byte key-encryption key for tips (base64). Unset: one is generated into DATA_DIR. */
  TIP_KEK: z.string().optional(),
  /** tips per client address per hour (issue #4: 10); raise it only for load tests. */
  TIP_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(10),
  /** the site's public origin behind a TLS proxy (`https://fangxin.example`); see src/lib/forwarded.ts. */
  PUBLIC_ORIGIN: z.string().optional().superRefine((v, ctx) => refineWith(parsePublicOrigin, v, ctx)),
  /** whose X-Forwarded-For to believe: addresses/CIDR ranges, or a hop count; see src/lib/forwarded.ts. */
  TRUSTED_PROXIES: z.string().optional().superRefine((v, ctx) => refineWith(parseTrustedProxies, v, ctx)),
});

/** Adds the message of whatever `parse` throws for `value` as an issue. */
function refineWith(parse: (value: string | undefined) => unknown, value: string | undefined, ctx: z.RefinementCtx): void {
  try {
    parse(value);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
  }
}

export type Config = z.infer<typeof configSchema> & { dataDir: string; dbFile: string };

/** Thrown when an environment variable has an invalid value. */
export class ConfigError extends Error {}

/** Parses `env` (default `process.env`); resolves DATA_DIR against the working directory. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment: ${lines.join('; ')}`);
  }
  const dataDir = path.resolve(parsed.data.DATA_DIR);
  return { ...parsed.data, dataDir, dbFile: path.join(dataDir, 'fangxin.db') };
}
