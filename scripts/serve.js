#!/usr/bin/env node
// A small static file server for the browser demo (web-dist/) or any folder.
//   node scripts/serve.js [dir] [--port 8080] [--host 127.0.0.1]
// Every response carries Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy:
// require-corp, so that the page is cross-origin isolated and SharedArrayBuffer is available;
// .wasm is served as application/wasm (needed by WebAssembly.compileStreaming). Only GET and HEAD,
// only files under dir (no listing, no path traversal), no caching (a rebuilt demo is seen at once).
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Serve `dir` over HTTP. `mounts` maps URL prefixes to other folders (e.g. { '/node_modules/axonal/': repoRoot }).
 * Resolves to { url, port, close() } once listening; port 0 picks a free port.
 */
export function serve(dir, { port = 8080, host = '127.0.0.1', mounts = {}, quiet = true } = {}) {
  const root = path.resolve(dir);
  const server = createServer((req, res) => {
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { ...ISOLATION, 'Content-Type': 'text/plain; charset=utf-8', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n', { Allow: 'GET, HEAD' });
    let urlPath;
    try {
      urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return send(400, 'bad request\n');
    }
    if (urlPath.includes('\0')) return send(400, 'bad request\n');
    let base = root;
    let rel = urlPath;
    for (const [prefix, target] of Object.entries(mounts)) {
      if (urlPath.startsWith(prefix)) {
        base = path.resolve(target);
        rel = '/' + urlPath.slice(prefix.length);
        break;
      }
    }
    let file = path.resolve(base, '.' + rel);
    if (file !== base && !file.startsWith(base + path.sep)) return send(403, 'forbidden\n');
    let st;
    try {
      st = statSync(file);
      if (st.isDirectory()) {
        if (!urlPath.endsWith('/')) return send(301, '', { Location: urlPath + '/' });
        file = path.join(file, 'index.html');
        st = statSync(file);
      }
    } catch {
      return send(404, `not found: ${urlPath}\n`);
    }
    const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    res.writeHead(200, { ...ISOLATION, 'Content-Type': type, 'Content-Length': st.size, 'Cache-Control': 'no-cache' });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
    if (!quiet) res.on('finish', () => console.log(`${res.statusCode} ${req.method} ${urlPath}`));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const a = server.address();
      const p = typeof a === 'object' && a ? a.port : port;
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${p}/`,
        port: p,
        close: () => new Promise((r) => server.close(() => r(undefined))),
        server,
      });
    });
  });
}

// command line
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  let dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'web-dist');
  let port = 8080;
  let host = '127.0.0.1';
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    if (a === '--port' || a === '-p') port = Number(args[++k]);
    else if (a === '--host') host = args[++k];
    else if (a === '--help' || a === '-h') {
      console.log('usage: node scripts/serve.js [dir] [--port 8080] [--host 127.0.0.1]');
      process.exit(0);
    } else if (!a.startsWith('-')) dir = a;
    else {
      console.error(`serve: unknown option ${a}`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error('serve: --port must be an integer 0..65535');
    process.exit(2);
  }
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
  } catch {
    console.error(`serve: ${dir} is not a directory (run \`npm run build:web\` first)`);
    process.exit(1);
  }
  const s = await serve(dir, { port, host, quiet: false }).catch((e) => {
    console.error(`serve: cannot listen on ${host}:${port}: ${e.message}`);
    process.exit(1);
  });
  console.log(`serving ${path.resolve(dir)} at ${s.url} (cross-origin isolated; Ctrl-C to stop)`);
}
