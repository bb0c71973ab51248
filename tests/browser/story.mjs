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
import fs from 'node:fs';
import path from 'node:path';
import { makePdf, startServer, stopServer, launchChromium, waitOfferScored } from './lib.mjs';

let passed = 0, failed = 0;
function check(cond, what) {
  if (cond) passed++;
  else { failed++; console.error('FAIL: ' + what); }
}

const artifacts = process.env.ARTIFACT_DIR || process.cwd();
fs.mkdirSync(artifacts, { recursive: true });
let srv, browser;
try {
  srv = await startServer(artifacts, [], 'server');
  const base = srv.base;
  browser = await launchChromium();
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

  // The recruiter opens the dashboard, once the scores are in.
  const session = (await rctx.cookies()).find((c) => c.name === 'oa_session');
  check(await waitOfferScored(base, Number(offerUrl.match(/\d+$/)[0]), { Cookie: `oa_session=${session.value}` }),
    'the application is scored');
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
  check(await stopServer(srv), 'server exits 0 on SIGTERM');
}
for (const f of ['home.png', 'dashboard.png'])
  check(fs.existsSync(path.join(artifacts, f)), 'artifact ' + f + ' saved');
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
