/*
 * test_sqlite_faults.c - SQLite-only faults: a database file that is
 * read-only, and one that another process holds locked. Each must give a
 * clear error and lose nothing.
 */
#include <pthread.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include <offerapi/offerapi.h>

#include "pdfgen.h"
#include "testdb.h"

/* Fill a store with one recruiter and one offer, then close it. */
static void seed(const char *url)
{
	offerapi_store_options o = testdb_options();
	offerapi_store *s;
	assert_rc(offerapi_store_open(&s, url, &o), 0);
	offerapi_user *rec = testdb_user(s, "rec", OFFERAPI_ROLE_RECRUITER);
	offerapi_offer_fields f = {
		.version = OFFERAPI_OFFER_FIELDS_VERSION,
		.title = "Kept",
		.description = "Must survive",
		.location = "",
	};
	offerapi_id id;
	assert_rc(offerapi_offer_create(s, rec, &f, &id), 0);
	offerapi_user_free(rec);
	offerapi_store_free(s);
}

/* In a child process that cannot write the file (root ignores file modes,
 * so the child drops to "nobody" first): reads work, writes fail with
 * OFFERAPI_EREADONLY and a message saying so. Returns the child's verdict. */
static int readonly_child(const char *url)
{
	if (getuid() == 0) {
		struct passwd *pw = getpwnam("nobody");
		if (!pw || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
			fprintf(stderr, "cannot drop to nobody\n");
			return 10;
		}
	}
	offerapi_store_options o = testdb_options();
	offerapi_store *s;
	if (offerapi_store_open(&s, url, &o) != 0) {
		fprintf(stderr, "open read-only: %s\n", offerapi_error_last()->message);
		return 11;
	}
	offerapi_offer_list *l;
	if (offerapi_offer_search(s, NULL, &l) != 0 || l->count != 1 ||
	    strcmp(l->items[0].title, "Kept") != 0) {
		fprintf(stderr, "read: %s\n", offerapi_error_last()->message);
		return 12;
	}
	offerapi_offer_list_free(l);
	int rc = offerapi_user_create(s, "newbie", "New", "password1", OFFERAPI_ROLE_CANDIDATE,
	                              NULL);
	if (rc != OFFERAPI_EREADONLY || !strstr(offerapi_error_last()->message, "read-only")) {
		fprintf(stderr, "write gave %d: %s\n", rc, offerapi_error_last()->message);
		return 13;
	}
	offerapi_store_free(s);
	return 0;
}

