/**
 * Loads the ALTCHA proof-of-work widget (`<altcha-widget>` in src/pages/report.astro) in the form
 * the site's Content-Security-Policy allows (src/lib/security-headers.ts): the package's
 * `altcha/external` build, which injects no `<style>` element and bundles no worker, its
 * stylesheet as a bundled file, and the one algorithm the server issues (POW_ALGORITHM,
 * `PBKDF2/SHA-256`) solved by a worker that Vite emits as a same-origin file under `/_astro/`.
 * The default `altcha` build would start its workers from `blob:` URLs (`worker-src blob:`) and
 * need `style-src 'unsafe-inline'`.
 */
import 'altcha/external';
import 'altcha/altcha.css';
import 'altcha/i18n/zh-cn';
import Pbkdf2Worker from 'altcha/workers/pbkdf2?worker';

globalThis.$altcha.algorithms.set('PBKDF2/SHA-256', () => new Pbkdf2Worker());
