// pages.mjs - every page, as each kind of visitor sees it (anonymous,
// candidate, recruiter), in French and English, at 1280x800 and 390x844, in
// Debian's Chromium through playwright-core:
//  - axe-core (run inside the page) finds no violation of any of its rules;
//  - field borders reach 3:1 against their background, a skip link leads
//    to the content and the first Tab shows it with a focus ring;
//  - on a phone the header is one line with a <details> menu, stacked
//    tables, chart text at 12 px or more, no chart value past the edge;
//  - nothing overflows sideways (scrollingElement.scrollWidth <= innerWidth);
//  - a screenshot of each lands in ARTIFACT_DIR/pages/.
// Data is made through the JSON API (real HTTP on loopback); the browser
// logs in with the session cookie the API returned.
//
// Environment: as story.mjs (OFFERAPI_SERVER_BIN, OFFERAPI_PLUGINS,
// ARTIFACT_DIR, CHROMIUM).
import fs from 'node:fs';
import path from 'node:path';
import { makePdf, startServer, stopServer, launchChromium, axeViolations, axeVersion, waitOfferScored } from './lib.mjs';

let passed = 0, failed = 0;
function check(cond, what) {
  if (cond) passed++;
  else { failed++; console.error('FAIL: ' + what); }
}

const artifacts = path.join(process.env.ARTIFACT_DIR || process.cwd(), 'pages');
fs.mkdirSync(artifacts, { recursive: true });
const srv = await startServer(path.dirname(artifacts), ['--max-upload', '65536']);
const base = srv.base;

async function api(method, p, body, token, ct) {
  const headers = { 'X-Requested-With': 'test' };
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined && !ct) { headers['Content-Type'] = 'application/json'; body = JSON.stringify(body); }
  if (ct) headers['Content-Type'] = ct;
  const r = await fetch(base + p, { method, headers, body });
  const j = await r.json();
  if (r.status >= 300) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(j)}`);
  return j;
}

async function user(login, name, role) {
  const j = await api('POST', '/api/v1/users', { login, display_name: name, password: 'motdepasse-solide', role });
  return j.token;
}

function multipart(fields, file) {
  const b = '----oa' + Math.random().toString(16).slice(2);
  const parts = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="cv"; filename="${file.name}"\r\n` +
    'Content-Type: application/pdf\r\n\r\n'), file.data, Buffer.from(`\r\n--${b}--\r\n`));
  return { body: Buffer.concat(parts), ct: 'multipart/form-data; boundary=' + b };
}

// Runs in the page: each field's border against the background behind it
// (WCAG 1.4.11 asks 3:1 for component boundaries; axe-core does not check
// it), and whether the skip link is there.
function boundaries() {
  const lum = (c) => {
    const m = c.match(/[\d.]+/g).map(Number);
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(m[0]) + 0.7152 * f(m[1]) + 0.0722 * f(m[2]);
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const bad = [];
  for (const el of document.querySelectorAll('input:not([type=hidden]):not([type=radio]), textarea, select')) {
    let p = el.parentElement, bg = 'rgb(255, 255, 255)';
    for (; p; p = p.parentElement) {
      const b = getComputedStyle(p).backgroundColor;
      if (b !== 'rgba(0, 0, 0, 0)' && b !== 'transparent') { bg = b; break; }
    }
    const r = ratio(getComputedStyle(el).borderTopColor, bg);
    if (r < 3) bad.push(`${el.name} ${r.toFixed(2)}:1`);
  }
  return { bad, skip: !!document.querySelector('a.skip[href="#main"]') && !!document.getElementById('main') };
}

// Runs in the page: the header's height, chart text smaller than 12 px once
// the SVG is scaled, values drawn past a chart's right edge, stacked tables.
function phoneLayout() {
  const small = [], clipped = [];
  for (const svg of document.querySelectorAll('figure.chart svg')) {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const t of svg.querySelectorAll('text')) {
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (px < 11.99) small.push(`"${t.textContent}" ${px.toFixed(1)}px`);
      const b = t.getBBox();
      if (b.x < -1 || b.x + b.width > svg.viewBox.baseVal.width + 0.5) clipped.push(`"${t.textContent}"`);
    }
  }
  let stackedOk = true;
  for (const td of document.querySelectorAll('table.stack td')) {
    const cs = getComputedStyle(td), before = getComputedStyle(td, '::before').content;
    stackedOk &&= cs.display === 'grid' && before.length > 2;
  }
  const menu = getComputedStyle(document.querySelector('details.menu')).display !== 'none' &&
    getComputedStyle(document.querySelector('nav.wide')).display === 'none';
  return { header: Math.round(document.querySelector('header.top').getBoundingClientRect().height), small, clipped, stackedOk, menu };
}

