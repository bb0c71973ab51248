// privacy.mjs - a candidate's rights (issue 16), walked in Debian's Chromium
// (headless, driven by playwright-core) against a real offerapi-server:
//  1. a recruiter signs up and publishes an offer;
//  2. a candidate (a phone, French) signs up, reading what is kept, and
//     applies with a PDF CV, reading the notice of the apply form and
//     agreeing to stay in the pool for other offers;
//  3. the recruiter opens her application and downloads the CV;
//  4. the candidate sees who viewed her application (the recruiter's name);
//  5. she downloads her data from her account page: a zip that Python's
//     zipfile opens, holding her account, her application with its answer
//     and her consent, and the PDF she sent;
//  6. the operator (an account of role admin made by offerapi-admin
//     user-create) finds the recruiter's views in the access log at /admin,
//     and opens the confirmation page of an erasure without confirming;
//  7. she deletes her account (confirmation, her password; the server's
//     grace period is 0): she is logged out, her login no longer works, and
//     the recruiter's dashboard no longer lists her.
// Each page is checked with axe-core (0 violations) and for sideways
// scrolling at 1280x800 and 390x844; a screenshot at both widths lands in
// ARTIFACT_DIR/privacy/ (NN-step-what-WIDTH.png). Any failed check fails the
// test.
//
// Environment: as story.mjs (OFFERAPI_SERVER_BIN, OFFERAPI_PLUGINS,
// ARTIFACT_DIR, CHROMIUM), and OFFERAPI_ADMIN_BIN (offerapi-admin).
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { makePdf, startServer, stopServer, launchChromium, go, h1, text, walk } from './lib.mjs';


const artifacts = path.join(process.env.ARTIFACT_DIR || process.cwd(), 'privacy');
fs.mkdirSync(artifacts, { recursive: true });
for (const f of fs.readdirSync(artifacts)) if (f.endsWith('.png') || f.endsWith('.zip')) fs.rmSync(path.join(artifacts, f));

const OFFER = 'Technicienne de laboratoire';
const ANSWER = 'Des dosages ELISA, chaque semaine, sous assurance qualité.';
const CV_LINE = 'Culture cellulaire et dosages ELISA en laboratoire certifie';
const people = {
  claire: { login: 'claire.labo', name: 'Claire Labo', email: 'claire.labo@example.org', pw: 'motdepasse-solide' },
  jeanne: { login: 'jeanne.martin', name: 'Jeanne Martin', email: 'jeanne.martin@example.org', pw: 'chanson-de-geste-17' },
};

const W = walk(artifacts);
const { check, snap } = W;
let finished = false, srv, browser, base;


// The id of account @login, from the operator's list of accounts.
async function userId(page, login) {
  await page.goto(base + '/admin');
  const href = await page.getAttribute(`main a[href^="/admin/users/"][href$="/erase"]:has-text("${login}")`, 'href')
    .catch(() => null);
  const m = (href || '').match(/\/admin\/users\/(\d+)\//);
  check(m, `the list links to the erasure of ${login}: ${href}`);
  return m ? m[1] : 0;
}

for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    if (srv && srv.proc.exitCode === null) srv.proc.kill('SIGTERM');
    console.error(`FAIL: stopped by ${sig} at step ${W.step}`);
    process.exit(1);
  });
}

