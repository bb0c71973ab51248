/*
 * test_stages.c - application stages, their history, the recruiters'
 * private notes and the messages the changes write to the outbox
 * (offerapi/application.h, issue 13), on SQLite or PostgreSQL (argv[1]).
 * It links the library's internal archive for store_open_upto(): a store
 * left at the migration before the stages gets them, its applications
 * 'received'.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <offerapi/offerapi.h>

#include "pdfgen.h"
#include "internal.h"
#include "store_internal.h"
#include "testdb.h"

typedef struct fixture {
	testdb db;
	offerapi_store *s;
	offerapi_user *rec, *rec2, *cand, *cand2;
	char *pdf;
	size_t pdf_len;
	offerapi_id offer;
} fixture;

static offerapi_user *mkuser(offerapi_store *s, const char *login, offerapi_role role,
                             const char *email, const char *lang)
{
	offerapi_user *u = NULL;
	if (email)
		assert_rc(offerapi_user_create_with_email(s, login, login, "correct horse", role,
		                                          email, lang, &u),
		          0);
	else
		assert_rc(offerapi_user_create(s, login, login, "correct horse", role, &u), 0);
	return u;
}

/* Claim every message of the outbox; return the first whose kind is not
 * "verify-email" (those come with the accounts), or NULL. Every claimed
 * message is marked logged. */
static offerapi_mail *next_mail(offerapi_store *s)
{
	offerapi_mail *found = NULL, *m = NULL;
	for (;;) {
		assert_rc(offerapi_mail_claim(s, "test", NULL, &m), 0);
		if (!m)
			return found;
		if (!found && strcmp(m->kind, "verify-email") != 0) {
			found = m;
			continue; /* stays claimed: later claims skip it */
		}
		assert_rc(offerapi_mail_done(s, m, true, NULL), 0);
		offerapi_mail_free(m);
	}
}

static void expect_mail(offerapi_store *s, const char *kind, const char *to, const char *lang)
{
	offerapi_mail *m = next_mail(s);
	if (!m)
		fail_msg("no %s message in the outbox", kind);
	assert_string_equal(m->kind, kind);
	assert_string_equal(m->recipient, to);
	assert_string_equal(m->lang, lang);
	assert_rc(offerapi_mail_done(s, m, true, NULL), 0);
	offerapi_mail_free(m);
}

static void expect_no_mail(offerapi_store *s)
{
	offerapi_mail *m = next_mail(s);
	if (m)
		fail_msg("unexpected %s message to %s", m->kind, m->recipient);
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	f->s = testdb_open_new(&f->db);
	f->rec = mkuser(f->s, "rhh", OFFERAPI_ROLE_RECRUITER, "rh@example.org", "en");
	f->rec2 = mkuser(f->s, "other.rh", OFFERAPI_ROLE_RECRUITER, NULL, NULL);
	f->cand = mkuser(f->s, "alice", OFFERAPI_ROLE_CANDIDATE, "alice@example.org", "fr");
	f->cand2 = mkuser(f->s, "bobby", OFFERAPI_ROLE_CANDIDATE, NULL, NULL);
	const char *lines[] = { "Curriculum vitae", "Alice Martin", "Skills: C, SQL" };
	f->pdf = pdfgen_text(lines, 3, 1, &f->pdf_len);
	assert_non_null(f->pdf);
	offerapi_offer_fields o = {
		.version = OFFERAPI_OFFER_FIELDS_VERSION,
		.title = "Développeuse C",
		.description = "A job writing C for a living.",
		.location = "Lyon",
		/* the recruiter's new-application messages wait for a digest
		 * nobody runs here: the outbox holds the stage messages only
		 * (test_notify_* look at the others) */
		.notify = OFFERAPI_NOTIFY_DAILY,
	};
	assert_rc(offerapi_offer_create(f->s, f->rec, &o, &f->offer), 0);
	expect_no_mail(f->s); /* drains the verification messages */
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	offerapi_user_free(f->rec);
	offerapi_user_free(f->rec2);
	offerapi_user_free(f->cand);
	offerapi_user_free(f->cand2);
	free(f->pdf);
	testdb_close(&f->db, f->s);
	free(f);
	return 0;
}

static offerapi_id apply(fixture *f, const offerapi_user *who)
{
	offerapi_application_input in = OFFERAPI_APPLICATION_INPUT_INIT;
	in.filename = "cv.pdf";
	in.pdf = f->pdf;
	in.pdf_len = f->pdf_len;
	offerapi_id id = 0;
	assert_rc(offerapi_application_submit(f->s, who, f->offer, &in, &id), 0);
	return id;
}

static int set_stage(fixture *f, const offerapi_user *who, offerapi_id id, offerapi_stage to)
{
	offerapi_stage_change ch = OFFERAPI_STAGE_CHANGE_INIT;
	ch.stage = to;
	return offerapi_application_set_stage(f->s, who, id, &ch);
}

static offerapi_stage stage_of(fixture *f, const offerapi_user *who, offerapi_id id)
{
	offerapi_application *a = NULL;
	assert_rc(offerapi_application_get(f->s, who, id, &a), 0);
	offerapi_stage st = a->stage;
	offerapi_application_free(a);
	return st;
}

static void assert_message_has(const char *needle)
{
	const char *msg = offerapi_error_last()->message;
	if (!strstr(msg, needle))
		fail_msg("message \"%s\" does not name \"%s\"", msg, needle);
}

/* ---- the rules ---- */

static void test_names_and_rules(void **state)
{
	(void)state;
	for (int i = 0; i < OFFERAPI_NSTAGES; i++) {
		offerapi_stage st;
		assert_rc(offerapi_stage_parse(&st, offerapi_stage_name((offerapi_stage)i)), 0);
		assert_int_equal(st, i);
	}
	offerapi_stage st;
	assert_rc(offerapi_stage_parse(&st, "hiring"), OFFERAPI_EINVAL);
	assert_message_has("hiring");
	assert_rc(offerapi_stage_parse(&st, NULL), OFFERAPI_EINVAL);
	assert_null(offerapi_stage_name((offerapi_stage)OFFERAPI_NSTAGES));
	offerapi_reject_reason why;
	assert_rc(offerapi_reject_reason_parse(&why, "position_filled"), 0);
	assert_int_equal(why, OFFERAPI_REASON_POSITION_FILLED);
	assert_rc(offerapi_reject_reason_parse(&why, ""), OFFERAPI_EINVAL);
	assert_rc(offerapi_reject_reason_parse(&why, "rude"), OFFERAPI_EINVAL);
	assert_message_has("reason");

	const offerapi_role R = OFFERAPI_ROLE_RECRUITER, C = OFFERAPI_ROLE_CANDIDATE;
	assert_true(offerapi_stage_allowed(OFFERAPI_STAGE_RECEIVED, OFFERAPI_STAGE_REVIEWED, R));
	assert_true(offerapi_stage_allowed(OFFERAPI_STAGE_RECEIVED, OFFERAPI_STAGE_INTERVIEW, R));
	assert_true(offerapi_stage_allowed(OFFERAPI_STAGE_OFFER, OFFERAPI_STAGE_HIRED, R));
	assert_true(offerapi_stage_allowed(OFFERAPI_STAGE_INTERVIEW, OFFERAPI_STAGE_REJECTED, R));
	assert_false(offerapi_stage_allowed(OFFERAPI_STAGE_INTERVIEW, OFFERAPI_STAGE_HIRED, R));
	assert_false(offerapi_stage_allowed(OFFERAPI_STAGE_INTERVIEW, OFFERAPI_STAGE_REVIEWED, R));
	assert_false(offerapi_stage_allowed(OFFERAPI_STAGE_REVIEWED, OFFERAPI_STAGE_REVIEWED, R));
	assert_false(offerapi_stage_allowed(OFFERAPI_STAGE_RECEIVED, OFFERAPI_STAGE_WITHDRAWN, R));
	assert_false(offerapi_stage_allowed(OFFERAPI_STAGE_REJECTED, OFFERAPI_STAGE_OFFER, R));
	assert_false(offerapi_stage_allowed(OFFERAPI_STAGE_HIRED, OFFERAPI_STAGE_REJECTED, R));
	assert_true(offerapi_stage_allowed(OFFERAPI_STAGE_OFFER, OFFERAPI_STAGE_WITHDRAWN, C));
	assert_false(offerapi_stage_allowed(OFFERAPI_STAGE_RECEIVED, OFFERAPI_STAGE_REVIEWED, C));
	assert_false(offerapi_stage_allowed(OFFERAPI_STAGE_HIRED, OFFERAPI_STAGE_WITHDRAWN, C));
}

