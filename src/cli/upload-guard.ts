/**
 * Streaming limits on the tip forms' uploads, in front of Astro (site-server.ts): the multipart
 * body of a tip or a reporter's message is parsed with busboy as it arrives, and a file over
 * EVIDENCE_LIMITS.maxBytes (20 MiB) is refused with 413 the moment its 20 MiB + 1st byte arrives,
 * without keeping any more of it (issue #4 point 3: "up to 10 files of 20 MB, enforced while
 * streaming (413 with a Chinese message; the server keeps answering)"). After the answer the rest
 * of the upload is read and thrown away (a browser shows an answer reliably only once it could send
 * its request), up to MAX_BODY_BYTES; beyond that the connection is cut. A body within the limits
 * is handed to Astro as the bytes that arrived (`req.body`, which @astrojs/node uses as the
 * request body), and the Astro Action checks everything again.
 *
 * The answer to a refusal: for a form post (`/report?_action=…`, `/report/track?_action=…`) a
 * Chinese HTML page naming the file; for a call from script (`/_actions/tips.*`) the JSON of an
 * Astro ActionError `CONTENT_TOO_LARGE`, which `actions.tips.submit()` turns into its `error`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import busboy from 'busboy';
import { EVIDENCE_LIMITS, safeDisplayName } from '../features/tips/evidence.ts';
import { UPLOAD_LIMITS } from '../features/imports/upload.ts';
import { zh } from '../i18n/zh-CN.ts';
import { escapeHtml } from '../lib/html.ts';
import { SECURITY_HEADERS } from '../lib/security-headers.ts';
import { keepUpload, putParsedUpload, takeParsedUpload, UPLOAD_HEADER, type ParsedFile } from '../lib/parsed-uploads.ts';

/** The whole body may not exceed this (bytes): 10 files of 20 MiB and 1 MiB of fields, as astro.config.mjs. */
export const MAX_BODY_BYTES = EVIDENCE_LIMITS.maxFiles * EVIDENCE_LIMITS.maxBytes + 1024 * 1024;

/** Whether a request is a tip form upload this guard reads: POST multipart to the tip actions. */
export function isTipUpload(req: IncomingMessage, path: string, query: string): boolean {
  if (req.method !== 'POST') return false;
  if (!/^multipart\/form-data\s*;/iu.test(req.headers['content-type'] ?? '')) return false;
  // Astro's client calls the actions with or without a trailing slash
  const bare = path.endsWith('/') ? path.slice(0, -1) : path;
  if (bare === '/_actions/tips.submit' || bare === '/_actions/tips.message') return true;
  const action = new URLSearchParams(query).get('_action');
  return (path === '/report' && action === 'tips.submit') || (path === '/report/track' && action === 'tips.message');
}

/** Largest body of an official-table upload (bytes): the file limit and 1 MiB of fields. */
export const MAX_IMPORT_BODY_BYTES = UPLOAD_LIMITS.maxBytes + 1024 * 1024;

/**
 * Whether a request is an official-table upload (`imports.upload`, from the /admin/import form or
 * a script) declaring a body over MAX_IMPORT_BODY_BYTES: it is refused with 413 before a byte of
 * it is read (the action's own check of the file would come only after Astro read 200 MB).
 */
export function isOversizedImport(req: IncomingMessage, path: string, query: string): boolean {
  if (req.method !== 'POST') return false;
  const declared = Number(req.headers['content-length']);
  if (!Number.isFinite(declared) || declared <= MAX_IMPORT_BODY_BYTES) return false;
  const bare = path.endsWith('/') ? path.slice(0, -1) : path;
  return bare === '/_actions/imports.upload' || (bare === '/admin/import' && new URLSearchParams(query).get('_action') === 'imports.upload');
}

