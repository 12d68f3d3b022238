/**
 * A bare HTTP/1.1 client on `node:net` for the hostile-input spec: it sends exactly the bytes it is
 * given (control characters, broken percent-encoding, bodies cut short), which no HTTP library
 * lets through, and reads the answer until the server closes the connection.
 */
import net from 'node:net';

/** An answer: `status` (0 when the server closed without one), lower-case headers, the body de-chunked, `ms` to the close. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  ms: number;
  /** no complete answer (status line, headers, body) within the deadline */
  timedOut: boolean;
}

/** A request as bytes: request line and headers (CRLF added, `Connection: close` appended) and an optional body. */
export function rawRequest(head: string | Buffer, headers: Record<string, string | Buffer>, body?: Buffer | string): Buffer {
  const lines: Buffer[] = [Buffer.isBuffer(head) ? head : Buffer.from(head, 'utf8'), Buffer.from('\r\n')];
  for (const [name, value] of Object.entries({ ...headers, Connection: 'close' })) {
    lines.push(Buffer.from(`${name}: `, 'latin1'), Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8'), Buffer.from('\r\n'));
  }
  lines.push(Buffer.from('\r\n'));
  if (body !== undefined) lines.push(Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'));
  return Buffer.concat(lines);
}

function dechunk(raw: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = raw.indexOf('\r\n', at, 'latin1');
    if (eol === -1) break;
    const size = Number.parseInt(raw.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** Parses what the server sent on one connection: its first final answer (a `100 Continue` before it is skipped). */
export function parseAnswer(sent: Buffer, ms: number, timedOut: boolean): RawAnswer {
  let raw = sent;
  while (/^HTTP\/1\.[01] 1\d\d /u.test(raw.subarray(0, 16).toString('latin1')) && raw.includes('\r\n\r\n', 0, 'latin1')) {
    raw = raw.subarray(raw.indexOf('\r\n\r\n', 0, 'latin1') + 4);
  }
  const end = raw.indexOf('\r\n\r\n', 0, 'latin1');
  const head = (end === -1 ? raw : raw.subarray(0, end)).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/u.exec(head[0] ?? '')?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = end === -1 ? Buffer.alloc(0) : raw.subarray(end + 4);
  const body = /chunked/iu.test(headers['transfer-encoding'] ?? '') ? dechunk(rest) : rest;
  return { status, headers, body, ms, timedOut };
}

/**
 * Sends `bytes` to 127.0.0.1:`port` and resolves when the server closes the connection, or after
 * `deadlineMs` (then `timedOut`, and the connection is dropped). A write the server no longer
 * reads (it answered early, e.g. 413) is not an error: the answer is what counts. Never rejects.
 */
export function sendRaw(port: number, bytes: Buffer, deadlineMs = 5_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1');
    let settled = false;
    const settle = (timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseAnswer(Buffer.concat(chunks), Date.now() - started, timedOut));
    };
    const timer = setTimeout(() => settle(true), deadlineMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => undefined);
    socket.on('close', () => settle(false));
    socket.write(bytes);
  });
}

/**
 * Opens a connection and sends a request whose headers never end (`head` without the blank line),
 * then one more header line every `everyMs`. Resolves with the milliseconds until the server closed
 * it, or null when it was still open after `deadlineMs` (the connection is then dropped).
 */
export function slowHeaders(port: number, head: string, everyMs: number, deadlineMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    const drip = setInterval(() => socket.write(`X-Slow-${Date.now()}: 1\r\n`), everyMs);
    const done = (ms: number | null) => {
      clearInterval(drip);
      clearTimeout(timer);
      socket.destroy();
      resolve(ms);
    };
    const timer = setTimeout(() => done(null), deadlineMs);
    socket.on('error', () => undefined);
    socket.on('close', () => done(Date.now() - started));
    socket.write(head);
  });
}
