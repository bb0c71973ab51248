// story.mjs - headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; no browser is ever downloaded) through the whole story:
// a recruiter signs up and publishes an offer with a question; a candidate
// signs up and applies with a PDF and an answer; the recruiter opens the
// dashboard and sees the candidate, a score, the answer and the chart.
// Screenshots of the home page and the dashboard go to ARTIFACT_DIR.
//
// Environment: OFFERAPI_SERVER_BIN, OFFERAPI_PLUGINS (':'-separated .so),
// ARTIFACT_DIR (default: the current directory), CHROMIUM (default
// /usr/bin/chromium).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

let passed = 0, failed = 0;
function check(cond, what) {
  if (cond) passed++;
  else { failed++; console.error('FAIL: ' + what); }
}

// A one-page PDF with real text (Helvetica), correct xref table.
function makePdf(lines) {
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

async function waitHealthy(base, proc) {
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error('the server exited at start-up');
    try { const r = await fetch(base + '/healthz'); if (r.status === 200) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not answer /healthz');
}

const bin = process.env.OFFERAPI_SERVER_BIN;
if (!bin || !fs.existsSync(bin)) { console.error('FAIL: OFFERAPI_SERVER_BIN not set'); process.exit(1); }
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
if (!fs.existsSync(chromiumPath)) {
  console.error('FAIL: ' + chromiumPath + ' not found: apt-get install chromium'); process.exit(1);
}
const artifacts = process.env.ARTIFACT_DIR || process.cwd();
fs.mkdirSync(artifacts, { recursive: true });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'offerapi-browser.'));
const pluginDir = path.join(tmp, 'plugins');
fs.mkdirSync(pluginDir);
for (const p of (process.env.OFFERAPI_PLUGINS || '').split(':').filter(Boolean))
  fs.symlinkSync(path.resolve(p), path.join(pluginDir, path.basename(p)));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const log = fs.openSync(path.join(artifacts, 'server.log'), 'w');