let browser;
const violations = [];
let pagesChecked = 0;
try {
  // The data: a recruiter with two offers, three candidates who applied.
  const rec = await user('claire.recrute', 'Claire Recrute', 'recruiter');
  const offer = async (title, desc, loc, skills, questions) =>
    (await api('POST', '/api/v1/offers', { title, description: desc, location: loc, skills, questions }, rec)).offer.id;
  const o1 = await offer('Développeuse C systèmes embarqués et réseau', 'Pilotes, protocoles et mesures.\nDu C testé et sobre.',
    'Lyon', ['C', 'Linux', 'PostgreSQL', 'Meson'], ['Quel projet en C vous rend fière ?']);
  const o2 = await offer('Ingénieure FinOps', 'Mesurer et réduire les coûts de nos clusters Kubernetes.', 'Paris',
    ['Kubernetes', 'Prometheus'], []);
  const cands = [['jeanne.dupont', 'Jeanne Dupont', ['Jeanne Dupont - Developpeuse C', 'C, Linux, PostgreSQL, Meson']],
    ['paul.martin', 'Paul Martin', ['Paul Martin - Ingenieur', 'Python, SQL']],
    ['amelie.roux', 'Amélie Roux', ['Amelie Roux - SRE', 'Linux, Kubernetes, C']]];
  let cand, app1;
  for (const [login, name, lines] of cands) {
    const t = await user(login, name, 'candidate');
    cand = cand || t;
    const m = multipart({ answer_0: 'Un pilote réseau libre, testé sous ASan et fuzzé chaque nuit.' },
      { name: `cv-${login}-avec-un-nom-de-fichier-long.pdf`, data: makePdf(lines) });
    const a = await api('POST', `/api/v1/offers/${o1}/applications`, m.body, t, m.ct);
    app1 = app1 || a.application.id;
  }
  // one application further along, with a note: the application's page shows both
  await api('POST', `/api/v1/applications/${app1}/stage`, { stage: 'interview' }, rec);
  await api('POST', `/api/v1/applications/${app1}/notes`, { text: 'Entretien mardi, 10 h.' }, rec);
  // the recruiter reads it: the candidate's "who viewed" page has a row
  await api('GET', `/api/v1/applications/${app1}`, undefined, rec);
  // the dashboard's charts (whose labels are checked below) once all are scored
  check(await waitOfferScored(base, o1, { Authorization: 'Bearer ' + rec }), 'the applications are scored');

  browser = await launchChromium();
  const who = { anonymous: null, candidate: cand, recruiter: rec };
  const pages = {
    anonymous: ['/', `/offers/${o1}`, '/login', `/login?next=/offers/${o1}`, '/signup', '/no-such-page',
      '/forgot-password', `/verify-email?token=${'0'.repeat(64)}`, `/reset-password?token=${'0'.repeat(64)}`,
      { name: 'forgot-errors', url: '/forgot-password', submit: 'form[action="/forgot-password"] button[type=submit]' },
      { name: 'signup-errors', url: '/signup', submit: 'form[action="/signup"] button[type=submit]' }],
    candidate: ['/', `/offers/${o1}`, `/offers/${o2}`, '/me/applications', `/me/applications/${app1}/views`,
      '/me/sessions', '/me/email',
      { name: 'email-errors', url: '/me/email', fill: { email: 'pas une adresse' },
        submit: 'form[action="/me/email"] button[type=submit]' },
      '/me/delete',
      { name: 'delete-errors', url: '/me/delete', submit: 'form[action="/me/delete"] button[type=submit]' },
      { name: 'apply-too-big', url: `/offers/${o2}`, file: true }],
    recruiter: ['/', '/offers/new', `/offers/${o1}`, `/offers/${o1}/edit`, `/offers/${o1}/dashboard`,
      `/offers/${o1}/close`, `/applications/${app1}`, '/me/tokens', '/me/delete',
      { name: 'token-errors', url: '/me/tokens', submit: 'form[action="/me/tokens"] button[type=submit]' },
      { name: 'offer-errors', url: '/offers/new', submit: 'form[action="/offers"] button[type=submit]' }],
  };
  for (const lang of ['fr', 'en']) {
    for (const role of Object.keys(pages)) {
      const ctx = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB', bypassCSP: true });
      const cookies = [{ name: 'oa_lang', value: lang, url: base }];
      if (who[role]) cookies.push({ name: 'oa_session', value: who[role], url: base });
      await ctx.addCookies(cookies);
      const page = await ctx.newPage();
      for (const p of pages[role]) {
        const spec = typeof p === 'string' ? { url: p, name: p.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'home' } : p;
        for (const [w, h] of [[1280, 800], [390, 844]]) {
          await page.setViewportSize({ width: w, height: h });
          await page.goto(base + spec.url);
          if (spec.submit) {
            for (const [k, v] of Object.entries(spec.fill || {})) await page.fill(`[name=${k}]`, v);
            await Promise.all([page.waitForNavigation(), page.click(spec.submit)]);
          } else if (spec.file) {
            await page.fill('textarea[name=answer_0]', 'gardé').catch(() => {});
            await page.setInputFiles('input[type=file][name=cv]', { name: 'gros.pdf', mimeType: 'application/pdf',
              buffer: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(200000, 120)]) });
            await Promise.all([page.waitForNavigation(), page.click('form[enctype="multipart/form-data"] button[type=submit]')]);
            check((await page.textContent('main')).includes(lang === 'fr' ? 'dépasse 64 Ko' : 'over 64 KB'),
              `${lang} ${role} ${spec.name}: the too-large CV is said in the form`);
          }
          const tag = `${lang} ${role} ${spec.name} ${w}px`;
          const over = await page.evaluate(() => [document.scrollingElement.scrollWidth, window.innerWidth]);
          check(over[0] <= over[1], `${tag}: no sideways scroll (scrollWidth ${over[0]} > innerWidth ${over[1]})`);
          const a = await page.evaluate(boundaries);
          check(a.bad.length === 0, `${tag}: field borders under 3:1 against their background: ${a.bad.join(', ')}`);
          check(a.skip, `${tag}: a skip link to #main`);
          if (w === 1280 && spec === pages[role][0]) {
            await page.keyboard.press('Tab');
            const f = await page.evaluate(() => {
              const e = document.activeElement, cs = getComputedStyle(e);
              return { cls: e.className, style: cs.outlineStyle, width: parseFloat(cs.outlineWidth), left: e.getBoundingClientRect().left };
            });
            check(f.cls === 'skip' && f.style !== 'none' && f.width >= 2 && f.left >= 0,
              `${tag}: the first Tab shows the skip link with a visible focus ring: ${JSON.stringify(f)}`);
          }
          const m = await page.evaluate(phoneLayout);
          check(m.header <= 72, `${tag}: the header holds on one line (${m.header}px high)`);
          check(m.small.length === 0, `${tag}: chart text under 12 px: ${m.small.slice(0, 3).join(', ')}`);
          check(m.clipped.length === 0, `${tag}: chart values past the edge: ${m.clipped.join(', ')}`);
          if (w === 390) {
            check(m.stackedOk, `${tag}: tables of class stack are stacked rows with their labels`);
            check(m.menu, `${tag}: the links are in a <details> menu`);
          }
          if (w === 390 && spec === pages[role][0]) {
            await page.click('details.menu summary');
            check(await page.isVisible('details.menu nav a[href="/"]'), `${tag}: the menu opens without JavaScript`);
            await page.screenshot({ path: path.join(artifacts, `${role}-menu-open-${lang}-${w}.png`) });
            await page.click('details.menu summary');
          }
          await page.screenshot({ path: path.join(artifacts, `${role}-${spec.name}-${lang}-${w}.png`), fullPage: true });
          violations.push(...await axeViolations(page, tag));
          pagesChecked++;
        }
      }
      await ctx.close();
    }
  }
} catch (e) {
  check(false, 'pages: ' + (e && e.stack || e));
} finally {
  if (browser) await browser.close();
  check(await stopServer(srv), 'server exits 0 on SIGTERM');
}
fs.writeFileSync(path.join(artifacts, 'axe.txt'),
  `axe-core ${axeVersion()}: ` +
  `${pagesChecked} page views, ${violations.length} violations\n` + violations.join('\n') + '\n');
for (const v of violations) console.error('axe: ' + v);
check(pagesChecked > 0 && violations.length === 0, `axe-core: ${violations.length} violations over ${pagesChecked} page views`);
console.log(`browser-pages: ${pagesChecked} page views checked by axe-core; ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