/* ---- the happy path: history and messages ---- */

static void test_flow_history_mail(void **state)
{
	fixture *f = *state;
	offerapi_id id = apply(f, f->cand);
	assert_int_equal(stage_of(f, f->rec, id), OFFERAPI_STAGE_RECEIVED);
	expect_no_mail(f->s);

	assert_rc(set_stage(f, f->rec, id, OFFERAPI_STAGE_REVIEWED), 0);
	expect_no_mail(f->s); /* reviewed tells nobody */
	assert_rc(set_stage(f, f->rec, id, OFFERAPI_STAGE_INTERVIEW), 0);
	expect_mail(f->s, "stage-interview", "alice@example.org", "fr");
	assert_rc(set_stage(f, f->rec, id, OFFERAPI_STAGE_OFFER), 0);
	expect_mail(f->s, "stage-offer", "alice@example.org", "fr");
	assert_rc(set_stage(f, f->rec, id, OFFERAPI_STAGE_HIRED), 0);
	expect_mail(f->s, "stage-hired", "alice@example.org", "fr");
	assert_int_equal(stage_of(f, f->cand, id), OFFERAPI_STAGE_HIRED);

	offerapi_stage_history *h = NULL;
	assert_rc(offerapi_application_history(f->s, f->cand, id, &h), 0);
	assert_int_equal(h->count, 4);
	const offerapi_stage expect[][2] = { { OFFERAPI_STAGE_RECEIVED, OFFERAPI_STAGE_REVIEWED },
		                             { OFFERAPI_STAGE_REVIEWED, OFFERAPI_STAGE_INTERVIEW },
		                             { OFFERAPI_STAGE_INTERVIEW, OFFERAPI_STAGE_OFFER },
		                             { OFFERAPI_STAGE_OFFER, OFFERAPI_STAGE_HIRED } };
	for (size_t i = 0; i < h->count; i++) {
		assert_int_equal(h->items[i].from, expect[i][0]);
		assert_int_equal(h->items[i].to, expect[i][1]);
		assert_int_equal(h->items[i].actor_id, f->rec->id);
		assert_int_equal(h->items[i].actor_role, OFFERAPI_ROLE_RECRUITER);
		assert_string_equal(h->items[i].actor_name, "rhh");
		assert_true(h->items[i].created_at > 0);
	}
	offerapi_stage_history_free(h);

	/* hired is final */
	offerapi_stage_change ch = OFFERAPI_STAGE_CHANGE_INIT;
	ch.stage = OFFERAPI_STAGE_REJECTED;
	ch.reason = OFFERAPI_REASON_POSITION_FILLED;
	assert_rc(offerapi_application_set_stage(f->s, f->rec, id, &ch), OFFERAPI_ECONFLICT);
	assert_message_has("hired");
	assert_rc(offerapi_application_withdraw(f->s, f->cand, id), OFFERAPI_ECONFLICT);
	expect_no_mail(f->s);
}

/* ---- refusals ---- */

static void test_refusals(void **state)
{
	fixture *f = *state;
	offerapi_id id = apply(f, f->cand);
	assert_rc(set_stage(f, f->cand, id, OFFERAPI_STAGE_REVIEWED), OFFERAPI_EPERM);
	assert_rc(set_stage(f, f->rec2, id, OFFERAPI_STAGE_REVIEWED), OFFERAPI_EPERM);
	assert_rc(set_stage(f, NULL, id, OFFERAPI_STAGE_REVIEWED), OFFERAPI_EPERM);
	assert_rc(set_stage(f, f->rec, id, OFFERAPI_STAGE_WITHDRAWN), OFFERAPI_EPERM);
	assert_rc(offerapi_application_withdraw(f->s, f->cand2, id), OFFERAPI_EPERM);
	assert_rc(set_stage(f, f->rec, id + 1000, OFFERAPI_STAGE_REVIEWED), OFFERAPI_ENOTFOUND);
	assert_rc(set_stage(f, f->rec, id, OFFERAPI_STAGE_HIRED), OFFERAPI_ECONFLICT);
	assert_message_has("received");
	assert_message_has("hired");
	assert_rc(set_stage(f, f->rec, id, OFFERAPI_STAGE_RECEIVED), OFFERAPI_ECONFLICT);

	offerapi_stage_change ch = OFFERAPI_STAGE_CHANGE_INIT;
	ch.stage = OFFERAPI_STAGE_REJECTED;
	assert_rc(offerapi_application_set_stage(f->s, f->rec, id, &ch), OFFERAPI_EINVAL);
	assert_message_has("reason: required to reject (profile, experience, position_filled or "
	                   "other)");
	ch.reason = (offerapi_reject_reason)OFFERAPI_NREASONS;
	assert_rc(offerapi_application_set_stage(f->s, f->rec, id, &ch), OFFERAPI_EINVAL);
	assert_message_has("reason: unknown value (profile, experience");
	ch.stage = OFFERAPI_STAGE_REVIEWED;
	ch.reason = OFFERAPI_REASON_OTHER;
	assert_rc(offerapi_application_set_stage(f->s, f->rec, id, &ch), OFFERAPI_EINVAL);
	assert_message_has("reason");
	ch = (offerapi_stage_change)OFFERAPI_STAGE_CHANGE_INIT;
	ch.stage = OFFERAPI_STAGE_REJECTED;
	ch.reason = OFFERAPI_REASON_OTHER;
	ch.reason_text = "two\nlines";
	assert_rc(offerapi_application_set_stage(f->s, f->rec, id, &ch), OFFERAPI_EINVAL);
	assert_message_has("reason_text");
	ch.reason_text = NULL;
	ch.version = 99;
	assert_rc(offerapi_application_set_stage(f->s, f->rec, id, &ch), OFFERAPI_EINVAL);
	assert_message_has("offerapi_stage_change");
	assert_rc(offerapi_application_set_stage(f->s, f->rec, id, NULL), OFFERAPI_EINVAL);

	/* a change from a stage no longer current */
	ch = (offerapi_stage_change)OFFERAPI_STAGE_CHANGE_INIT;
	ch.stage = OFFERAPI_STAGE_INTERVIEW;
	ch.check_from = 1;
	ch.from = OFFERAPI_STAGE_REVIEWED;
	assert_rc(offerapi_application_set_stage(f->s, f->rec, id, &ch), OFFERAPI_ECONFLICT);
	assert_message_has("reviewed");
	ch.from = OFFERAPI_STAGE_RECEIVED;
	assert_rc(offerapi_application_set_stage(f->s, f->rec, id, &ch), 0);

	/* nothing refused was written */
	offerapi_stage_history *h = NULL;
	assert_rc(offerapi_application_history(f->s, f->rec, id, &h), 0);
	assert_int_equal(h->count, 1);
	offerapi_stage_history_free(h);
	assert_rc(offerapi_application_history(f->s, f->cand2, id, &h), OFFERAPI_EPERM);
	assert_rc(offerapi_application_history(f->s, f->rec2, id, &h), OFFERAPI_EPERM);
	assert_null(h);
	expect_mail(f->s, "stage-interview", "alice@example.org", "fr");
}

