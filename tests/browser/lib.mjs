// lib.mjs - what the browser tests share: a real PDF, a free port, the
// server process, Debian's Chromium.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

// A one-page PDF with real text (Helvetica), correct xref table.
export function makePdf(lines) {
  let text = 'BT /F1 11 Tf 14 TL 56 780 Td\n';
  for (const l of lines) text += '(' + l.replace(/[\\()]/g, (c) => '\\' + c) + ') Tj T*\n';
  text += 'ET\n';
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< /Length ${Buffer.byteLength(text, 'latin1')} >>\nstream\n${text}endstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets = [];
  objs.forEach((o, i) => { offsets.push(Buffer.byteLength(out, 'latin1')); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += String(off).padStart(10, '0') + ' 00000 n \n';
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

// Start offerapi-server on a fresh SQLite database; its log goes to
// LOGDIR/<name>.log. Returns { base, proc, tmp }.
export async function startServer(logDir, extra = [], name = 'server-pages') {
  const bin = process.env.OFFERAPI_SERVER_BIN;
  if (!bin || !fs.existsSync(bin)) throw new Error('OFFERAPI_SERVER_BIN not set');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'offerapi-browser.'));
  const pluginDir = path.join(tmp, 'plugins');
  fs.mkdirSync(pluginDir);
  for (const p of (process.env.OFFERAPI_PLUGINS || '').split(':').filter(Boolean))
    fs.symlinkSync(path.resolve(p), path.join(pluginDir, path.basename(p)));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = fs.openSync(path.join(logDir, name + '.log'), 'w');
  const proc = spawn(bin, ['--listen', `127.0.0.1:${port}`, '--database', 'sqlite:' + path.join(tmp, 'db.sqlite'),
    '--plugin-dir', pluginDir, '--scorers', 'random,similarity', '--pwhash-memlimit', '8192',
    '--pwhash-opslimit', '1', ...extra], { stdio: ['ignore', log, log] });
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error('the server exited at start-up');
    try { const r = await fetch(base + '/healthz'); if (r.status === 200) return { base, proc, tmp }; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not answer /healthz');
}

// SIGTERM; true when it exits 0.
export async function stopServer(srv) {
  if (!srv) return false;
  if (srv.proc.exitCode === null) {
    srv.proc.kill('SIGTERM');
    await new Promise((r) => srv.proc.once('exit', r));
  }
  fs.rmSync(srv.tmp, { recursive: true, force: true });
  return srv.proc.exitCode === 0;
}

export async function launchChromium() {
  const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(chromiumPath)) throw new Error(chromiumPath + ' not found: apt-get install chromium');
  return chromium.launch({
    executablePath: chromiumPath, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}
