// workflow.mjs - the recruiting workflow of issue 13, walked in Debian's
// Chromium (headless, driven by playwright-core) against a real
// offerapi-server that sends its mail to a real SMTP server on loopback
// (tests/mail/smtpd.py, Debian's python3-aiosmtpd); every link followed
// from a message is read from what that server received:
//  1. a recruiter signs up and publishes an offer with a question;
//  2. a candidate signs up with an e-mail address (a reminder shows until
//     it is verified), opens the verification link of the message and
//     confirms; the link does not work twice;
//  3. she applies with a PDF CV and an answer and sees "Reçue"; a second
//     candidate (English) applies too; the recruiter gets one message each;
//  4. the recruiter opens the dashboard, then the application's page, writes
//     a private note, moves it to "reviewed", to "interview", then rejects
//     it with a reason shown to the candidate;
//  5. the candidate sees each stage on "Mes candidatures" and receives a
//     message for each change she cares about (interview, rejection with its
//     reason), never the note;
//  6. the second candidate forgets his password: "forgot password" page, the
//     reset link of the message, a new password; his old session is over,
//     the old password is refused, the new one logs him in;
//  7. the recruiter closes the offer rejecting the applications still open
//     (confirmation page); the second candidate is told, the first is not
//     told twice.
// Each page is checked with assertions, with axe-core (0 violations) and for
// sideways scrolling at 1280x800 and 390x844, and a screenshot at both
// widths lands in ARTIFACT_DIR/workflow/ (NN-step-what-WIDTH.png); the
// messages are in ARTIFACT_DIR/workflow/mail/ (.eml, and .json decoded) and
// listed in mail.txt. Any failed check fails the test.
//
// Environment: as story.mjs (OFFERAPI_SERVER_BIN, OFFERAPI_PLUGINS,
// ARTIFACT_DIR, CHROMIUM).
import fs from 'node:fs';
import path from 'node:path';
import { makePdf, startServer, stopServer, launchChromium, startSmtpd, stopSmtpd, go, h1, text, walk }
  from './lib.mjs';


const artifacts = path.join(process.env.ARTIFACT_DIR || process.cwd(), 'workflow');
fs.mkdirSync(artifacts, { recursive: true });
for (const f of fs.readdirSync(artifacts)) if (f.endsWith('.png')) fs.rmSync(path.join(artifacts, f));

const OFFER = 'Développeuse C systèmes';
const NOTE = 'Très bon profil, à rencontrer vite (note privée).';
const REASON_TEXT = 'Nous cherchons cinq ans de pilotes réseau.';
const people = {
  claire: { login: 'claire.recrute', name: 'Claire Recrute', email: 'claire@example.org', pw: 'motdepasse-solide' },
  jeanne: { login: 'jeanne.dupont', name: 'Jeanne Dupont', email: 'jeanne@example.org', pw: 'chanson-de-geste-17' },
  paul: { login: 'paul.martin', name: 'Paul Martin', email: 'paul@example.org', pw: 'blue-river-stone-9',
    pw2: 'green-forest-lake-4' },
};

const W = walk(artifacts);
const { check, snap } = W;
let finished = false, smtpd, srv, browser, base;

// A link of the navigation: in the line on a wide screen, in the
// <details> menu on a phone (opened first, no JavaScript).
async function nav(page, href) {
  if (await page.isVisible('nav.wide')) return go(page, `nav.wide a[href="${href}"]`);
  await page.click('details.menu summary');
  return go(page, `details.menu nav a[href="${href}"]`);
}

// Messages already looked at: a check never counts one twice.
const seen = new Set();
async function mail(to, subject, what) {
  const m = await smtpd.wait((x) => !seen.has(x.file) && x.rcpt_tos.includes(to) && x.subject === subject,
    `${what}: "${subject}" to ${to}`);
  seen.add(m.file);
  check(m.to.includes(to), `${what}: the To header names ${to}: ${m.to}`);
  check(m.mail_from === 'jobs@example.org', `${what}: sent from --mail-from: ${m.mail_from}`);
  check(m.text && m.html, `${what}: a text and an HTML part`);
  return m;
}

// The link of a message to BASE + prefix: in the text part, and the same
// link in the HTML part.
function mailLink(m, prefix, what) {
  const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const found = (m.text || '').match(new RegExp(esc(base + prefix) + '[^\\s<>"]*'));
  if (!check(found, `${what}: a link to ${base}${prefix} in the text part: ${m.text}`)) return base + prefix;
  check((m.html || '').includes(`href="${found[0].replace(/&/g, '&amp;')}"`), `${what}: the same link in the HTML part`);
  return found[0];
}