/* ---- rejections and what the candidate sees of them ---- */

static void reject(fixture *f, offerapi_id id, int show)
{
	offerapi_stage_change ch = OFFERAPI_STAGE_CHANGE_INIT;
	ch.stage = OFFERAPI_STAGE_REJECTED;
	ch.reason = OFFERAPI_REASON_EXPERIENCE;
	ch.reason_text = "Five years of C asked";
	ch.show_reason = show;
	assert_rc(offerapi_application_set_stage(f->s, f->rec, id, &ch), 0);
}

static void test_reject_reason(void **state)
{
	fixture *f = *state;
	offerapi_id hidden = apply(f, f->cand);
	reject(f, hidden, 0);
	offerapi_mail *m = next_mail(f->s);
	assert_non_null(m);
	assert_string_equal(m->kind, "stage-rejected");
	assert_null(strstr(m->params, "Five years"));
	offerapi_mail_free(m);

	offerapi_application *a = NULL;
	assert_rc(offerapi_application_get(f->s, f->rec, hidden, &a), 0);
	assert_int_equal(a->stage, OFFERAPI_STAGE_REJECTED);
	assert_int_equal(a->reason, OFFERAPI_REASON_EXPERIENCE);
	assert_string_equal(a->reason_text, "Five years of C asked");
	assert_string_equal(a->candidate_email, "alice@example.org");
	offerapi_application_free(a);
	assert_rc(offerapi_application_get(f->s, f->cand, hidden, &a), 0);
	assert_int_equal(a->stage, OFFERAPI_STAGE_REJECTED);
	assert_int_equal(a->reason, OFFERAPI_REASON_NONE);
	assert_string_equal(a->reason_text, "");
	offerapi_application_free(a);
	offerapi_stage_history *h = NULL;
	assert_rc(offerapi_application_history(f->s, f->cand, hidden, &h), 0);
	assert_int_equal(h->count, 1);
	assert_int_equal(h->items[0].reason, OFFERAPI_REASON_NONE);
	assert_string_equal(h->items[0].reason_text, "");
	offerapi_stage_history_free(h);
	assert_rc(offerapi_application_history(f->s, f->rec, hidden, &h), 0);
	assert_int_equal(h->items[0].reason, OFFERAPI_REASON_EXPERIENCE);
	offerapi_stage_history_free(h);

	/* shown: in the candidate's list and in their message, in their language */
	offerapi_user *carol = mkuser(f->s, "carol", OFFERAPI_ROLE_CANDIDATE, "carol@example.org",
	                              "en");
	offerapi_id shown = apply(f, carol);
	expect_no_mail(f->s);
	reject(f, shown, 1);
	m = next_mail(f->s);
	assert_non_null(m);
	assert_string_equal(m->kind, "stage-rejected-reason");
	assert_string_equal(m->recipient, "carol@example.org");
	offerapi_mail_site site = { .version = OFFERAPI_MAIL_SITE_VERSION,
		                    .from = "jobs@example.org",
		                    .base_url = "https://jobs.example.org" };
	char *text = NULL;
	assert_rc(offerapi_mail_render(m, &site, &text, NULL), 0);
	assert_non_null(strstr(m->params, "the experience required is not met: Five years"));
	assert_non_null(strstr(text, "Content-Language: en"));
	free(text);
	offerapi_mail_free(m);
	/* the longest text a rejection takes still makes a message */
	offerapi_user *dan = mkuser(f->s, "daniel", OFFERAPI_ROLE_CANDIDATE, "dan@example.org",
	                            "fr");
	offerapi_id longest = apply(f, dan);
	expect_no_mail(f->s);
	char text_max[OFFERAPI_REASON_TEXT_MAX + 1];
	memset(text_max, 'e', OFFERAPI_REASON_TEXT_MAX);
	text_max[OFFERAPI_REASON_TEXT_MAX] = '\0';
	offerapi_stage_change ch = OFFERAPI_STAGE_CHANGE_INIT;
	ch.stage = OFFERAPI_STAGE_REJECTED;
	ch.reason = OFFERAPI_REASON_POSITION_FILLED;
	ch.reason_text = text_max;
	ch.show_reason = 1;
	assert_rc(offerapi_application_set_stage(f->s, f->rec, longest, &ch), 0);
	m = next_mail(f->s);
	assert_non_null(m);
	assert_rc(offerapi_mail_render(m, &site, &text, NULL), 0);
	free(text);
	offerapi_mail_free(m);
	offerapi_user_free(dan);

	offerapi_application_list *l = NULL;
	assert_rc(offerapi_application_list_mine(f->s, carol, 0, &l), 0);
	assert_int_equal(l->count, 1);
	assert_int_equal(l->items[0].reason, OFFERAPI_REASON_EXPERIENCE);
	offerapi_application_list_free(l);
	assert_rc(offerapi_application_list_mine(f->s, f->cand, 0, &l), 0);
	assert_int_equal(l->items[0].reason, OFFERAPI_REASON_NONE);
	offerapi_application_list_free(l);
	offerapi_user_free(carol);
}

/* ---- withdrawal: the candidate's, told to the recruiter ---- */

static void test_withdraw(void **state)
{
	fixture *f = *state;
	offerapi_id id = apply(f, f->cand);
	assert_rc(set_stage(f, f->rec, id, OFFERAPI_STAGE_INTERVIEW), 0);
	expect_mail(f->s, "stage-interview", "alice@example.org", "fr");
	assert_rc(offerapi_application_withdraw(f->s, f->cand, id), 0);
	offerapi_mail *m = next_mail(f->s);
	assert_non_null(m);
	assert_string_equal(m->kind, "application-withdrawn");
	assert_string_equal(m->recipient, "rh@example.org");
	assert_string_equal(m->lang, "en");
	offerapi_mail_site site = { .version = OFFERAPI_MAIL_SITE_VERSION,
		                    .from = "jobs@example.org",
		                    .base_url = "https://jobs.example.org" };
	char subject[256];
	assert_rc(offerapi_mail_subject(m, subject, sizeof subject), 0);
	assert_string_equal(subject, "Application withdrawn: \"Développeuse C\"");
	char *text = NULL;
	assert_rc(offerapi_mail_render(m, &site, &text, NULL), 0);
	free(text);
	offerapi_mail_free(m);
	assert_int_equal(stage_of(f, f->rec, id), OFFERAPI_STAGE_WITHDRAWN);
	assert_rc(set_stage(f, f->rec, id, OFFERAPI_STAGE_OFFER), OFFERAPI_ECONFLICT);
	assert_message_has("withdrawn");

	/* a candidate without an address gets no message */
	offerapi_id bob = apply(f, f->cand2);
	assert_rc(set_stage(f, f->rec, bob, OFFERAPI_STAGE_INTERVIEW), 0);
	expect_no_mail(f->s);
}

/* ---- closing an offer and rejecting its open applications ---- */

