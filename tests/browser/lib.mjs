// lib.mjs - what the browser tests share: a real PDF, a free port, the
// server process, Debian's Chromium, axe-core inside a page, a real SMTP
// server on loopback and the messages it received.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
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

// axe-core (run inside the page): every violation of any of its rules, one
// line each ("TAG: rule (impact): help; targets"); [] when there is none.
const require = createRequire(import.meta.url);
let axeSource;
export const axeVersion = () => JSON.parse(fs.readFileSync(require.resolve('axe-core/package.json'))).version;
export async function axeViolations(page, tag) {
  axeSource = axeSource || fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  const res = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  return res.violations.map((v) =>
    `${tag}: ${v.id} (${v.impact}): ${v.help}; ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

// tests/mail/smtpd.py (Debian's python3-aiosmtpd) on a loopback port, with
// --json: each message it accepts is DIR/NNNN.json (envelope, decoded
// subject, text and HTML parts). Returns { port, dir, proc, args, all(),
// wait(pred, what) }; args are the server options that send mail there.
export async function startSmtpd(dir) {
  const script = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'mail', 'smtpd.py');
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f));
  const proc = spawn('/usr/bin/python3', [script, dir, '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^port (\d+)\n/);
      if (m) resolve(Number(m[1]));
    });
    proc.once('exit', (code) => reject(new Error(`smtpd.py exited (${code}) before listening (python3-aiosmtpd missing?)`)));
  });
  const all = () => fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .map((f) => ({ file: f, ...JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) }));
  // The first message for which pred(message) is true, waiting up to
  // timeoutMs for it; throws, saying what was awaited, when none came.
  const wait = async (pred, what, timeoutMs = 20000) => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const m = all().find(pred);
      if (m) return m;
      if (Date.now() > end) {
        throw new Error(`no message at the SMTP server: ${what}; received: ` +
          all().map((x) => `${x.rcpt_tos.join(',')} "${x.subject}"`).join('; '));
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { port, dir, proc, all, wait, args: ['--smtp-url', `smtp://127.0.0.1:${port}`] };
}

export async function stopSmtpd(smtpd) {
  if (smtpd && smtpd.proc.exitCode === null) {
    smtpd.proc.kill('SIGTERM');
    await new Promise((r) => smtpd.proc.once('exit', r));
  }
}

// Click (or submit) and wait for the page it leads to; its HTTP status.
export async function go(page, selector) {
  const [resp] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return resp ? resp.status() : 0;
}

// Scoring is a job, done after the answer to an application: poll the
// offer's applications (as its recruiter: @headers carry a bearer token or
// the session cookie) until each has @n scores. True once they have, false
// after @limitMs (a hang guard, not a timing).
export async function waitOfferScored(base, offerId, headers, n = 2, limitMs = 60000) {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    const r = await fetch(`${base}/api/v1/offers/${offerId}/applications?limit=100`, { headers });
    if (r.status === 200 && (await r.json()).applications.every((a) => (a.scores || []).length >= n))
      return true;
    await new Promise((res) => setTimeout(res, 100));
  }
  return false;
}

export const text = async (page, sel = 'main') => (await page.textContent(sel)) || '';
export const h1 = async (page) => (await text(page, 'h1')).trim();

// A walk through the pages of a story (privacy.mjs, workflow.mjs). W.check
// counts checks and prints each failure; W.step names the step in
// progress; W.snap(page, what) looks at the page as it is at 1280x800 and
// 390x844 (no sideways scroll, a screenshot DIR/NN-STEP-WHAT-WIDTH.png,
// axe-core into W.violations) and gives it back its width; W.context()
// opens a page whose console errors and exceptions go to W.problems (a 4xx
// page is logged as a console error too: its status is checked where it is
// expected); W.signup() signs a person { login, name, pw, email } up with
// the form; W.finish(name, ok) writes DIR/axe.txt, checks axe-core and ok,
// prints the tally and exits.
export function walk(dir) {
  const W = { dir, passed: 0, failed: 0, views: 0, shot: 0, step: 0, violations: [], problems: [] };
  W.check = (cond, what) => {
    if (cond) W.passed++;
    else { W.failed++; console.error('FAIL: ' + what); }
    return !!cond;
  };
  W.snap = async (page, what) => {
    const name = `${String(++W.shot).padStart(2, '0')}-${W.step}-${what}`;
    const vp = page.viewportSize();
    for (const [w, h] of [[1280, 800], [390, 844]]) {
      await page.setViewportSize({ width: w, height: h });
      const over = await page.evaluate(() => [document.scrollingElement.scrollWidth, window.innerWidth]);
      W.check(over[0] <= over[1], `${name} ${w}px: no sideways scroll (scrollWidth ${over[0]} > innerWidth ${over[1]})`);
      await page.screenshot({ path: path.join(dir, `${name}-${w}.png`), fullPage: true });
      W.violations.push(...await axeViolations(page, `${name} ${w}px (${page.url()})`));
      W.views++;
    }
    await page.setViewportSize(vp);
  };
  W.context = async (browser, locale, width, height, options = {}) => {
    const ctx = await browser.newContext({ locale, viewport: { width, height }, ...options });
    ctx.setDefaultTimeout(10000);
    const page = await ctx.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && !(m.text().startsWith('Failed to load resource: the server responded with a status of 4') &&
        m.location().url === page.url())) W.problems.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => W.problems.push(`${page.url()}: ${e}`));
    return page;
  };
  // (look(page), when given, runs on the empty form)
  W.signup = async (page, base, who, role, look) => {
    await page.goto(base + '/signup');
    if (look) await look(page);
    await page.fill('input[name=login]', who.login);
    await page.fill('input[name=display_name]', who.name);
    await page.fill('input[name=password]', who.pw);
    await page.fill('input[name=email]', who.email);
    await page.check(`input[name=role][value=${role}]`);
    await W.snap(page, `${role}-signup`);
    const st = await go(page, 'form[action="/signup"] button[type=submit]');
    W.check(st === 200 && (await text(page, 'header')).includes(who.name), `${who.login} is logged in after sign-up (${st})`);
  };
  W.finish = (name, ok) => {
    fs.writeFileSync(path.join(dir, 'axe.txt'),
      `axe-core ${axeVersion()}: ${W.views} page views, ${W.violations.length} violations\n` + W.violations.join('\n') + '\n');
    for (const v of W.violations) console.error('axe: ' + v);
    W.check(W.views > 0 && W.violations.length === 0, `axe-core: ${W.violations.length} violations over ${W.views} page views`);
    W.check(ok, `the story reached its end (step ${W.step}, ${W.shot} pages at two widths)`);
    console.log(`${name}: ${W.shot} pages at 2 widths (${W.views} views checked by axe-core); ${W.passed} passed, ${W.failed} failed`);
    process.exit(W.failed ? 1 : 0);
  };
  return W;
}