/** Answers an oversized official-table upload (see `isOversizedImport`) with 413, reading none of it. */
export function refuseOversizedImport(req: IncomingMessage, res: ServerResponse, path: string): void {
  const message = `文件超过 ${UPLOAD_LIMITS.maxBytes / 1024 / 1024} MB，请分成几个文件导入`;
  if (path.startsWith('/_actions/')) {
    res.writeHead(413, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close' });
    res.end(JSON.stringify({ type: 'AstroActionError', code: 'CONTENT_TOO_LARGE', status: 413, message }));
  } else {
    res.writeHead(413, { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close' });
    res.end(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(zh.uploadRefused.title)} · ${escapeHtml(zh.site.name)}</title></head><body><main><h1>${escapeHtml(zh.uploadRefused.title)}</h1><p role="alert">${escapeHtml(message)}</p><p><a href="/admin/import">${escapeHtml(zh.uploadRefused.back)}</a></p></main></body></html>`);
  }
  // read and dropped (a browser shows an answer reliably once it could send its request); then closed
  req.resume();
}

/** The Chinese message for a refused upload: one file too large (its name), or the whole body. */
export function tooLargeMessage(fileName: string | null): string {
  const mb = EVIDENCE_LIMITS.maxBytes / 1024 / 1024;
  return fileName === null
    ? `上传的内容超过 ${MAX_BODY_BYTES / 1024 / 1024} MB，未能提交。每份举报最多 ${EVIDENCE_LIMITS.maxFiles} 个文件，每个不超过 ${mb} MB。`
    : `文件“${safeDisplayName(fileName)}”超过 ${mb} MB，未能提交。请压缩或去掉这个文件后重新提交。`;
}

function refuse(req: IncomingMessage, res: ServerResponse, path: string, message: string): void {
  const fromScript = path.startsWith('/_actions/');
  const back = path.startsWith('/report/track') ? '/report/track' : '/report';
  if (fromScript) {
    res.writeHead(413, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify({ type: 'AstroActionError', code: 'CONTENT_TOO_LARGE', status: 413, message }));
  } else {
    const t = zh.uploadRefused;
    res.writeHead(413, { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(
      `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(t.title)} · ${escapeHtml(zh.site.name)}</title></head><body><main><h1>${escapeHtml(t.title)}</h1><p role="alert">${escapeHtml(message)}</p><p>${escapeHtml(t.notSaved)}</p><p><a href="${back}">${escapeHtml(t.back)}</a></p></main></body></html>`,
    );
  }
}

/** Multipart body of text fields only, with a new boundary: `{ body, contentType }`. */
function fieldsOnlyBody(fields: [string, string][]): { body: Buffer; contentType: string } {
  const boundary = `----fangxin${randomBytes(12).toString('hex')}`;
  const quote = (name: string) => name.replace(/["\r\n]/gu, (c) => encodeURIComponent(c));
  const parts = fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`);
  return { body: Buffer.from(`${parts.join('')}--${boundary}--\r\n`, 'utf8'), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Reads a tip upload (see `isTipUpload`) with the limits above, then calls `next()` — or answers
 * 413 itself. Parsed, the body is handed on as its text fields alone (`req.body`, a new
 * Content-Type) and the files are kept for the action (src/lib/parsed-uploads.ts, id in
 * UPLOAD_HEADER). A body busboy cannot parse is read to its end and handed on byte for byte: Astro's
 * parser accepts some of them (a file name with a control character, which busboy refuses in a
 * part header) and the action then reads the files itself; the rest are answered 400 by
 * src/middleware.ts. Never throws.
 */
export function guardTipUpload(req: IncomingMessage & { body?: unknown }, res: ServerResponse, path: string, next: () => void): void {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
    refuse(req, res, path, tooLargeMessage(null));
    return;
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      defParamCharset: 'utf8',
      // busboy reports `limit` on reaching fileSize: one byte more than a file may have
      limits: { fileSize: EVIDENCE_LIMITS.maxBytes + 1, fieldSize: 1024 * 1024, fields: 100, files: 100 },
    });
  } catch {
    next();
    return;
  }
  // the raw body, in case busboy cannot parse it; file parts are views into these chunks
  const chunks: Buffer[] = [];
  const fields: [string, string][] = [];
  const files: { field: string; name: string; chunks: Buffer[] }[] = [];
  let received = 0;
  let done = false;
  let unparseable = false;
  const stop = (message: string) => {
    if (done) return;
    done = true;
    req.unpipe(parser);
    chunks.length = 0;
    files.length = 0;
    refuse(req, res, path, message);
    req.resume();
  };
  const pass = () => {
    if (done) return;
    done = true;
    req.unpipe(parser);
    if (unparseable) {
      req.body = Buffer.concat(chunks, received);
    } else {
      const parsed: ParsedFile[] = files.map((f) => ({ field: f.field, name: f.name, bytes: Buffer.concat(f.chunks) }));
      const { body, contentType } = fieldsOnlyBody(fields);
      req.headers['content-type'] = contentType;
      req.headers['content-length'] = String(body.length);
      // kept for this form in case it is refused (src/lib/parsed-uploads.ts `keepUpload`)
      const token = fields.find(([name]) => name === 'submissionToken')?.[1];
      const evidence = parsed.filter((f) => f.field === 'evidence' && (f.bytes.byteLength > 0 || f.name !== ''));
      if (token && evidence.length > 0 && evidence.length <= EVIDENCE_LIMITS.maxFiles) keepUpload(token, evidence);
      const id = putParsedUpload(parsed);
      req.headers[UPLOAD_HEADER] = id;
      req.body = body;
      // the action takes the files; when it never ran (a refused form), they go with the answer
      res.on('close', () => takeParsedUpload(id));
    }
    chunks.length = 0;
    files.length = 0;
    next();
  };
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (done) {
      // refused: the rest is read and dropped, up to the largest body there can be
      if (received > MAX_BODY_BYTES) req.destroy();
      return;
    }
    if (received > MAX_BODY_BYTES) stop(tooLargeMessage(null));
    else chunks.push(chunk);
  });
  parser.on('field', (name, value) => fields.push([name, value]));
  parser.on('file', (field, file, info) => {
    const entry = { field, name: info.filename ?? '', chunks: [] as Buffer[] };
    files.push(entry);
    file.on('data', (data: Buffer) => entry.chunks.push(data));
    // busboy destroys an unfinished file with the parser's error (reported below): without a listener it would end the process
    file.on('error', () => undefined);
    file.on('limit', () => stop(tooLargeMessage(info.filename ?? '')));
  });
  parser.on('error', () => {
    // not parseable here: Astro reads what arrived and answers for itself
    unparseable = true;
    // pipe() unpipes and pauses the request on its destination's error: reading goes on for `chunks`
    req.unpipe(parser);
    req.resume();
    if (req.readableEnded) pass();
    else req.on('end', pass);
  });
  parser.on('close', () => {
    if (req.readableEnded) pass();
    else req.on('end', pass);
  });
  req.on('error', () => {
    done = true;
  });
  req.pipe(parser);
}
