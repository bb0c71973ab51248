/*
 * test_privacy.c - CVs encrypted at rest (issue 16): a database file or dump
 * reveals no CV sentence, a missing or wrong key is an error at opening, a
 * rotation re-wraps the data key, the plaintext CVs of an older store are
 * sealed, and a sealed value moved to another row does not open. The export
 * of one's data (export.h) holds the CV as sent, refuses what it must, stops
 * at the writer's word and never ends a failed archive like a whole one.
 * argv[1] names the backend.
 */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include <offerapi/offerapi.h>

#include "pdfgen.h"
#include "store_internal.h"
#include "testdb.h"

/* Sentences of the CVs; no other part of a store holds them. */
#define SENTENCE "Tricoteuse quantique certifiee a Brest depuis 2019"
#define SENTENCE2 "Souffleur de verre pour sondes spatiales a Toulouse"
#define TITLE "Offre temoin visible en clair"

/* Everything the database holds, as a copy or a backup would: the SQLite
 * file and its WAL, or a pg_dump. malloc'd, *len bytes. */
static char *dump(const testdb *t, size_t *len)
{
	char cmd[1600];
	if (strcmp(testdb_backend, "sqlite") == 0)
		snprintf(cmd, sizeof cmd, "cat '%s/test.db' '%s/test.db-wal' 2>/dev/null", t->dir,
		         t->dir);
	else
		snprintf(cmd, sizeof cmd, "'%s/pg_dump' --no-owner '%s'",
		         getenv("PG_BINDIR") ? getenv("PG_BINDIR") : "/usr/lib/postgresql/15/bin",
		         t->url);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t cap = 1 << 20, n = 0;
	char *b = malloc(cap);
	size_t got;
	while ((got = fread(b + n, 1, cap - n, p)) > 0) {
		n += got;
		if (n == cap)
			b = realloc(b, cap *= 2);
		assert_non_null(b);
	}
	int st = pclose(p);
	if (strcmp(testdb_backend, "sqlite") != 0)
		assert_int_equal(st, 0);
	*len = n;
	return b;
}

/* Whether @what appears in the dump as text or as hexadecimal (pg_dump
 * writes a bytea as \x and hex digits). */
static bool in_dump(const char *d, size_t n, const char *what)
{
	if (memmem(d, n, what, strlen(what)))
		return true;
	char hex[256] = "";
	for (size_t i = 0; what[i] && i < 100; i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)what[i]);
	return memmem(d, n, hex, strlen(hex)) != NULL;
}

static bool dump_has(const testdb *t, const char *what)
{
	size_t n;
	char *d = dump(t, &n);
	bool found = in_dump(d, n, what);
	free(d);
	return found;
}

typedef struct fixture {
	testdb db;
	offerapi_store *s;
	offerapi_user *rec, *cand;
	offerapi_id offer;
	char *pdf;
	size_t pdf_len;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	f->s = testdb_open_new(&f->db);
	f->rec = testdb_user(f->s, "rh@example.org", OFFERAPI_ROLE_RECRUITER);
	f->cand = testdb_user(f->s, "cand@example.org", OFFERAPI_ROLE_CANDIDATE);
	offerapi_offer_fields of = { .version = OFFERAPI_OFFER_FIELDS_VERSION,
		                     .title = TITLE,
		                     .description = "C." };
	assert_rc(offerapi_offer_create(f->s, f->rec, &of, &f->offer), 0);
	const char *lines[] = { "Curriculum vitae", SENTENCE, "Langues : breton" };
	f->pdf = pdfgen_text(lines, 3, 1, &f->pdf_len);
	/* the PDF holds the sentence as bytes: a plaintext copy would show */
	assert_non_null(memmem(f->pdf, f->pdf_len, SENTENCE, strlen(SENTENCE)));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	offerapi_user_free(f->rec);
	offerapi_user_free(f->cand);
	testdb_close(&f->db, f->s);
	free(f->pdf);
	free(f);
	return 0;
}