static void test_close_rejecting(void **state)
{
	fixture *f = *state;
	offerapi_user *hired = mkuser(f->s, "carla", OFFERAPI_ROLE_CANDIDATE, "carla@example.org",
	                              "en");
	offerapi_user *gone = mkuser(f->s, "dany", OFFERAPI_ROLE_CANDIDATE, "dany@example.org",
	                             "en");
	expect_no_mail(f->s);
	offerapi_id a = apply(f, f->cand), b = apply(f, f->cand2), h = apply(f, hired),
		    w = apply(f, gone);
	assert_rc(set_stage(f, f->rec, a, OFFERAPI_STAGE_INTERVIEW), 0);
	assert_rc(set_stage(f, f->rec, h, OFFERAPI_STAGE_OFFER), 0);
	assert_rc(set_stage(f, f->rec, h, OFFERAPI_STAGE_HIRED), 0);
	assert_rc(offerapi_application_withdraw(f->s, gone, w), 0);
	for (offerapi_mail *m; (m = next_mail(f->s));) { /* those changes' messages */
		assert_rc(offerapi_mail_done(f->s, m, true, NULL), 0);
		offerapi_mail_free(m);
	}

	offerapi_stage_change ch = OFFERAPI_STAGE_CHANGE_INIT;
	ch.stage = OFFERAPI_STAGE_INTERVIEW;
	size_t n = 99;
	assert_rc(offerapi_offer_close_rejecting(f->s, f->rec, f->offer, &ch, &n), OFFERAPI_EINVAL);
	assert_message_has("rejected");
	assert_int_equal(n, 0);
	ch.stage = OFFERAPI_STAGE_REJECTED;
	assert_rc(offerapi_offer_close_rejecting(f->s, f->rec, f->offer, &ch, &n), OFFERAPI_EINVAL);
	assert_message_has("reason");
	ch.reason = OFFERAPI_REASON_POSITION_FILLED;
	ch.show_reason = 1;
	assert_rc(offerapi_offer_close_rejecting(f->s, f->rec2, f->offer, &ch, &n), OFFERAPI_EPERM);
	assert_rc(offerapi_offer_close_rejecting(f->s, f->cand, f->offer, &ch, &n), OFFERAPI_EPERM);
	offerapi_offer *o = NULL;
	assert_rc(offerapi_offer_get(f->s, f->offer, &o), 0);
	assert_true(o->is_open); /* the refusals changed nothing */
	offerapi_offer_free(o);

	assert_rc(offerapi_offer_close_rejecting(f->s, f->rec, f->offer, &ch, &n), 0);
	assert_int_equal(n, 2);
	assert_rc(offerapi_offer_get(f->s, f->offer, &o), 0);
	assert_false(o->is_open);
	offerapi_offer_free(o);
	assert_int_equal(stage_of(f, f->rec, a), OFFERAPI_STAGE_REJECTED);
	assert_int_equal(stage_of(f, f->rec, b), OFFERAPI_STAGE_REJECTED);
	assert_int_equal(stage_of(f, f->rec, h), OFFERAPI_STAGE_HIRED);
	assert_int_equal(stage_of(f, f->rec, w), OFFERAPI_STAGE_WITHDRAWN);
	/* the candidate reads the reason shown, and the history has the change */
	offerapi_application *got = NULL;
	assert_rc(offerapi_application_get(f->s, f->cand, a, &got), 0);
	assert_int_equal(got->reason, OFFERAPI_REASON_POSITION_FILLED);
	offerapi_application_free(got);
	offerapi_stage_history *hist = NULL;
	assert_rc(offerapi_application_history(f->s, f->rec, a, &hist), 0);
	assert_int_equal(hist->count, 2);
	offerapi_stage_history_free(hist);
	/* one message: the only rejected candidate with an address */
	expect_mail(f->s, "stage-rejected-reason", "alice@example.org", "fr");
	expect_no_mail(f->s);
	/* closing again: nothing left to reject */
	assert_rc(offerapi_offer_close_rejecting(f->s, f->rec, f->offer, &ch, &n), 0);
	assert_int_equal(n, 0);
	assert_rc(offerapi_offer_archive(f->s, f->rec, f->offer, 0, NULL), 0);
	assert_rc(offerapi_offer_close_rejecting(f->s, f->rec, f->offer, &ch, &n),
	          OFFERAPI_ENOTFOUND);
	offerapi_user_free(hired);
	offerapi_user_free(gone);
}

/* ---- several at once (the dashboard's bulk actions) ---- */

static size_t history_count(fixture *f, offerapi_id id)
{
	offerapi_stage_history *h = NULL;
	assert_rc(offerapi_application_history(f->s, f->rec, id, &h), 0);
	size_t n = h->count;
	offerapi_stage_history_free(h);
	return n;
}

static int64_t count_rows(fixture *f, const char *sql)
{
	db_result *r = NULL;
	assert_rc(store_exec(f->s, sql, NULL, 0, &r), 0);
	int64_t n = db_int(r, 0, 0);
	db_result_free(r);
	return n;
}