// The stage shown to the candidate on "Mes candidatures" / "My applications".
async function myStage(page) {
  return (await text(page, 'td.received .stage')).trim();
}

// Stopped by meson (a timeout) or by hand: the server and the SMTP server go too.
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    for (const p of [srv && srv.proc, smtpd && smtpd.proc]) if (p && p.exitCode === null) p.kill('SIGTERM');
    console.error(`FAIL: stopped by ${sig} at step ${W.step}`);
    process.exit(1);
  });
}

try {
  smtpd = await startSmtpd(path.join(artifacts, 'mail'));
  srv = await startServer(artifacts, [...smtpd.args, '--mail-from', 'jobs@example.org'], 'server');
  base = srv.base;
  browser = await launchChromium();
  const { claire, jeanne, paul } = people;

  // 1. The recruiter (a desktop) signs up and publishes an offer with a question.
  W.step = 1;
  const rp = await W.context(browser, 'fr-FR', 1280, 800);
  await W.signup(rp, base, claire, 'recruiter');
  check(await nav(rp, '/offers/new') === 200, 'the recruiter opens the offer form');
  await rp.fill('input[name=title]', OFFER);
  await rp.fill('textarea[name=description]', 'Pilotes, protocoles et mesures. Du C testé et sobre.');
  await rp.fill('input[name=location]', 'Lyon');
  await rp.fill('input[name=skills]', 'C, Linux, PostgreSQL');
  await rp.fill('textarea[name=questions]', 'Quel projet en C vous rend fière ?');
  await snap(rp, 'offer-form');
  await go(rp, 'form[action="/offers"] button[type=submit]');
  const offerUrl = rp.url();
  check(/\/offers\/\d+$/.test(offerUrl), 'publishing leads to the offer page: ' + offerUrl);
  check(await h1(rp) === OFFER, 'the offer page shows the title');
  await snap(rp, 'offer-published');
  await mail(claire.email, 'Confirmez votre adresse e-mail sur OffreAPI', 'the recruiter\'s verification');

  // 2. The candidate (a phone, French) signs up and verifies her address.
  W.step = 2;
  const jp = await W.context(browser, 'fr-FR', 390, 844);
  await W.signup(jp, base, jeanne, 'candidate');
  check((await text(jp, 'main .alert a[href="/me/email"]')).includes('Confirmez votre adresse e-mail'),
    'a reminder asks to confirm the address');
  await snap(jp, 'candidate-reminder');
  const vm = await mail(jeanne.email, 'Confirmez votre adresse e-mail sur OffreAPI', 'the verification message');
  check(vm.text.includes('Bonjour Jeanne Dupont'), 'the verification message greets her by name');
  const verifyLink = mailLink(vm, '/verify-email?token=', 'the verification message');
  check(/token=[0-9a-f]{64}$/.test(verifyLink), 'the verification link carries a 64-hex token: ' + verifyLink);
  check((await jp.goto(verifyLink)).status() === 200 && await h1(jp) === 'Confirmer l\'adresse e-mail',
    'the link opens the confirmation page');
  await snap(jp, 'verify-link');
  check(await go(jp, 'main form[action="/verify-email"] button[type=submit]') === 200, 'confirming answers 200');
  check(await h1(jp) === 'Adresse confirmée' && (await text(jp)).includes('Votre adresse e-mail est confirmée'),
    'the page confirms the address');
  await snap(jp, 'verify-done');
  await jp.goto(base + '/');
  check(!await jp.isVisible('main .alert a[href="/me/email"]'), 'no reminder once the address is verified');
  await jp.goto(verifyLink);
  check(await go(jp, 'main form[action="/verify-email"] button[type=submit]') === 400 &&
    await h1(jp) === 'Lien non valable', 'the link does not work twice');
  await snap(jp, 'verify-again');

  // 3. She applies with a PDF and an answer; a second candidate (English) too.
  W.step = 3;
  await jp.goto(base + '/');
  check(await go(jp, `main a[href="${new URL(offerUrl).pathname}"]`) === 200, 'the home page links to the offer');
  await jp.setInputFiles('input[type=file][name=cv]', {
    name: 'cv-jeanne.pdf', mimeType: 'application/pdf',
    buffer: makePdf(['Jeanne Dupont - Developpeuse C', 'C, Linux, PostgreSQL, Meson', 'Pilotes et protocoles reseau']),
  });
  await jp.fill('textarea[name=answer_0]', 'Un pilote réseau libre, testé sous ASan.');
  await snap(jp, 'apply-form');
  check(await go(jp, 'form[enctype="multipart/form-data"] button[type=submit]') === 200, 'applying answers 200');
  check(jp.url().includes('/me/applications'), 'applying leads to my applications: ' + jp.url());
  check((await text(jp)).includes('Candidature envoyée'), 'the page says the application was sent');
  check((await text(jp)).includes(OFFER) && await myStage(jp) === 'Reçue', 'the application is shown as "Reçue"');
  await snap(jp, 'applied');
  const rm1 = await mail(claire.email, `Nouvelle candidature : « ${OFFER} »`, 'the recruiter\'s message for Jeanne');
  check(rm1.text.includes('Jeanne Dupont a postulé'), 'the recruiter\'s message names the candidate');
  const appLink = mailLink(rm1, '/applications/', 'the recruiter\'s message');
  check(/\/applications\/\d+$/.test(appLink), 'the recruiter\'s message links to the application: ' + appLink);

  const pp = await W.context(browser, 'en-GB', 390, 844);
  await W.signup(pp, base, paul, 'candidate');
  await mail(paul.email, 'Confirm your e-mail address on OffreAPI', 'Paul\'s verification (English)');
  await pp.goto(offerUrl);
  await pp.setInputFiles('input[type=file][name=cv]', {
    name: 'cv-paul.pdf', mimeType: 'application/pdf', buffer: makePdf(['Paul Martin - Engineer', 'Python, SQL, C']),
  });
  await pp.fill('textarea[name=answer_0]', 'A small C parser, fuzzed.');
  check(await go(pp, 'form[enctype="multipart/form-data"] button[type=submit]') === 200 &&
    await myStage(pp) === 'Received', 'Paul\'s application is shown as "Received"');
  await snap(pp, 'applied-en');
  await mail(claire.email, `Nouvelle candidature : « ${OFFER} »`, 'the recruiter\'s message for Paul');

  // 4. The recruiter: dashboard, the application's page, a note, stages.
  W.step = 4;
  await rp.goto(offerUrl);
  check(await go(rp, 'main a[href$="/dashboard"]') === 200, 'the offer page links to the dashboard');
  const dash = await text(rp);
  check((await text(rp, '#count')).trim() === '2', 'the dashboard counts two applications');
  check(dash.includes('Jeanne Dupont') && dash.includes('Paul Martin'), 'the dashboard lists both candidates');
  check(dash.includes(jeanne.email) || dash.includes(jeanne.login), 'the dashboard tells candidates apart (login or e-mail)');
  await snap(rp, 'dashboard');
  const appPath = new URL(appLink).pathname;
  check(await go(rp, `main a[href="${appPath}"]`) === 200, 'the dashboard links to Jeanne\'s application (as the message did)');
  check(await h1(rp) === 'Jeanne Dupont', 'the application\'s page is Jeanne\'s');
  check((await text(rp)).includes('Un pilote réseau libre, testé sous ASan.'), 'the page shows her answer');
  check((await text(rp, '.facts .stage')).trim() === 'Reçue', 'the page shows the stage "Reçue"');
  await snap(rp, 'application');
  await rp.fill('#note-text', NOTE);
  check(await go(rp, 'form[action$="/notes"] button[type=submit]') === 200, 'adding a note answers 200');
  check((await text(rp, '#notes')).includes(NOTE) && (await text(rp, '#notes')).includes('Claire Recrute'),
    'the note is shown with its author');
  await snap(rp, 'note');
  const move = async (stage, label) => {
    check(await go(rp, `#actions form:has(input[name=stage][value=${stage}]) button[type=submit]`) === 200,
      `moving to ${stage} answers 200`);
    check((await text(rp, '.facts .stage')).trim() === label, `the page shows the stage "${label}"`);
    check((await text(rp, '#history')).includes(label), `the history shows "${label}"`);
  };
  await move('reviewed', 'Examinée');
  await snap(rp, 'reviewed');

  // 5. ... and the candidate sees each stage, and a message for each she cares about.
  W.step = 5;
  check(await nav(jp, '/me/applications') === 200 && await myStage(jp) === 'Examinée',
    'Jeanne sees "Examinée" on Mes candidatures (through the phone menu)');
  await snap(jp, 'stage-reviewed');
  W.step = 4;
  await move('interview', 'Entretien');
  await snap(rp, 'interview');
  W.step = 5;
  const im = await mail(jeanne.email, `Votre candidature « ${OFFER} » : entretien`, 'the interview message');
  check(im.text.includes('souhaite vous rencontrer'), 'the interview message says so');
  check(/^<.*\/unsubscribe\?t=[0-9a-f]{64}>/.test(im.headers['List-Unsubscribe'] || ''),
    'a notification has a List-Unsubscribe header: ' + im.headers['List-Unsubscribe']);
  const myLink = mailLink(im, '/me/applications', 'the interview message');
  check((await jp.goto(myLink)).status() === 200 && await myStage(jp) === 'Entretien',
    'the message\'s link shows "Entretien" on Mes candidatures');
  await snap(jp, 'stage-interview');
  W.step = 4;
  await rp.selectOption('#reject-reason', 'experience');
  await rp.fill('#reject-text', REASON_TEXT);
  await rp.check('#actions input[name=show_reason]');
  await snap(rp, 'reject-form');
  check(await go(rp, '#actions form:has(input[name=stage][value=rejected]) button[type=submit]') === 200,
    'rejecting answers 200');
  check((await text(rp, '.facts .stage')).trim() === 'Non retenue', 'the page shows "Non retenue"');
  check((await text(rp, '.facts')).includes(REASON_TEXT) && (await text(rp, '.facts')).includes('motif montré au candidat'),
    'the page shows the reason, shown to the candidate');
  check(!await rp.isVisible('#actions'), 'no stage action is left on a rejected application');
  await snap(rp, 'rejected');
  W.step = 5;
  const jm = await mail(jeanne.email, `Votre candidature « ${OFFER} »`, 'the rejection message');
  check(jm.text.includes('n\'a pas été retenue') && jm.text.includes('Motif : l\'expérience demandée n\'est pas atteinte') &&
    jm.text.includes(REASON_TEXT), 'the rejection message gives the reason and its text: ' + jm.text);
  mailLink(jm, '/me/applications', 'the rejection message');
  check(await nav(jp, '/me/applications') === 200 && await myStage(jp) === 'Non retenue',
    'Jeanne sees "Non retenue" on Mes candidatures');
  check((await text(jp, 'td.received')).includes(REASON_TEXT), 'Jeanne sees the reason');
  check(!(await text(jp)).includes(NOTE), 'Jeanne never sees the private note');
  check(!await jp.isVisible('form[action$="/withdraw"]'), 'a rejected application cannot be withdrawn');
  await snap(jp, 'stage-rejected');

  // 6. Paul forgets his password: reset by e-mail, from another browser.
  W.step = 6;
  const fp = await W.context(browser, 'en-GB', 390, 844);
  await fp.goto(base + '/login');
  check(await go(fp, 'main a[href="/forgot-password"]') === 200 && await h1(fp) === 'Forgotten password',
    'the login page links to "forgot password"');
  await fp.fill('input[name=email]', paul.email);
  await snap(fp, 'forgot');
  check(await go(fp, 'form[action="/forgot-password"] button[type=submit]') === 200 && await h1(fp) === 'Check your mail',
    'the page says a message is on its way');
  await snap(fp, 'forgot-sent');
  const pm = await mail(paul.email, 'Reset your OffreAPI password', 'the reset message (English)');
  check(pm.text.includes('Hello Paul Martin'), 'the reset message greets Paul in English');
  const resetLink = mailLink(pm, '/reset-password?token=', 'the reset message');
  check((await fp.goto(resetLink)).status() === 200 && await h1(fp) === 'New password', 'the reset link opens the form');
  await fp.fill('input[name=password]', paul.pw2);
  await fp.fill('input[name=password2]', paul.pw2);
  await snap(fp, 'reset-form');
  check(await go(fp, 'form[action="/reset-password"] button[type=submit]') === 200 && await h1(fp) === 'Password changed',
    'the page says the password is changed');
  await snap(fp, 'reset-done');
  check((await fp.goto(resetLink)).status() === 400 && await h1(fp) === 'Link not valid', 'the reset link does not work twice');
  await snap(fp, 'reset-again');
  await pp.goto(base + '/me/applications');
  check(!(await text(pp, 'header')).includes(paul.name) && pp.url().includes('/login'),
    'the reset ended Paul\'s other session: ' + pp.url());
  const login = async (pw) => {
    await fp.goto(base + '/login');
    await fp.fill('input[name=login]', paul.login);
    await fp.fill('input[name=password]', pw);
    return go(fp, 'form[action="/login"] button[type=submit]');
  };
  const old = await login(paul.pw);
  check(old === 401 && !(await text(fp, 'header')).includes(paul.name), `the old password is refused (${old})`);
  await snap(fp, 'login-old-password');
  check(await login(paul.pw2) === 200 && (await text(fp, 'header')).includes(paul.name), 'the new password logs Paul in');
  check(await nav(fp, '/me/applications') === 200 && await myStage(fp) === 'Received',
    'Paul\'s application is still "Received"');
  await snap(fp, 'login-new-password');

  // 7. The recruiter closes the offer, rejecting the applications still open.
  W.step = 7;
  await rp.goto(offerUrl);
  check(await go(rp, `main a[href="${new URL(offerUrl).pathname}/close"]`) === 200 && await h1(rp) === 'Fermer l\'offre',
    'the offer page asks for confirmation before closing');
  await rp.check('input[name=applications][value=reject]');
  check(await rp.inputValue('#close-reason') === 'position_filled' && await rp.isChecked('input[name=show_reason]'),
    'the confirmation proposes "position filled", shown to the candidates');
  await snap(rp, 'close-confirm');
  check(await go(rp, 'form[action$="/close"] button[type=submit]') === 200, 'closing answers 200');
  check(/\?rejected=1$/.test(rp.url()) && (await text(rp)).includes('Candidatures refusées : 1'),
    'the page says one application was rejected: ' + rp.url());
  check((await text(rp, 'main .meta')).includes('fermée'), 'the offer is shown closed');
  await snap(rp, 'closed');
  const cm = await mail(paul.email, `Your application for "${OFFER}"`, 'the closing message to Paul (English)');
  check(cm.text.includes('Reason: the position has been filled'), 'the closing message gives the reason: ' + cm.text);
  check(await nav(fp, '/me/applications') === 200 && await myStage(fp) === 'Rejected' &&
    (await text(fp, 'tbody')).includes('closed'), 'Paul sees "Rejected" and the offer closed');
  await snap(fp, 'stage-rejected');

  // Every message, once: nothing more, nothing else (the closing did not
  // write to Jeanne again; "reviewed" is not a change she is told of).
  await new Promise((r) => setTimeout(r, 1500));
  const got = smtpd.all();
  const subjects = (to) => got.filter((m) => m.rcpt_tos.includes(to)).map((m) => m.subject);
  const want = {
    [claire.email]: ['Confirmez votre adresse e-mail sur OffreAPI', `Nouvelle candidature : « ${OFFER} »`,
      `Nouvelle candidature : « ${OFFER} »`],
    [jeanne.email]: ['Confirmez votre adresse e-mail sur OffreAPI', `Votre candidature « ${OFFER} » : entretien`,
      `Votre candidature « ${OFFER} »`],
    [paul.email]: ['Confirm your e-mail address on OffreAPI', 'Reset your OffreAPI password', `Your application for "${OFFER}"`],
  };
  for (const [to, list] of Object.entries(want))
    check(JSON.stringify(subjects(to)) === JSON.stringify(list), `the messages to ${to}: ${JSON.stringify(subjects(to))}`);
  check(got.length === 9 && got.every((m) => m.rcpt_tos.length === 1), `nine messages, one recipient each (${got.length})`);
  check(!got.some((m) => (m.text + m.html).includes(NOTE)), 'no message carries the private note');
  fs.writeFileSync(path.join(artifacts, 'mail.txt'),
    got.map((m) => `${m.file}\t${m.rcpt_tos.join(',')}\t${m.subject}`).join('\n') + '\n');
  check(W.problems.length === 0, 'no console error or CSP violation: ' + W.problems.join('; '));
  finished = true;
} catch (e) {
  check(false, `workflow, step ${W.step}: ` + (e && e.stack || e));
} finally {
  if (browser) await browser.close();
  if (srv) check(await stopServer(srv), 'server exits 0 on SIGTERM');
  await stopSmtpd(smtpd);
}
// The server's log has none of the personal data the story sent.
const log = fs.existsSync(path.join(artifacts, 'server.log')) ? fs.readFileSync(path.join(artifacts, 'server.log'), 'utf8') : '';
for (const p of Object.values(people))
  for (const v of [p.email, p.pw, p.pw2].filter(Boolean)) check(!log.includes(v), `the server log has no "${v}"`);
check(!log.includes(NOTE) && !log.includes(REASON_TEXT), 'the server log has no note or reason text');

W.finish('browser-workflow', finished && W.shot >= 30);