static offerapi_id apply(fixture *f, offerapi_store *s, const offerapi_user *cand)
{
	return testdb_submit(s, cand, f->offer, f->pdf, f->pdf_len);
}

/* The CV of @id reads back whole through the public calls. */
static void check_cv(fixture *f, offerapi_store *s, offerapi_id id, const char *sentence)
{
	offerapi_application *a;
	assert_rc(offerapi_application_get(s, f->rec, id, &a), 0);
	assert_non_null(strstr(a->cv_text, sentence));
	offerapi_application_free(a);
	void *pdf;
	size_t len;
	assert_rc(offerapi_application_pdf(s, f->rec, id, &pdf, &len), 0);
	assert_non_null(memmem(pdf, len, sentence, strlen(sentence)));
	offerapi_free(pdf);
}

static void test_sealed_at_rest(void **state)
{
	fixture *f = *state;
	offerapi_id id = apply(f, f->s, f->cand);
	check_cv(f, f->s, id, SENTENCE);
	offerapi_application_list *l;
	assert_rc(offerapi_application_list_offer(f->s, f->rec, f->offer, NULL,
	                                          OFFERAPI_LIST_WITH_TEXT, &l),
	          0);
	assert_int_equal(l->count, 1);
	assert_non_null(strstr(l->items[0].cv_text, SENTENCE));
	offerapi_application_list_free(l);
	/* a copy taken while the store is open, then after it is closed */
	assert_true(dump_has(&f->db, TITLE)); /* the search sees the database */
	assert_false(dump_has(&f->db, SENTENCE));
	assert_false(dump_has(&f->db, "Langues : breton"));
	offerapi_store_free(f->s);
	f->s = testdb_open(&f->db);
	assert_false(dump_has(&f->db, SENTENCE));
	check_cv(f, f->s, id, SENTENCE);
}