static void test_batch(void **state)
{
	fixture *f = *state;
	offerapi_user *carla = mkuser(f->s, "carla", OFFERAPI_ROLE_CANDIDATE, "carla@example.org",
	                              "en");
	expect_no_mail(f->s);
	offerapi_id a = apply(f, f->cand), b = apply(f, f->cand2), c = apply(f, carla);
	char secret[OFFERAPI_WEBHOOK_SECRET_SIZE];
	offerapi_id hook = 0;
	assert_rc(offerapi_webhook_create(f->s, f->rec, "https://hooks.example.com/oa",
	                                  OFFERAPI_EVENT_ALL, secret, &hook),
	          0);
	/* another offer of the same recruiter, and another recruiter's */
	offerapi_offer_fields o = { .version = OFFERAPI_OFFER_FIELDS_VERSION,
		                    .title = "Second",
		                    .description = "Another job, in another town.",
		                    .notify = OFFERAPI_NOTIFY_DAILY };
	offerapi_id offer2 = 0, offer3 = 0;
	assert_rc(offerapi_offer_create(f->s, f->rec, &o, &offer2), 0);
	assert_rc(offerapi_offer_create(f->s, f->rec2, &o, &offer3), 0);
	offerapi_id saved = f->offer;
	f->offer = offer2;
	offerapi_id elsewhere = apply(f, f->cand);
	f->offer = saved;
	int64_t deliveries = count_rows(f, "SELECT COUNT(*) FROM webhook_deliveries");

	offerapi_stage_change ch = OFFERAPI_STAGE_CHANGE_INIT;
	ch.stage = OFFERAPI_STAGE_INTERVIEW;
	size_t moved = 99, bad = 99;
	/* the list: empty, too long, an id twice, a bad id */
	assert_rc(offerapi_application_set_stage_many(f->s, f->rec, f->offer, NULL, 0, &ch, &moved,
	                                              &bad),
	          OFFERAPI_EINVAL);
	assert_message_has("application_ids");
	assert_int_equal(moved, 0);
	assert_int_equal(bad, 0);
	offerapi_id *many = calloc(OFFERAPI_STAGE_BATCH_MAX + 1, sizeof *many);
	assert_non_null(many);
	for (size_t i = 0; i <= OFFERAPI_STAGE_BATCH_MAX; i++)
		many[i] = (offerapi_id)i + 1;
	assert_rc(offerapi_application_set_stage_many(f->s, f->rec, f->offer, many,
	                                              OFFERAPI_STAGE_BATCH_MAX + 1, &ch, &moved,
	                                              &bad),
	          OFFERAPI_ETOOBIG);
	assert_message_has("at most 500");
	assert_int_equal(bad, OFFERAPI_STAGE_BATCH_MAX + 1);
	free(many);
	offerapi_id twice[] = { a, b, a };
	assert_rc(offerapi_application_set_stage_many(f->s, f->rec, f->offer, twice, 3, &ch, &moved,
	                                              &bad),
	          OFFERAPI_EINVAL);
	assert_message_has("twice");
	assert_int_equal(bad, 2);
	offerapi_id zero[] = { a, 0 };
	assert_rc(offerapi_application_set_stage_many(f->s, f->rec, f->offer, zero, 2, &ch, &moved,
	                                              &bad),
	          OFFERAPI_EINVAL);
	assert_int_equal(bad, 1);

	/* ownership: the offer's recruiter only; each id of that offer */
	offerapi_id ab[] = { a, b };
	assert_rc(offerapi_application_set_stage_many(f->s, f->rec2, f->offer, ab, 2, &ch, &moved,
	                                              &bad),
	          OFFERAPI_EPERM);
	assert_int_equal(bad, 2);
	assert_rc(offerapi_application_set_stage_many(f->s, f->cand, f->offer, ab, 2, &ch, &moved,
	                                              &bad),
	          OFFERAPI_EPERM);
	assert_rc(
		offerapi_application_set_stage_many(f->s, f->rec, offer3, ab, 2, &ch, &moved, &bad),
		OFFERAPI_EPERM);
	assert_rc(
		offerapi_application_set_stage_many(f->s, f->rec, 999999, ab, 2, &ch, &moved, &bad),
		OFFERAPI_ENOTFOUND);
	offerapi_id mixed[] = { a, b, elsewhere };
	assert_rc(offerapi_application_set_stage_many(f->s, f->rec, f->offer, mixed, 3, &ch, &moved,
	                                              &bad),
	          OFFERAPI_EINVAL);
	assert_int_equal(bad, 2);
	char name[32];
	snprintf(name, sizeof name, "application %lld", (long long)elsewhere);
	assert_message_has(name);
	offerapi_id missing[] = { a, 987654 };
	assert_rc(offerapi_application_set_stage_many(f->s, f->rec, f->offer, missing, 2, &ch,
	                                              &moved, &bad),
	          OFFERAPI_EINVAL);
	assert_message_has("application 987654");
	/* a withdrawal is the candidate's own */
	offerapi_stage_change wd = OFFERAPI_STAGE_CHANGE_INIT;
	wd.stage = OFFERAPI_STAGE_WITHDRAWN;
	assert_rc(offerapi_application_set_stage_many(f->s, f->cand, f->offer, ab, 2, &wd, &moved,
	                                              &bad),
	          OFFERAPI_EPERM);

	/* all or nothing: c is hired-bound (offer), so "to reviewed" fails on
	 * it, after a and b moved inside the transaction */
	assert_rc(set_stage(f, f->rec, c, OFFERAPI_STAGE_OFFER), 0);
	expect_mail(f->s, "stage-offer", "carla@example.org", "en");
	ch.stage = OFFERAPI_STAGE_REVIEWED;
	offerapi_id abc[] = { a, b, c };
	assert_rc(offerapi_application_set_stage_many(f->s, f->rec, f->offer, abc, 3, &ch, &moved,
	                                              &bad),
	          OFFERAPI_ECONFLICT);
	assert_int_equal(moved, 0);
	assert_int_equal(bad, 2);
	snprintf(name, sizeof name, "application %lld", (long long)c);
	assert_message_has(name);
	assert_int_equal(stage_of(f, f->rec, a), OFFERAPI_STAGE_RECEIVED);
	assert_int_equal(stage_of(f, f->rec, b), OFFERAPI_STAGE_RECEIVED);
	assert_int_equal(history_count(f, a), 0);
	assert_int_equal(history_count(f, b), 0);
	expect_no_mail(f->s);
	/* the webhook saw c's move only (1 event), none of the refused ones */
	assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM webhook_deliveries"), deliveries + 1);
	/* check_from applies to each */
	ch.check_from = 1;
	ch.from = OFFERAPI_STAGE_RECEIVED;
	offerapi_id ac[] = { a, c };
	assert_rc(offerapi_application_set_stage_many(f->s, f->rec, f->offer, ac, 2, &ch, &moved,
	                                              &bad),
	          OFFERAPI_ECONFLICT);
	assert_int_equal(bad, 1);
	assert_int_equal(stage_of(f, f->rec, a), OFFERAPI_STAGE_RECEIVED);

	/* a and b move together: each its history row, its event, its message */
	ch.stage = OFFERAPI_STAGE_INTERVIEW;
	assert_rc(offerapi_application_set_stage_many(f->s, f->rec, f->offer, ab, 2, &ch, &moved,
	                                              &bad),
	          0);
	assert_int_equal(moved, 2);
	assert_int_equal(bad, 2);
	assert_int_equal(stage_of(f, f->rec, a), OFFERAPI_STAGE_INTERVIEW);
	assert_int_equal(stage_of(f, f->rec, b), OFFERAPI_STAGE_INTERVIEW);
	assert_int_equal(history_count(f, a), 1);
	assert_int_equal(history_count(f, b), 1);
	/* alice has an address, bobby none */
	expect_mail(f->s, "stage-interview", "alice@example.org", "fr");
	expect_no_mail(f->s);
	assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM webhook_deliveries"), deliveries + 3);

	/* one rejection for all three, the same reason, shown */
	offerapi_stage_change rj = OFFERAPI_STAGE_CHANGE_INIT;
	rj.stage = OFFERAPI_STAGE_REJECTED;
	assert_rc(offerapi_application_set_stage_many(f->s, f->rec, f->offer, abc, 3, &rj, &moved,
	                                              &bad),
	          OFFERAPI_EINVAL);
	assert_message_has("reason");
	assert_int_equal(bad, 3);
	rj.reason = OFFERAPI_REASON_POSITION_FILLED;
	rj.reason_text = "We hired someone internally.";
	rj.show_reason = 1;
	assert_rc(offerapi_application_set_stage_many(f->s, f->rec, f->offer, abc, 3, &rj, &moved,
	                                              NULL),
	          0);
	assert_int_equal(moved, 3);
	offerapi_id each[] = { a, b, c };
	for (int i = 0; i < 3; i++) {
		offerapi_application *got = NULL;
		assert_rc(offerapi_application_get(f->s, f->rec, each[i], &got), 0);
		assert_int_equal(got->stage, OFFERAPI_STAGE_REJECTED);
		assert_int_equal(got->reason, OFFERAPI_REASON_POSITION_FILLED);
		assert_string_equal(got->reason_text, "We hired someone internally.");
		offerapi_application_free(got);
		offerapi_stage_history *h = NULL;
		assert_rc(offerapi_application_history(f->s, f->rec, each[i], &h), 0);
		assert_true(h->count >= 2);
		assert_int_equal(h->items[h->count - 1].to, OFFERAPI_STAGE_REJECTED);
		assert_int_equal(h->items[h->count - 1].actor_id, f->rec->id);
		offerapi_stage_history_free(h);
	}
	/* one message each to alice and carla (bobby has no address) */
	assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM outbox WHERE kind ="
	                               " 'stage-rejected-reason' AND recipient IN"
	                               " ('alice@example.org', 'carla@example.org')"),
	                 2);
	assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM outbox WHERE kind LIKE 'stage-%'"),
	                 4); /* with carla's offer and alice's interview */
	assert_int_equal(count_rows(f, "SELECT COUNT(*) FROM webhook_deliveries"), deliveries + 6);
	/* final now: a second batch is a conflict naming the first */
	snprintf(name, sizeof name, "application %lld", (long long)a);
	assert_rc(offerapi_application_set_stage_many(f->s, f->rec, f->offer, abc, 3, &rj, &moved,
	                                              &bad),
	          OFFERAPI_ECONFLICT);
	assert_message_has(name);
	assert_int_equal(bad, 0);
	offerapi_user_free(carla);
}

/* ---- notes ---- */