static void test_readonly_file(void **state)
{
	(void)state;
	testdb db;
	testdb_create(&db);
	seed(db.url);
	char path[512];
	snprintf(path, sizeof path, "%s/test.db", db.dir);
	/* the folder stays writable for SQLite's -shm file; the database is not */
	assert_int_equal(chmod(db.dir, 0777), 0);
	assert_int_equal(chmod(path, 0444), 0);
	/* the child runs as "nobody": let it read the data key file too */
	char key[520];
	snprintf(key, sizeof key, "%s.key", path);
	assert_int_equal(chmod(key, 0444), 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(readonly_child(db.url));
	int st;
	waitpid(pid, &st, 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	chmod(path, 0644);
	testdb_destroy(&db);
}

static void test_locked_file(void **state)
{
	(void)state;
	testdb db;
	testdb_create(&db);
	seed(db.url);
	char path[512];
	snprintf(path, sizeof path, "%s/test.db", db.dir);

	offerapi_store_options o = testdb_options();
	o.busy_timeout_ms = 300;
	offerapi_store *s;
	assert_rc(offerapi_store_open(&s, db.url, &o), 0);

	/* another writer holds the write lock */
	sqlite3 *other;
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);

	int rc = offerapi_user_create(s, "waiting", "W", "password1", OFFERAPI_ROLE_CANDIDATE,
	                              NULL);
	assert_int_equal(rc, OFFERAPI_EBUSY);
	assert_non_null(strstr(offerapi_error_last()->message, "locked"));
	/* reads still work in WAL mode while the writer holds its lock */
	offerapi_offer_list *l;
	assert_rc(offerapi_offer_search(s, NULL, &l), 0);
	assert_int_equal(l->count, 1);
	offerapi_offer_list_free(l);

	/* an application too: refused as busy, before or after its extraction,
	 * and nothing half-written (this path once freed a result twice) */
	offerapi_user *cand = NULL, *rec = NULL;
	assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	cand = testdb_user(s, "cand", OFFERAPI_ROLE_CANDIDATE);
	assert_rc(offerapi_user_authenticate(s, "rec", "password1", &rec), 0);
	offerapi_offer_list *offers;
	assert_rc(offerapi_offer_search(s, NULL, &offers), 0);
	offerapi_id offer = offers->items[0].id;
	offerapi_offer_list_free(offers);
	const char *lines[] = { "A CV that waits for a lock" };
	size_t len;
	char *pdf = pdfgen_text(lines, 1, 1, &len);
	offerapi_application_input in = {
		.version = OFFERAPI_APPLICATION_INPUT_VERSION,
		.filename = "cv.pdf",
		.pdf = pdf,
		.pdf_len = len,
	};
	offerapi_id app;
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	assert_rc(offerapi_application_submit(s, cand, offer, &in, &app), OFFERAPI_EBUSY);
	assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	offerapi_application_list *mine;
	assert_rc(offerapi_application_list_mine(s, cand, 0, &mine), 0);
	assert_int_equal(mine->count, 0);
	offerapi_application_list_free(mine);
	assert_rc(offerapi_application_submit(s, cand, offer, &in, &app), 0);
	free(pdf);
	offerapi_user_free(cand);
	offerapi_user_free(rec);
	sqlite3_close(other);
	/* and once released, the same write goes through */
	assert_rc(
		offerapi_user_create(s, "waiting", "W", "password1", OFFERAPI_ROLE_CANDIDATE, NULL),
		0);
	testdb_close(&db, s);
}

static void test_not_a_database(void **state)
{
	(void)state;
	char dir[] = "/tmp/offerapi-notdb-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], url[300];
	snprintf(path, sizeof path, "%s/garbage.db", dir);
	FILE *f = fopen(path, "w");
	fputs("this is not an SQLite database, just a text file that is long enough", f);
	fclose(f);
	snprintf(url, sizeof url, "sqlite:%s", path);
	offerapi_store *s = NULL;
	int rc = offerapi_store_open(&s, url, NULL);
	assert_true(rc == OFFERAPI_EUNAVAILABLE || rc == OFFERAPI_ERROR);
	assert_non_null(strstr(offerapi_error_last()->message, "not a database"));
	assert_null(s);
	unlink(path);
	rmdir(dir);
}

/* Readers whose transactions always overlap: two connections of their own,
 * each beginning a read before the other ends its own, as pooled
 * connections serving exports batch after batch do. */
struct overlap {
	const char *path;
	atomic_bool stop;
	long reads;
};

static void read_begin(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM offers", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		fprintf(stderr, "reader: %s\n", sqlite3_errmsg(db));
	sqlite3_finalize(st);
}

static void *overlap_main(void *arg)
{
	struct overlap *o = arg;
	sqlite3 *db[2] = { NULL, NULL };
	for (int i = 0; i < 2; i++)
		if (sqlite3_open_v2(o->path, &db[i], SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
			return NULL;
	read_begin(db[0]);
	for (int k = 1; !atomic_load(&o->stop); k++) {
		read_begin(db[k % 2]); /* the next read starts before the last ends */
		sqlite3_exec(db[(k + 1) % 2], "COMMIT", NULL, NULL, NULL);
		o->reads++;
		nanosleep(&(struct timespec){ 0, 500 * 1000 }, NULL);
	}
	for (int i = 0; i < 2; i++) {
		sqlite3_exec(db[i], "COMMIT", NULL, NULL, NULL);
		sqlite3_close_v2(db[i]);
	}
	return NULL;
}

/* Under reads that always overlap, the WAL stays bounded: each commit
 * past the limit waits briefly for the readers of older snapshots, so that
 * the log restarts. SQLite's automatic checkpoint alone never restarts it
 * then: this test's 1 200 offers of 12 KB grew it to 162 MB. */
static void test_wal_bounded_under_overlapping_reads(void **state)
{
	(void)state;
	testdb t;
	offerapi_store *s = testdb_open_new(&t);
	offerapi_user *rec = testdb_user(s, "rec", OFFERAPI_ROLE_RECRUITER);
	static char text[12001];
	memset(text, 'x', sizeof text - 1);
	struct overlap o = { .path = t.url + strlen("sqlite:") };
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, overlap_main, &o), 0);
	for (int i = 0; i < 1200; i++) {
		offerapi_offer_fields f = {
			.version = OFFERAPI_OFFER_FIELDS_VERSION,
			.title = "Offre",
			.description = text,
			.location = "",
		};
		offerapi_id id;
		assert_rc(offerapi_offer_create(s, rec, &f, &id), 0);
	}
	atomic_store(&o.stop, true);
	pthread_join(th, NULL);
	assert_true(o.reads > 0);
	char wal[1100];
	snprintf(wal, sizeof wal, "%s-wal", o.path);
	struct stat st;
	assert_int_equal(stat(wal, &st), 0);
	fprintf(stderr, "WAL %lld bytes after %ld reads\n", (long long)st.st_size, o.reads);
	/* 2 000 pages of 4 KiB before a restart, and one commit's pages */
	assert_true(st.st_size < 12 * 1024 * 1024);
	offerapi_user_free(rec);
	testdb_close(&t, s);
}

int main(void)
{
	testdb_backend = "sqlite";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readonly_file),
		cmocka_unit_test(test_locked_file),
		cmocka_unit_test(test_not_a_database),
		cmocka_unit_test(test_wal_bounded_under_overlapping_reads),
	};
	return cmocka_run_group_tests_name("sqlite-faults", tests, NULL, NULL);
}
