/**
 * A real nginx (Debian's package, /usr/sbin/nginx) terminating TLS in front of a site, as in the
 * README's deployment example: started by a spec on a loopback address with a self-signed
 * certificate made by openssl, its own prefix, pid and logs in a temporary folder, in the
 * foreground (`daemon off`), stopped with SIGQUIT/SIGTERM by the spec.
 *
 * `proxyBind` makes nginx connect to the site from another loopback address (127.0.0.3), so that
 * the site can tell its proxy (TRUSTED_PROXIES) from the browser (127.0.0.1).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const NGINX = '/usr/sbin/nginx';

/** A running nginx. */
export interface Nginx {
  origin: string;
  /** nginx's access log so far */
  accessLog(): string;
  stop(): Promise<void>;
}

/** The server block of the README's example, with this test's addresses filled in. */
export function nginxServerBlock(o: { listen: string; port: number; cert: string; key: string; upstream: string; proxyBind?: string }): string {
  return `
  server {
    # nginx >= 1.25.1 prefers "listen … ssl;" plus "http2 on;"
    listen ${o.listen}:${o.port} ssl http2;
    server_name _;
    ssl_certificate ${o.cert};
    ssl_certificate_key ${o.key};
    ssl_protocols TLSv1.2 TLSv1.3;

    # tip evidence: 10 files of 20 MiB and the form; the site checks each file as it streams in
    client_max_body_size 201m;
    proxy_request_buffering off;
    proxy_read_timeout 120s;

    location / {
      proxy_pass http://${o.upstream};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Request-Id $request_id;${o.proxyBind ? `\n      proxy_bind ${o.proxyBind};` : ''}
    }
  }`;
}

/** Starts nginx on `listen:port` (TLS) proxying to `upstream` (`127.0.0.1:4321`); resolves when it answers. */
export async function startNginx(o: { listen: string; port: number; upstream: string; proxyBind?: string }): Promise<Nginx> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fangxin-nginx-'));
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=${o.listen}`, '-addext', `subjectAltName=IP:${o.listen}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `# written by tests/e2e/helpers/nginx.ts
worker_processes 1;
daemon off;
master_process on;
user root;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${nginxServerBlock({ ...o, cert, key })}
}
`,
  );
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-e', `${dir}/error.log`, '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  const origin = `https://${o.listen}:${o.port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${stderr}${safeRead(`${dir}/error.log`)}`);
    if (await answers(o.listen, o.port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not listen within 20 s: ${stderr}${safeRead(`${dir}/error.log`)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    origin,
    accessLog: () => safeRead(`${dir}/access.log`),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

async function answers(host: string, port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