static void test_notes(void **state)
{
	fixture *f = *state;
	offerapi_id id = apply(f, f->cand);
	offerapi_id nid = 0;
	const char *texts[] = { "First call: good.", "Second\nline two", "Third" };
	for (int i = 0; i < 3; i++)
		assert_rc(offerapi_application_note_add(f->s, f->rec, id, texts[i], &nid), 0);
	assert_true(nid > 0);
	assert_rc(offerapi_application_note_add(f->s, f->cand, id, "mine", NULL), OFFERAPI_EPERM);
	assert_rc(offerapi_application_note_add(f->s, f->rec2, id, "x", NULL), OFFERAPI_EPERM);
	assert_rc(offerapi_application_note_add(f->s, f->rec, id + 99, "x", NULL),
	          OFFERAPI_ENOTFOUND);
	assert_rc(offerapi_application_note_add(f->s, f->rec, id, "", NULL), OFFERAPI_EINVAL);
	assert_message_has("note");
	char *big = malloc(OFFERAPI_NOTE_MAX + 2);
	memset(big, 'x', OFFERAPI_NOTE_MAX + 1);
	big[OFFERAPI_NOTE_MAX + 1] = '\0';
	int rc = offerapi_application_note_add(f->s, f->rec, id, big, NULL);
	assert_true(rc == OFFERAPI_EINVAL || rc == OFFERAPI_ETOOBIG);
	big[OFFERAPI_NOTE_MAX] = '\0';
	assert_rc(offerapi_application_note_add(f->s, f->rec, id, big, NULL), 0);
	free(big);

	offerapi_page p = OFFERAPI_PAGE_INIT;
	p.limit = 2;
	p.flags = OFFERAPI_PAGE_TOTAL;
	offerapi_note_list *l = NULL;
	assert_rc(offerapi_application_note_list(f->s, f->rec, id, &p, &l), 0);
	assert_int_equal(l->total, 4);
	assert_int_equal(l->count, 2);
	assert_int_equal(strlen(l->items[0].text), OFFERAPI_NOTE_MAX); /* newest first */
	assert_string_equal(l->items[1].text, "Third");
	assert_string_equal(l->items[1].author_name, "rhh");
	assert_int_equal(l->items[1].author_id, f->rec->id);
	assert_non_null(l->next);
	assert_null(l->prev);
	char next[OFFERAPI_CURSOR_MAX];
	snprintf(next, sizeof next, "%s", l->next);
	offerapi_note_list_free(l);
	p.cursor = next;
	p.flags = 0;
	assert_rc(offerapi_application_note_list(f->s, f->rec, id, &p, &l), 0);
	assert_int_equal(l->count, 2);
	assert_string_equal(l->items[0].text, "Second\nline two");
	assert_string_equal(l->items[1].text, "First call: good.");
	assert_null(l->next);
	offerapi_note_list_free(l);

	/* never the candidate, never another recruiter; a cursor of another list */
	assert_rc(offerapi_application_note_list(f->s, f->cand, id, NULL, &l), OFFERAPI_EPERM);
	assert_null(l);
	assert_rc(offerapi_application_note_list(f->s, f->rec2, id, NULL, &l), OFFERAPI_EPERM);
	offerapi_id other = apply(f, f->cand2);
	assert_rc(offerapi_application_note_list(f->s, f->rec, other, &p, &l), OFFERAPI_EINVAL);
	p.cursor = NULL;
	assert_rc(offerapi_application_note_list(f->s, f->rec, other, &p, &l), 0);
	assert_int_equal(l->count, 0);
	offerapi_note_list_free(l);
}

/* ---- the dashboard's filter ---- */

static void test_list_by_stage(void **state)
{
	fixture *f = *state;
	offerapi_id a = apply(f, f->cand), b = apply(f, f->cand2);
	assert_rc(set_stage(f, f->rec, b, OFFERAPI_STAGE_REVIEWED), 0);
	offerapi_application_list *l = NULL;
	assert_rc(offerapi_application_list_stage_page(f->s, f->rec, f->offer,
	                                               OFFERAPI_STAGE_REVIEWED, NULL, &l),
	          0);
	assert_int_equal(l->count, 1);
	assert_int_equal(l->items[0].id, b);
	assert_int_equal(l->items[0].stage, OFFERAPI_STAGE_REVIEWED);
	offerapi_application_list_free(l);
	offerapi_page p = OFFERAPI_PAGE_INIT;
	p.flags = OFFERAPI_PAGE_TOTAL;
	assert_rc(offerapi_application_list_stage_page(f->s, f->rec, f->offer,
	                                               OFFERAPI_STAGE_RECEIVED, &p, &l),
	          0);
	assert_int_equal(l->count, 1);
	assert_int_equal(l->total, 1);
	assert_int_equal(l->items[0].id, a);
	offerapi_application_list_free(l);
	assert_rc(offerapi_application_list_stage_page(f->s, f->rec2, f->offer,
	                                               OFFERAPI_STAGE_RECEIVED, NULL, &l),
	          OFFERAPI_EPERM);
	assert_rc(offerapi_application_list_stage_page(f->s, f->cand, f->offer,
	                                               OFFERAPI_STAGE_RECEIVED, NULL, &l),
	          OFFERAPI_EPERM);
	assert_rc(offerapi_application_list_stage_page(f->s, f->rec, f->offer, (offerapi_stage)42,
	                                               NULL, &l),
	          OFFERAPI_EINVAL);
}

/* ---- two changes at once ---- */

typedef struct racer {
	fixture *f;
	offerapi_id id;
	offerapi_stage to;
	pthread_barrier_t *go;
	int rc;
} racer;

static void *race(void *arg)
{
	racer *r = arg;
	offerapi_stage_change ch = OFFERAPI_STAGE_CHANGE_INIT;
	ch.stage = r->to;
	if (r->to == OFFERAPI_STAGE_REJECTED)
		ch.reason = OFFERAPI_REASON_PROFILE;
	pthread_barrier_wait(r->go);
	r->rc = offerapi_application_set_stage(r->f->s, r->f->rec, r->id, &ch);
	return NULL;
}

static void test_concurrent_changes(void **state)
{
	fixture *f = *state;
	enum { N = 4, ROUNDS = 5 };
	for (int round = 0; round < ROUNDS; round++) {
		offerapi_user *u = NULL;
		char login[32];
		snprintf(login, sizeof login, "racer%d", round);
		u = mkuser(f->s, login, OFFERAPI_ROLE_CANDIDATE, NULL, NULL);
		offerapi_id id = apply(f, u);
		offerapi_user_free(u);
		pthread_barrier_t go;
		pthread_barrier_init(&go, NULL, N);
		pthread_t t[N];
		racer r[N];
		const offerapi_stage to[N] = { OFFERAPI_STAGE_REVIEWED, OFFERAPI_STAGE_INTERVIEW,
			                       OFFERAPI_STAGE_REJECTED, OFFERAPI_STAGE_OFFER };
		for (int i = 0; i < N; i++) {
			r[i] = (racer){ f, id, to[i], &go, 0 };
			pthread_create(&t[i], NULL, race, &r[i]);
		}
		int won = 0, conflicts = 0;
		for (int i = 0; i < N; i++) {
			pthread_join(t[i], NULL);
			won += r[i].rc == 0;
			conflicts += r[i].rc == OFFERAPI_ECONFLICT;
		}
		pthread_barrier_destroy(&go);
		/* from received every target is allowed: the first wins; the
		 * others see its stage (a conflict) unless it leaves them a move
		 * forward (reviewed, then interview or offer...): at least one
		 * wins, every failure is a conflict, and the history holds
		 * exactly the wins, chained */
		assert_true(won >= 1);
		assert_int_equal(won + conflicts, N);
		offerapi_stage_history *h = NULL;
		assert_rc(offerapi_application_history(f->s, f->rec, id, &h), 0);
		assert_int_equal(h->count, (size_t)won);
		offerapi_stage prev = OFFERAPI_STAGE_RECEIVED;
		for (size_t i = 0; i < h->count; i++) {
			assert_int_equal(h->items[i].from, prev);
			prev = h->items[i].to;
		}
		assert_int_equal(stage_of(f, f->rec, id), prev);
		offerapi_stage_history_free(h);
	}

	/* the same change N times at once: exactly one wins */
	offerapi_id id = apply(f, f->cand);
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, N);
	pthread_t t[N];
	racer r[N];
	for (int i = 0; i < N; i++) {
		r[i] = (racer){ f, id, OFFERAPI_STAGE_REVIEWED, &go, 0 };
		pthread_create(&t[i], NULL, race, &r[i]);
	}
	int won = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		if (r[i].rc == 0)
			won++;
		else
			assert_int_equal(r[i].rc, OFFERAPI_ECONFLICT);
	}
	pthread_barrier_destroy(&go);
	assert_int_equal(won, 1);
}