const server = spawn(bin, ['--listen', `127.0.0.1:${port}`, '--database', 'sqlite:' + path.join(tmp, 'db.sqlite'),
  '--plugin-dir', pluginDir, '--scorers', 'random,similarity', '--pwhash-memlimit', '8192', '--pwhash-opslimit', '1'],
{ stdio: ['ignore', log, log] });
let browser;
try {
  await waitHealthy(base, server);
  browser = await chromium.launch({
    executablePath: chromiumPath, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const problems = [];
  const watch = (page, who) => {
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`${who}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`${who}: ${e}`));
  };

  // The recruiter signs up and publishes an offer with a question.
  const rctx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
  const rp = await rctx.newPage();
  watch(rp, 'recruiter');
  await rp.goto(base + '/signup');
  await rp.fill('input[name=login]', 'claire.recrute');
  await rp.fill('input[name=display_name]', 'Claire Recrute');
  await rp.fill('input[name=password]', 'motdepasse-solide');
  await rp.check('input[name=role][value=recruiter]');
  await Promise.all([rp.waitForNavigation(), rp.click('form[action="/signup"] button[type=submit]')]);
  check((await rp.textContent('header')).includes('Claire Recrute'), 'recruiter is logged in after sign-up');
  await rp.click('a[href="/offers/new"]');
  await rp.fill('input[name=title]', 'Développeuse C systèmes');
  await rp.fill('textarea[name=description]', 'Pilotes, protocoles et mesures. Du C testé et sobre.');
  await rp.fill('input[name=location]', 'Lyon');
  await rp.fill('input[name=skills]', 'C, Linux, PostgreSQL');
  await rp.fill('textarea[name=questions]', 'Quel projet en C vous rend fière ?');
  await Promise.all([rp.waitForNavigation(), rp.click('form[action="/offers"] button[type=submit]')]);
  const offerUrl = rp.url();
  check(/\/offers\/\d+$/.test(offerUrl), 'publishing leads to the offer page: ' + offerUrl);
  check((await rp.textContent('h1')).includes('Développeuse C systèmes'), 'offer title shown');

  // The candidate signs up and applies with a PDF and an answer.
  const cctx = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
  const cp = await cctx.newPage();
  watch(cp, 'candidate');
  await cp.goto(base + '/signup');
  await cp.fill('input[name=login]', 'jeanne.dupont');
  await cp.fill('input[name=display_name]', 'Jeanne Dupont');
  await cp.fill('input[name=password]', 'motdepasse-candidate');
  await cp.check('input[name=role][value=candidate]');
  await Promise.all([cp.waitForNavigation(), cp.click('form[action="/signup"] button[type=submit]')]);
  await cp.goto(base + '/');
  await cp.screenshot({ path: path.join(artifacts, 'home.png'), fullPage: true });
  await Promise.all([cp.waitForNavigation(), cp.click('text=Développeuse C systèmes')]);
  await cp.setInputFiles('input[type=file][name=cv]', {
    name: 'cv-jeanne.pdf', mimeType: 'application/pdf',
    buffer: makePdf(['Jeanne Dupont - Developpeuse C', 'C, Linux, PostgreSQL, Meson', 'Pilotes et protocoles reseau']),
  });
  await cp.fill('textarea[name=answer_0]', 'Un pilote réseau libre, testé sous ASan.');
  await Promise.all([cp.waitForNavigation(), cp.click('form[enctype="multipart/form-data"] button[type=submit]')]);
  check(cp.url().includes('/me/applications'), 'applying leads to my applications');
  check((await cp.textContent('main')).includes('Développeuse C systèmes'), 'my applications lists the offer');
  await cp.screenshot({ path: path.join(artifacts, 'my-applications.png'), fullPage: true });

  // The recruiter opens the dashboard.
  await rp.goto(offerUrl);
  await Promise.all([rp.waitForNavigation(), rp.click('a[href$="/dashboard"]')]);
  const main = await rp.textContent('main');
  check(main.includes('Jeanne Dupont'), 'dashboard shows the candidate');
  check(main.includes('Un pilote réseau libre, testé sous ASan.'), 'dashboard shows the answer');
  check((await rp.$$('td.num')).length >= 2, 'dashboard shows scores');
  check(/^\d,\d\d$/.test((await rp.textContent('td.num')).trim()), 'a score is a number in [0, 1], written 0,98 in French');
  check((await rp.$$('figure.chart svg')).length === 2, 'dashboard shows the two SVG charts');
  check((await rp.textContent('#count')).trim() === '1', 'dashboard counts one application');
  await rp.screenshot({ path: path.join(artifacts, 'dashboard.png'), fullPage: true });
  // English via the switch
  await rp.click('a[href="/lang/en"]');
  check((await rp.textContent('main')).includes('Mean score'), 'the language switch gives English');
  check(/^\d\.\d\d$/.test((await rp.textContent('td.num')).trim()), 'an English score is written 0.98');
  await rp.screenshot({ path: path.join(artifacts, 'dashboard-en.png'), fullPage: true });
  // A small screen: the layout stays usable
  await rp.setViewportSize({ width: 390, height: 844 });
  await rp.screenshot({ path: path.join(artifacts, 'dashboard-mobile.png'), fullPage: true });
  // The recruiter opens the application; the candidate sees who viewed it
  // (the access log), on a phone too.
  const viewsHref = await cp.getAttribute('a[href$="/views"]', 'href');
  check(/^\/me\/applications\/\d+\/views$/.test(viewsHref || ''), 'my applications links who viewed each');
  await rp.goto(base + '/applications/' + viewsHref.split('/')[3]);
  check((await rp.textContent('main')).includes('Jeanne Dupont'), 'the recruiter reads the application');
  await Promise.all([cp.waitForNavigation(), cp.click('a[href$="/views"]')]);
  const seen = await cp.textContent('main');
  check(seen.includes('Qui a consulté ma candidature') && seen.includes('Claire Recrute') &&
    seen.includes('la candidature'), 'the candidate sees who viewed the application and what');
  check(!seen.includes('127.0.0.1'), 'never the viewer\'s address');
  await cp.screenshot({ path: path.join(artifacts, 'who-viewed.png'), fullPage: true });
  await cp.setViewportSize({ width: 390, height: 844 });
  await cp.screenshot({ path: path.join(artifacts, 'who-viewed-mobile.png'), fullPage: true });
  check(problems.length === 0, 'no console error or CSP violation: ' + problems.join('; '));
} catch (e) {
  check(false, 'story: ' + (e && e.stack || e));
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  check(server.exitCode === 0, 'server exits 0 on SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
}
for (const f of ['home.png', 'dashboard.png'])
  check(fs.existsSync(path.join(artifacts, f)), 'artifact ' + f + ' saved');
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