try {
  srv = await startServer(artifacts, ['--erase-grace-days', '0'], 'server');
  base = srv.base;
  browser = await launchChromium();
  const { claire, jeanne } = people;

  // 1. The recruiter publishes an offer.
  W.step = 1;
  const rp = await W.context(browser, 'fr-FR', 1280, 800, { acceptDownloads: true });
  await W.signup(rp, base, claire, 'recruiter');
  await rp.goto(base + '/offers/new');
  await rp.fill('input[name=title]', OFFER);
  await rp.fill('textarea[name=description]', 'Dosages, cultures et traçabilité en laboratoire.');
  await rp.fill('input[name=location]', 'Grenoble');
  await rp.fill('input[name=skills]', 'ELISA, culture cellulaire');
  await rp.fill('textarea[name=questions]', 'Quelles techniques pratiquez-vous ?');
  await go(rp, 'form[action="/offers"] button[type=submit]');
  const offerUrl = rp.url();
  check(/\/offers\/\d+$/.test(offerUrl), 'publishing leads to the offer page: ' + offerUrl);

  // 2. The candidate signs up, then applies.
  W.step = 2;
  const jp = await W.context(browser, 'fr-FR', 390, 844, { acceptDownloads: true });
  await W.signup(jp, base, jeanne, 'candidate', async (page) => {
    const notice = await text(page, 'main');
    check(notice.includes('Vos données : ce que nous gardons') && /\d+ ans/.test(notice),
      'the sign-up page says what is kept and for how long: ' + notice.slice(0, 600));
  });
  await jp.goto(offerUrl);
  const form = await text(jp, 'main form[enctype="multipart/form-data"]');
  check(form.includes('Vos données : ce que nous gardons') && /\d+ ans/.test(form) && /Version de cette notice/.test(form),
    'the apply form says what is kept, for how long, and the notice\'s version: ' + form.slice(0, 600));
  await jp.setInputFiles('input[type=file][name=cv]', {
    name: 'cv-jeanne.pdf', mimeType: 'application/pdf',
    buffer: makePdf(['Jeanne Martin - Technicienne', CV_LINE, 'Tracabilite et bonnes pratiques']),
  });
  await jp.fill('textarea[name=answer_0]', ANSWER);
  const pool = await jp.$('input[type=checkbox][name=pool_consent]');
  if (check(pool, 'the apply form offers to stay in the pool for other offers')) {
    check(!await pool.isChecked(), 'the pool box is not ticked by default');
    await pool.check();
  }
  await snap(jp, 'apply-form');
  check(await go(jp, 'form[enctype="multipart/form-data"] button[type=submit]') === 200, 'applying answers 200');
  check((await text(jp)).includes(OFFER), 'her application is listed: ' + jp.url());
  await snap(jp, 'applied');

  // 3. The recruiter opens the application and its CV.
  W.step = 3;
  await rp.goto(offerUrl.replace(/$/, '/dashboard'));
  check((await text(rp)).includes(jeanne.name), 'the dashboard lists Jeanne');
  const appHref = await rp.getAttribute('main a[href^="/applications/"]', 'href');
  check(/^\/applications\/\d+$/.test(appHref || ''), 'the dashboard links to her application: ' + appHref);
  check((await rp.goto(base + appHref)).status() === 200 && await h1(rp) === jeanne.name, 'the recruiter opens it');
  const cv = await rp.request.get(base + appHref + '/cv.pdf');
  check(cv.status() === 200 && (await cv.body()).subarray(0, 5).toString() === '%PDF-', 'the recruiter downloads the CV');

  // 4. Who viewed my application.
  W.step = 4;
  await jp.goto(base + '/me/applications');
  check(await go(jp, 'main a[href$="/views"]') === 200, 'her list links to who viewed the application');
  const seen = await text(jp);
  check(seen.includes(claire.name), 'the recruiter is named among the viewers: ' + seen.slice(0, 400));
  check(!seen.includes('127.0.0.1'), 'the address of the viewer is not shown');
  await snap(jp, 'views');

  // 5. Her data, from her account page.
  W.step = 5;
  await jp.goto(base + '/me/sessions');
  check(await jp.isVisible('main a[href="/me/export"]'), 'the account page offers the export');
  await snap(jp, 'account');
  const [dl] = await Promise.all([jp.waitForEvent('download'), jp.click('main a[href="/me/export"]')]);
  const zip = path.join(artifacts, 'export.zip');
  await dl.saveAs(zip);
  const listing = JSON.parse(execFileSync('python3', ['-c', `
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
out = {}
for n in z.namelist():
    b = z.read(n)
    out[n] = b[:5].decode('latin-1') if n.endswith('.pdf') else b.decode('utf-8')
print(json.dumps(out))`, zip], { encoding: 'utf8' }));
  const names = Object.keys(listing);
  check(names.some((n) => n.endsWith('.pdf') && listing[n] === '%PDF-'), 'the archive holds her PDF: ' + names.join(', '));
  const all = Object.values(listing).join('\n');
  check(all.includes(jeanne.login) && all.includes(jeanne.email), 'the archive holds her account');
  check(all.includes(ANSWER) && all.includes(OFFER), 'the archive holds her application and answer');
  check(all.includes(CV_LINE), 'the archive holds the text extracted from her CV');
  check(/pool_consent/.test(all), 'the archive holds her consent to the pool');

  // 6. The operator: the accounts, the access log, an erasure's confirmation.
  W.step = 6;
  const admin = { login: 'ops.labo', pw: 'operateur-vigilant-31' };
  const made = spawnSync(process.env.OFFERAPI_ADMIN_BIN, ['--database', 'sqlite:' + path.join(srv.tmp, 'db.sqlite'),
    'user-create', '--login', admin.login, '--role', 'admin', '--display-name', 'Opératrice'],
  { input: admin.pw + '\n', encoding: 'utf8', env: { ...process.env, LANG: 'C' } });
  check(made.status === 0, `offerapi-admin user-create --role admin: ${made.status} ${made.stderr}`);
  const op = await W.context(browser, 'fr-FR', 1280, 800, { acceptDownloads: true });
  await op.goto(base + '/login');
  await op.fill('input[name=login]', admin.login);
  await op.fill('input[name=password]', admin.pw);
  check(await go(op, 'form[action="/login"] button[type=submit]') === 200, 'the operator logs in');
  check((await op.goto(base + '/admin')).status() === 200, 'the operator opens /admin');
  const accounts = await text(op);
  check(accounts.includes(claire.login) && accounts.includes(jeanne.login), 'the accounts list names both people');
  await snap(op, 'admin-accounts');
  await op.goto(base + '/admin/access');
  await op.fill('input[name=login]', claire.login);
  check(await go(op, 'form[action="/admin/access"] button[type=submit]') === 200, 'the access-log search answers 200');
  const log = await text(op);
  check(log.includes(claire.login) && log.includes('127.0.0.1'), 'the operator sees the recruiter\'s views with their address');
  await snap(op, 'admin-access');
  check((await op.goto(base + `/admin/users/${(await userId(op, jeanne.login))}/erase`)).status() === 200,
    'the erasure asks for a confirmation first');
  await snap(op, 'admin-erase-confirm');

  // 7. She deletes her account.
  W.step = 7;
  await jp.goto(base + '/me/sessions');
  check(await go(jp, 'main a[href="/me/delete"]') === 200, 'the account page links to the deletion');
  await jp.fill('input[name=password]', jeanne.pw);
  await snap(jp, 'delete-form');
  check(await go(jp, 'main form[action="/me/delete"] button[type=submit]') === 200 && await h1(jp) === 'Compte supprimé',
    'deleting answers "Compte supprimé"');
  check(!(await text(jp, 'header')).includes(jeanne.name), 'she is logged out');
  await snap(jp, 'deleted');
  await jp.goto(base + '/login');
  await jp.fill('input[name=login]', jeanne.login);
  await jp.fill('input[name=password]', jeanne.pw);
  check(await go(jp, 'form[action="/login"] button[type=submit]') !== 200 || !(await text(jp, 'header')).includes(jeanne.name),
    'her login no longer works');
  await rp.goto(offerUrl.replace(/$/, '/dashboard'));
  check(!(await text(rp)).includes(jeanne.name), 'the dashboard no longer lists her');
  check(W.problems.length === 0, 'no console error or CSP violation: ' + W.problems.join('; '));
  finished = true;
} catch (e) {
  check(false, `privacy, step ${W.step}: ` + (e && e.stack || e));
} finally {
  if (browser) await browser.close();
  if (srv) check(await stopServer(srv), 'server exits 0 on SIGTERM');
}
const log = fs.existsSync(path.join(artifacts, 'server.log')) ? fs.readFileSync(path.join(artifacts, 'server.log'), 'utf8') : '';
for (const p of Object.values(people))
  for (const v of [p.email, p.pw]) check(!log.includes(v), `the server log has no "${v}"`);
check(!log.includes(ANSWER) && !log.includes(CV_LINE), 'the server log has no answer or CV text');

W.finish('browser-privacy', finished);