/* ---- notifications people control ---- */

static const offerapi_mail_site notify_site = { .version = OFFERAPI_MAIL_SITE_VERSION,
	                                        .from = "jobs@example.org",
	                                        .base_url = "https://jobs.example.org" };

/* The one-click unsubscribe token message @m carries (its params'
 * "unsub"), checked against its rendering's headers. */
static void unsub_of(const offerapi_mail *m, char token[OFFERAPI_TOKEN_SIZE])
{
	const char *p = strstr(m->params, "\"unsub\":\"");
	assert_non_null(p);
	memcpy(token, p + 9, OFFERAPI_TOKEN_SIZE - 1);
	token[OFFERAPI_TOKEN_SIZE - 1] = '\0';
	char *text = NULL, want[160];
	assert_rc(offerapi_mail_render(m, &notify_site, &text, NULL), 0);
	snprintf(want, sizeof want,
	         "List-Unsubscribe: <https://jobs.example.org/unsubscribe?t=%s>,\r\n"
	         " <https://jobs.example.org/me/notifications>\r\n",
	         token);
	if (!strstr(text, want))
		fail_msg("no one-click List-Unsubscribe in:\n%s", text);
	assert_non_null(strstr(text, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
	assert_null(strstr(want, m->recipient)); /* the link tells nothing of the address */
	free(text);
}

/* The next message: of @kind, to @to; its unsubscribe token into @token. */
static void expect_notification(offerapi_store *s, const char *kind, const char *to,
                                char token[OFFERAPI_TOKEN_SIZE])
{
	offerapi_mail *m = next_mail(s);
	if (!m)
		fail_msg("no %s message in the outbox", kind);
	assert_string_equal(m->kind, kind);
	assert_string_equal(m->recipient, to);
	unsub_of(m, token);
	assert_rc(offerapi_mail_done(s, m, true, NULL), 0);
	offerapi_mail_free(m);
}

static offerapi_id offer_with(fixture *f, const char *title, offerapi_notify notify)
{
	offerapi_offer_fields o = { .version = OFFERAPI_OFFER_FIELDS_VERSION,
		                    .title = title,
		                    .description = "C again.",
		                    .notify = notify };
	offerapi_id id = 0;
	assert_rc(offerapi_offer_create(f->s, f->rec, &o, &id), 0);
	return id;
}

static offerapi_notify notify_of(fixture *f, offerapi_id offer)
{
	offerapi_offer *o = NULL;
	assert_rc(offerapi_offer_get(f->s, offer, &o), 0);
	offerapi_notify n = o->notify;
	offerapi_offer_free(o);
	return n;
}

/* The candidate's setting, both ways, read in the change's transaction;
 * its unsubscribe link turns it off, a GET-like peek does not. */
static void test_notify_stages(void **state)
{
	fixture *f = *state;
	bool on = false;
	assert_rc(offerapi_notify_stages_get(f->s, f->cand->id, &on), 0);
	assert_true(on); /* the default */
	offerapi_id id = apply(f, f->cand);
	assert_rc(offerapi_notify_stages_set(f->s, f->cand, false), 0);
	assert_rc(set_stage(f, f->rec, id, OFFERAPI_STAGE_INTERVIEW), 0);
	expect_no_mail(f->s);
	assert_rc(offerapi_notify_stages_set(f->s, f->cand, true), 0);
	assert_rc(set_stage(f, f->rec, id, OFFERAPI_STAGE_OFFER), 0);
	char token[OFFERAPI_TOKEN_SIZE];
	expect_notification(f->s, "stage-offer", "alice@example.org", token);

	offerapi_unsubscribe *u = NULL;
	assert_rc(offerapi_unsubscribe_peek(f->s, token, &u), 0);
	assert_int_equal(u->kind, OFFERAPI_UNSUBSCRIBE_STAGES);
	assert_int_equal(u->user_id, f->cand->id);
	assert_true(u->was_on);
	offerapi_unsubscribe_free(u);
	assert_rc(offerapi_notify_stages_get(f->s, f->cand->id, &on), 0);
	assert_true(on); /* a peek changes nothing */
	assert_rc(offerapi_unsubscribe_apply(f->s, token, &u), 0);
	assert_true(u->was_on);
	offerapi_unsubscribe_free(u);
	assert_rc(offerapi_notify_stages_get(f->s, f->cand->id, &on), 0);
	assert_false(on);
	assert_rc(offerapi_unsubscribe_apply(f->s, token, &u), 0); /* again: no harm */
	assert_false(u->was_on);
	offerapi_unsubscribe_free(u);
	assert_rc(set_stage(f, f->rec, id, OFFERAPI_STAGE_HIRED), 0);
	expect_no_mail(f->s);
	/* it turned off the stages, not the recruiter's offers */
	assert_int_equal(notify_of(f, f->offer), OFFERAPI_NOTIFY_DAILY);
}

/* "each": one message per application in its transaction; its link turns
 * off that offer only; forged and malformed tokens do nothing. */
static void test_notify_each_unsubscribe(void **state)
{
	fixture *f = *state;
	offerapi_id o1 = offer_with(f, "Poste un", OFFERAPI_NOTIFY_UNSET);
	offerapi_id o2 = offer_with(f, "Poste deux", OFFERAPI_NOTIFY_EACH);
	assert_int_equal(notify_of(f, o1), OFFERAPI_NOTIFY_EACH); /* the default */
	f->offer = o1;
	apply(f, f->cand);
	char token[OFFERAPI_TOKEN_SIZE];
	expect_notification(f->s, "application-received", "rh@example.org", token);

	offerapi_unsubscribe *u = NULL;
	char forged[OFFERAPI_TOKEN_SIZE];
	memset(forged, 'a', sizeof forged - 1);
	forged[sizeof forged - 1] = '\0';
	assert_rc(offerapi_unsubscribe_apply(f->s, forged, &u), OFFERAPI_ENOTFOUND);
	assert_rc(offerapi_unsubscribe_apply(f->s, "not-a-token", &u), OFFERAPI_EINVAL);
	assert_rc(offerapi_unsubscribe_peek(f->s, "", &u), OFFERAPI_EINVAL);
	assert_null(u);
	assert_rc(offerapi_unsubscribe_peek(f->s, token, &u), 0);
	assert_int_equal(u->kind, OFFERAPI_UNSUBSCRIBE_OFFER);
	assert_int_equal(u->offer_id, o1);
	assert_string_equal(u->offer_title, "Poste un");
	offerapi_unsubscribe_free(u);
	assert_int_equal(notify_of(f, o1), OFFERAPI_NOTIFY_EACH);
	assert_rc(offerapi_unsubscribe_apply(f->s, token, &u), 0);
	offerapi_unsubscribe_free(u);
	assert_int_equal(notify_of(f, o1), OFFERAPI_NOTIFY_NONE);
	assert_int_equal(notify_of(f, o2), OFFERAPI_NOTIFY_EACH); /* that offer only */
	apply(f, f->cand2);
	expect_no_mail(f->s);
	f->offer = o2;
	apply(f, f->cand2);
	expect_notification(f->s, "application-received", "rh@example.org", token);

	/* the setting on update: kept when unset, changed when given */
	offerapi_offer_fields e = { .version = OFFERAPI_OFFER_FIELDS_VERSION,
		                    .title = "Poste deux",
		                    .description = "C again." };
	assert_rc(offerapi_offer_update(f->s, f->rec, o2, &e), 0);
	assert_int_equal(notify_of(f, o2), OFFERAPI_NOTIFY_EACH);
	e.notify = OFFERAPI_NOTIFY_DAILY;
	assert_rc(offerapi_offer_update(f->s, f->rec, o2, &e), 0);
	assert_int_equal(notify_of(f, o2), OFFERAPI_NOTIFY_DAILY);
	e.notify = (offerapi_notify)7;
	assert_rc(offerapi_offer_update(f->s, f->rec, o2, &e), OFFERAPI_EINVAL);
	e.notify = OFFERAPI_NOTIFY_NONE;
	assert_rc(offerapi_offer_update(f->s, f->rec2, o2, &e), OFFERAPI_EPERM);
	assert_int_equal(notify_of(f, o2), OFFERAPI_NOTIFY_DAILY);
}

typedef struct digester {
	offerapi_store *s;
	pthread_barrier_t *go;
	int written, rc;
} digester;

static void *digest_race(void *arg)
{
	digester *d = arg;
	pthread_barrier_wait(d->go);
	d->rc = offerapi_mail_digest_run(d->s, &d->written);
	return NULL;
}

/* Two stores (two servers) run the digest at once: one writes it. */
static int digest_twice_at_once(fixture *f)
{
	offerapi_store_options o = testdb_options();
	offerapi_store *s2 = NULL;
	assert_rc(offerapi_store_open(&s2, f->db.url, &o), 0);
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, 2);
	digester d[2] = { { f->s, &go, 0, 0 }, { s2, &go, 0, 0 } };
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, digest_race, &d[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&go);
	offerapi_store_free(s2);
	assert_rc(d[0].rc, 0);
	assert_rc(d[1].rc, 0);
	return d[0].written + d[1].written;
}

/* "daily": nothing per application; one digest a day listing the new
 * applications since the last one, claimed once across stores; none when
 * there is nothing new. The clock is moved, not waited for. */
static void test_notify_digest(void **state)
{
	fixture *f = *state; /* f->offer is "daily" */
	offerapi_id a1 = apply(f, f->cand), a2 = apply(f, f->cand2);
	expect_no_mail(f->s);
	assert_int_equal(digest_twice_at_once(f), 1);
	offerapi_mail *m = next_mail(f->s);
	assert_non_null(m);
	assert_string_equal(m->kind, "application-digest");
	assert_string_equal(m->recipient, "rh@example.org");
	char *text = NULL, l1[96], l2[96], token[OFFERAPI_TOKEN_SIZE];
	assert_rc(offerapi_mail_render(m, &notify_site, &text, NULL), 0);
	snprintf(l1, sizeof l1, "\"app\":\"%lld\"", (long long)a1);
	snprintf(l2, sizeof l2, "\"app\":\"%lld\"", (long long)a2);
	assert_non_null(strstr(m->params, l1));
	assert_non_null(strstr(m->params, l2));
	free(text);
	unsub_of(m, token);
	assert_rc(offerapi_mail_done(f->s, m, true, NULL), 0);
	offerapi_mail_free(m);

	/* the same day: a new application waits */
	offerapi_user *c3 = mkuser(f->s, "carol", OFFERAPI_ROLE_CANDIDATE, NULL, NULL);
	offerapi_id a3 = apply(f, c3);
	offerapi_user_free(c3);
	int n = -1;
	assert_rc(offerapi_mail_digest_run(f->s, &n), 0);
	assert_int_equal(n, 0);
	expect_no_mail(f->s);
	/* a day later: a digest of that one only */
	oa_test_clock_advance(OFFERAPI_DIGEST_PERIOD_MS + 1000);
	assert_int_equal(digest_twice_at_once(f), 1);
	m = next_mail(f->s);
	assert_non_null(m);
	snprintf(l2, sizeof l2, "\"app\":\"%lld\"", (long long)a3);
	assert_non_null(strstr(m->params, l2));
	assert_null(strstr(m->params, l1));
	assert_rc(offerapi_mail_done(f->s, m, true, NULL), 0);
	offerapi_mail_free(m);
	/* another day, nothing new: no digest */
	oa_test_clock_advance(OFFERAPI_DIGEST_PERIOD_MS + 1000);
	assert_rc(offerapi_mail_digest_run(f->s, &n), 0);
	assert_int_equal(n, 0);
	expect_no_mail(f->s);

	/* the digest's link: every "daily" offer of the recruiter to "none" */
	offerapi_unsubscribe *u = NULL;
	assert_rc(offerapi_unsubscribe_apply(f->s, token, &u), 0);
	assert_int_equal(u->kind, OFFERAPI_UNSUBSCRIBE_DIGEST);
	offerapi_unsubscribe_free(u);
	assert_int_equal(notify_of(f, f->offer), OFFERAPI_NOTIFY_NONE);
	oa_test_clock_advance(-oa_test_clock_advance(0));
}

/* ---- the migration ---- */

static void test_migration(void **state)
{
	(void)state;
	testdb t;
	testdb_create(&t);
	offerapi_store_options o = testdb_options();
	offerapi_store *s = NULL;
	/* before the stages: migration 9 added them, and a released migration
	 * keeps its number */
	assert_rc(store_open_upto(&s, t.url, &o, 8), 0);
	offerapi_user *rec = mkuser(s, "rhh", OFFERAPI_ROLE_RECRUITER, NULL, NULL);
	offerapi_user *cand = mkuser(s, "alice", OFFERAPI_ROLE_CANDIDATE, NULL, NULL);
	/* the offer and application rows as the code before the stages wrote them */
	db_conn *c;
	db_result *res = NULL;
	assert_rc(store_conn(s, &c), 0);
	assert_rc(db_exec(c,
	                  "INSERT INTO offers (recruiter_id, title, description, location, skills,"
	                  " questions, search_text, location_fold, skills_fold, published_at,"
	                  " updated_at) VALUES ($1, 'Dev', 'C', 'Lyon', '[]', '[]', 'dev c',"
	                  " 'lyon', '', 1700000000, 1700000000) RETURNING id",
	                  (db_param[]){ P_INT(rec->id) }, 1, &res),
	          0);
	offerapi_id offer = db_int(res, 0, 0);
	db_result_free(res);
	assert_rc(db_exec(c,
	                  "INSERT INTO applications (offer_id, candidate_id, filename, pdf_size,"
	                  " answers, nanswers, created_at) VALUES ($1, $2, 'cv.pdf', 10, '[]', 0,"
	                  " 1700000000)",
	                  (db_param[]){ P_INT(offer), P_INT(cand->id) }, 2, NULL),
	          0);
	db_release(s->pool, c);
	offerapi_store_free(s);

	s = NULL;
	assert_rc(offerapi_store_open(&s, t.url, &o), 0);
	assert_int_equal(offerapi_store_schema_version(s), offerapi_store_schema_latest());
	offerapi_application_list *l = NULL;
	assert_rc(offerapi_application_list_stage_page(s, rec, offer, OFFERAPI_STAGE_RECEIVED, NULL,
	                                               &l),
	          0);
	assert_int_equal(l->count, 1);
	assert_int_equal(l->items[0].stage, OFFERAPI_STAGE_RECEIVED);
	assert_int_equal(l->items[0].stage_at, 1700000000);
	offerapi_stage_change ch = OFFERAPI_STAGE_CHANGE_INIT;
	ch.stage = OFFERAPI_STAGE_REVIEWED;
	assert_rc(offerapi_application_set_stage(s, rec, l->items[0].id, &ch), 0);
	offerapi_application_list_free(l);
	offerapi_user_free(rec);
	offerapi_user_free(cand);
	testdb_close(&t, s);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		testdb_backend = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_and_rules),
		cmocka_unit_test_setup_teardown(test_flow_history_mail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reject_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(test_withdraw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_rejecting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_by_stage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notify_stages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notify_each_unsubscribe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notify_digest, setup, teardown),
		cmocka_unit_test(test_migration),
	};
	char name[64];
	snprintf(name, sizeof name, "stages-%s", testdb_backend);
	return cmocka_run_group_tests_name(name, tests, NULL, NULL);
}
