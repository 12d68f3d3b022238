// @ts-check
import node from '@astrojs/node';
import { defineConfig, envField } from 'astro/config';
import { PAGE_CSP_DIRECTIVES } from './src/lib/security-headers.ts';

// Runtime configuration is parsed by src/config.ts (shared with the command-line scripts); the
// schema below declares the same variables to Astro so that a bad value fails at start.
export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  server: { host: '127.0.0.1', port: 4321 },
  // tip evidence: up to 10 files of 20 MB (src/features/tips/evidence.ts) plus the form fields;
  // a larger body is refused with 413 before it is read
  // csp: every page's policy, sent as a header: Astro adds script-src/style-src with the hashes of
  // the page's own scripts and styles to the directives of src/lib/security-headers.ts
  security: {
    checkOrigin: true,
    actionBodySizeLimit: 10 * 20 * 1024 * 1024 + 1024 * 1024,
    csp: { algorithm: 'SHA-256', directives: [...PAGE_CSP_DIRECTIVES] },
  },
  devToolbar: { enabled: false },
  env: {
    schema: {
      DATA_DIR: envField.string({ context: 'server', access: 'public', optional: true }),
      MEILI_HOST: envField.string({ context: 'server', access: 'public', optional: true }),
      MEILI_API_KEY: envField.string({ context: 'server', access: 'secret', optional: true }),
      TIP_KEK: envField.string({ context: 'server', access: 'secret', optional: true }),
    },
    validateSecrets: false,
  },
  vite: {
    build: { chunkSizeWarningLimit: 1500 },
  },
});