/* Open @url with @key_file; the error code. */
static int open_with(const testdb *t, const char *key_file)
{
	offerapi_store_options o = testdb_options();
	o.data_key_file = key_file;
	offerapi_store *s = NULL;
	int rc = offerapi_store_open(&s, t->url, &o);
	offerapi_store_free(s);
	return rc;
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void test_missing_or_wrong_key(void **state)
{
	fixture *f = *state;
	offerapi_id id = apply(f, f->s, f->cand);
	offerapi_store_free(f->s);
	f->s = NULL;
	char other[300], key[300];
	snprintf(other, sizeof other, "/tmp/offerapi-test-other-%ld.key", (long)getpid());
	unlink(other);
	assert_rc(offerapi_data_key_create(other), 0);
	assert_rc(offerapi_data_key_create(other), OFFERAPI_EEXISTS); /* never overwritten */
	struct stat st;
	assert_int_equal(stat(other, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* another key: refused, naming the file */
	assert_rc(open_with(&f->db, other), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, other));
	assert_non_null(strstr(offerapi_error_last()->message, "does not open"));
	/* not a key */
	static const char *const not_keys[] = {
		"not a key\n",
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddee\n", /* 62 */
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeef\n", /* 63 */
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00\n", /* 66 */
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff x\n",
	};
	for (size_t i = 0; i < sizeof not_keys / sizeof *not_keys; i++) {
		write_file(other, not_keys[i]);
		assert_rc(open_with(&f->db, other), OFFERAPI_EINVAL);
		assert_non_null(strstr(offerapi_error_last()->message, "64 hexadecimal"));
	}
	unlink(other);
	assert_rc(open_with(&f->db, other), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "No such file"));
	if (strcmp(testdb_backend, "sqlite") == 0) {
		/* the default key beside the file: made at the first opening,
		 * mode 0600; without it the store does not open, and it is not
		 * made again over encrypted CVs */
		snprintf(key, sizeof key, "%s/test.db.key", f->db.dir);
		assert_int_equal(stat(key, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
		assert_int_equal(rename(key, other), 0);
		assert_rc(open_with(&f->db, NULL), OFFERAPI_EINVAL);
		assert_non_null(strstr(offerapi_error_last()->message, "is missing"));
		assert_int_not_equal(access(key, F_OK), 0);
		assert_int_equal(rename(other, key), 0);
	} else {
		assert_rc(open_with(&f->db, NULL), OFFERAPI_EINVAL);
		assert_non_null(strstr(offerapi_error_last()->message, "--data-key-file"));
	}
	f->s = testdb_open(&f->db);
	check_cv(f, f->s, id, SENTENCE);
}

static void test_rotation(void **state)
{
	fixture *f = *state;
	offerapi_id id = apply(f, f->s, f->cand);
	const char *old = offerapi_store_data_key_file(f->s);
	assert_non_null(old);
	char oldk[300], newk[300];
	snprintf(oldk, sizeof oldk, "%s", old);
	snprintf(newk, sizeof newk, "/tmp/offerapi-test-new-%ld.key", (long)getpid());
	unlink(newk);
	assert_rc(offerapi_store_rotate_key(f->s, newk), OFFERAPI_EINVAL); /* no file yet */
	assert_rc(offerapi_data_key_create(newk), 0);
	db_result *r = NULL;
	assert_rc(store_exec(f->s, "SELECT pdf FROM cv_sealed WHERE application_id = $1",
	                     (db_param[]){ P_INT(id) }, 1, &r),
	          0);
	char *before = malloc(r->cells[0].len);
	size_t before_len = r->cells[0].len;
	memcpy(before, r->cells[0].data, before_len);
	db_result_free(r);
	assert_rc(offerapi_store_rotate_key(f->s, newk), 0);
	check_cv(f, f->s, id, SENTENCE); /* a running store keeps working */
	offerapi_store_free(f->s);
	f->s = NULL;
	assert_rc(open_with(&f->db, oldk), OFFERAPI_EINVAL);
	offerapi_store_options o = testdb_options();
	o.data_key_file = newk;
	assert_rc(offerapi_store_open(&f->s, f->db.url, &o), 0);
	check_cv(f, f->s, id, SENTENCE);
	/* no CV was re-encrypted: the sealed bytes are those of before */
	assert_rc(store_exec(f->s, "SELECT pdf FROM cv_sealed WHERE application_id = $1",
	                     (db_param[]){ P_INT(id) }, 1, &r),
	          0);
	assert_int_equal(r->cells[0].len, before_len);
	assert_memory_equal(r->cells[0].data, before, before_len);
	db_result_free(r);
	free(before);
	if (strcmp(testdb_backend, "sqlite") == 0)
		assert_int_equal(rename(newk, oldk), 0); /* the default path, for teardown */
	else
		unlink(newk);
}

static void test_moved_value_does_not_open(void **state)
{
	fixture *f = *state;
	offerapi_id a = apply(f, f->s, f->cand);
	offerapi_user *c2 = testdb_user(f->s, "c2@example.org", OFFERAPI_ROLE_CANDIDATE);
	offerapi_id b = apply(f, f->s, c2);
	offerapi_user_free(c2);
	/* b's text row now holds a's sealed text */
	assert_rc(store_exec(f->s,
	                     "UPDATE cv_sealed SET cv_text = (SELECT cv_text FROM cv_sealed"
	                     " WHERE application_id = $1) WHERE application_id = $2",
	                     (db_param[]){ P_INT(a), P_INT(b) }, 2, NULL),
	          0);
	offerapi_application *g;
	assert_rc(offerapi_application_get(f->s, f->rec, b, &g), OFFERAPI_ERROR);
	assert_non_null(strstr(offerapi_error_last()->message, "does not open"));
	check_cv(f, f->s, a, SENTENCE);
}

/* A store as the code before the sealed CVs (migration 5) left it: CVs in plain text in
 * application_cvs. Opening it with a key seals them and leaves no copy. */
/* A user as schema 3 stored one (the library of today writes columns that
 * schema 3 lacks, e-mail among them). The password hash is never checked
 * here. */
static offerapi_user *old_user(offerapi_store *s, const char *login, offerapi_role role)
{
	db_result *r = NULL;
	assert_rc(store_exec(
			  s,
			  "INSERT INTO users (login, display_name, role, password_hash, created_at)"
			  " VALUES ($1, $1, $2, 'x', 1700000000) RETURNING id",
			  (db_param[]){ P_TEXT(login), P_INT(role) }, 2, &r),
	          0);
	offerapi_user *u = calloc(1, sizeof *u);
	assert_non_null(u);
	u->id = db_int(r, 0, 0);
	u->login = strdup(login);
	u->display_name = strdup(login);
	u->role = role;
	db_result_free(r);
	return u;
}

static void test_plaintext_store_sealed(void **state)
{
	fixture *f = *state;
	offerapi_store_free(f->s);
	f->s = NULL;
	testdb_destroy(&f->db);
	testdb_create(&f->db);
	offerapi_store_options o = testdb_options();
	offerapi_store *s;
	assert_rc(store_open_upto(&s, f->db.url, &o, 3), 0);
	offerapi_user *rec = old_user(s, "rh@example.org", OFFERAPI_ROLE_RECRUITER);
	offerapi_user *cand = old_user(s, "cand@example.org", OFFERAPI_ROLE_CANDIDATE);
	/* an offer as schema 3 stored one (today's columns came later) */
	db_result *r = NULL;
	assert_rc(store_exec(s,
	                     "INSERT INTO offers (recruiter_id, title, description, location,"
	                     " skills, questions, search_text, location_fold, skills_fold,"
	                     " published_at, updated_at, is_open) VALUES ($1, $2, 'C.', '',"
	                     " '[]', '[]', '', '', '\n', 1700000000, 1700000000, 1) RETURNING id",
	                     (db_param[]){ P_INT(rec->id), P_TEXT(TITLE) }, 2, &r),
	          0);
	f->offer = db_int(r, 0, 0);
	db_result_free(r);
	r = NULL;
	assert_rc(
		store_exec(s,
	                   "INSERT INTO applications (offer_id, candidate_id, filename, pdf_size,"
	                   " answers, nanswers, created_at) VALUES ($1, $2, 'cv.pdf', $3, '[]', 0,"
	                   " 1700000000) RETURNING id",
	                   (db_param[]){ P_INT(f->offer), P_INT(cand->id),
	                                 P_INT((int64_t)f->pdf_len) },
	                   3, &r),
		0);
	offerapi_id id = db_int(r, 0, 0);
	db_result_free(r);
	assert_rc(store_exec(s,
	                     "INSERT INTO application_cvs (application_id, pdf, cv_text)"
	                     " VALUES ($1, $2, $3)",
	                     (db_param[]){ P_INT(id), P_BLOB(f->pdf, f->pdf_len),
	                                   P_TEXT("CV\n" SENTENCE2 "\n") },
	                     3, NULL),
	          0);
	offerapi_user_free(cand);
	offerapi_store_free(s);
	/* the plain text is there to be found before */
	assert_true(dump_has(&f->db, SENTENCE2));
	assert_true(dump_has(&f->db, SENTENCE));
	f->s = testdb_open(&f->db);
	offerapi_user_free(f->rec);
	f->rec = rec;
	void *pdf;
	size_t len;
	assert_rc(offerapi_application_pdf(f->s, f->rec, id, &pdf, &len), 0);
	assert_int_equal(len, f->pdf_len);
	assert_memory_equal(pdf, f->pdf, len);
	offerapi_free(pdf);
	offerapi_application *a;
	assert_rc(offerapi_application_get(f->s, f->rec, id, &a), 0);
	assert_string_equal(a->cv_text, "CV\n" SENTENCE2 "\n");
	offerapi_application_free(a);
	int64_t n = -1;
	assert_rc(store_count(f->s, " FROM application_cvs", NULL, 0, &n), 0);
	assert_int_equal(n, 0);
	assert_false(dump_has(&f->db, SENTENCE2));
	assert_false(dump_has(&f->db, SENTENCE));
}

/* PostgreSQL without a key: the store opens, but takes no CV. */
static void test_no_key_no_cv(void **state)
{
	fixture *f = *state;
	if (strcmp(testdb_backend, "sqlite") == 0)
		return; /* SQLite always has its default key */
	testdb t;
	testdb_create(&t);
	offerapi_store_options o = testdb_options();
	o.data_key_file = NULL;
	offerapi_store *s;
	assert_rc(offerapi_store_open(&s, t.url, &o), 0);
	assert_null(offerapi_store_data_key_file(s));
	offerapi_user *rec = old_user(s, "rh@example.org", OFFERAPI_ROLE_RECRUITER);
	offerapi_user *cand = old_user(s, "cand@example.org", OFFERAPI_ROLE_CANDIDATE);
	offerapi_offer_fields of = { .version = OFFERAPI_OFFER_FIELDS_VERSION,
		                     .title = TITLE,
		                     .description = "C." };
	offerapi_id offer, id;
	assert_rc(offerapi_offer_create(s, rec, &of, &offer), 0);
	offerapi_application_input in = { .version = OFFERAPI_APPLICATION_INPUT_VERSION,
		                          .filename = "cv.pdf",
		                          .pdf = f->pdf,
		                          .pdf_len = f->pdf_len };
	assert_rc(offerapi_application_submit(s, cand, offer, &in, &id), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "no data key"));
	offerapi_user_free(rec);
	offerapi_user_free(cand);
	testdb_close(&t, s);
}

/* ---- the export (export.h) ---- */

/* An archive in memory; @refuse_at: the call that says stop (0: none). */
typedef struct sink {
	char *data;
	size_t len;
	unsigned calls, refuse_at;
} sink;

static int sink_write(const void *data, size_t len, void *payload)
{
	sink *k = payload;
	if (++k->calls == k->refuse_at)
		return -1;
	k->data = realloc(k->data, k->len + len);
	assert_non_null(k->data);
	memcpy(k->data + k->len, data, len);
	k->len += len;
	return 0;
}

/* The zip's end of central directory record: a whole archive ends with it. */
static bool zip_whole(const sink *k)
{
	return k->len >= 22 && memmem(k->data + k->len - 22, 22, "PK\x05\x06", 4) != NULL;
}

/* @gz inflated (a tar); malloc'd, *len bytes. */
static char *gunzip(const sink *gz, size_t *len)
{
	z_stream z = { 0 };
	assert_int_equal(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
	size_t cap = 1 << 20;
	char *out = malloc(cap);
	assert_non_null(out);
	z.next_in = (Bytef *)gz->data;
	z.avail_in = (uInt)gz->len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	*len = z.total_out;
	inflateEnd(&z);
	return out;
}

static void test_export_refusals(void **state)
{
	fixture *f = *state;
	offerapi_export_format fmt;
	assert_rc(offerapi_export_format_parse(&fmt, NULL), 0);
	assert_int_equal(fmt, OFFERAPI_EXPORT_ZIP);
	assert_rc(offerapi_export_format_parse(&fmt, "tar.gz"), 0);
	assert_int_equal(fmt, OFFERAPI_EXPORT_TAR_GZ);
	assert_rc(offerapi_export_format_parse(&fmt, "rar"), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "format"));
	assert_string_equal(offerapi_export_format_media_type(OFFERAPI_EXPORT_TAR_GZ),
	                    "application/gzip");

	sink k = { 0 };
	assert_rc(
		offerapi_user_export(f->s, f->cand->id, (offerapi_export_format)7, sink_write, &k),
		OFFERAPI_EINVAL);
	assert_rc(offerapi_user_export(f->s, f->cand->id, OFFERAPI_EXPORT_ZIP, NULL, &k),
	          OFFERAPI_EINVAL);
	assert_rc(offerapi_user_export(f->s, 987654, OFFERAPI_EXPORT_ZIP, sink_write, &k),
	          OFFERAPI_ENOTFOUND);
	assert_int_equal(k.calls, 0); /* nothing written: the caller may still answer */

	apply(f, f->s, f->cand);
	k.refuse_at = 1; /* the receiver is gone at the first block */
	assert_rc(offerapi_user_export(f->s, f->cand->id, OFFERAPI_EXPORT_ZIP, sink_write, &k),
	          OFFERAPI_ERROR);
	assert_non_null(strstr(offerapi_error_last()->message, "refused"));
	assert_int_equal(k.calls, 1); /* and is never written to again */
	free(k.data);
}

/* The tar.gz holds the PDF as sent and its text; a recruiter's, the offer. */
static void test_export_contents(void **state)
{
	fixture *f = *state;
	offerapi_id a = apply(f, f->s, f->cand);
	sink k = { 0 };
	assert_rc(offerapi_user_export(f->s, f->cand->id, OFFERAPI_EXPORT_TAR_GZ, sink_write, &k),
	          0);
	size_t n;
	char *tar = gunzip(&k, &n);
	char name[64];
	snprintf(name, sizeof name, "cv/application-%lld.pdf", (long long)a);
	assert_non_null(memmem(tar, n, name, strlen(name)));
	assert_non_null(memmem(tar, n, f->pdf, f->pdf_len)); /* byte for byte */
	assert_non_null(memmem(tar, n, SENTENCE, strlen(SENTENCE)));
	assert_non_null(memmem(tar, n, "\"login\": \"cand@example.org\"", 27));
	assert_non_null(memmem(tar, n, TITLE, strlen(TITLE)));
	free(tar);
	free(k.data);

	offerapi_offer_fields of = { .version = OFFERAPI_OFFER_FIELDS_VERSION,
		                     .title = "Offre archivee temoin",
		                     .description = "C." };
	offerapi_id gone;
	int applied;
	assert_rc(offerapi_offer_create(f->s, f->rec, &of, &gone), 0);
	assert_rc(offerapi_offer_archive(f->s, f->rec, gone, 0, &applied), 0);
	k = (sink){ 0 };
	assert_rc(offerapi_user_export(f->s, f->rec->id, OFFERAPI_EXPORT_TAR_GZ, sink_write, &k),
	          0);
	tar = gunzip(&k, &n);
	assert_non_null(memmem(tar, n, "offers.json", 11));
	assert_non_null(memmem(tar, n, TITLE, strlen(TITLE)));
	assert_non_null(memmem(tar, n, "Offre archivee temoin", 21)); /* archived, kept */
	assert_null(memmem(tar, n, "cand@example.org", 16)); /* no candidate's data */
	assert_null(memmem(tar, n, "applications.json", 17));
	free(tar);
	free(k.data);
}

/* A CV that does not open stops the export with the library's error, and
 * what was written does not end like a whole zip (a good one does). */
static void test_export_failure_not_whole(void **state)
{
	fixture *f = *state;
	sink good = { 0 };
	assert_rc(offerapi_user_export(f->s, f->cand->id, OFFERAPI_EXPORT_ZIP, sink_write, &good),
	          0);
	assert_true(zip_whole(&good));
	free(good.data);
	offerapi_id a = apply(f, f->s, f->cand);
	offerapi_user *c2 = testdb_user(f->s, "c2@example.org", OFFERAPI_ROLE_CANDIDATE);
	offerapi_id b = apply(f, f->s, c2);
	assert_rc(store_exec(f->s,
	                     "UPDATE cv_sealed SET pdf = (SELECT pdf FROM cv_sealed"
	                     " WHERE application_id = $1) WHERE application_id = $2",
	                     (db_param[]){ P_INT(a), P_INT(b) }, 2, NULL),
	          0);
	sink k = { 0 };
	assert_rc(offerapi_user_export(f->s, c2->id, OFFERAPI_EXPORT_ZIP, sink_write, &k),
	          OFFERAPI_ERROR);
	assert_non_null(strstr(offerapi_error_last()->message, "does not open"));
	assert_false(zip_whole(&k));
	offerapi_user_free(c2);
	free(k.data);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		testdb_backend = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sealed_at_rest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_or_wrong_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_moved_value_does_not_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plaintext_store_sealed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_key_no_cv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_contents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_failure_not_whole, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
