/*
 * crypt.c - CVs encrypted at rest: the data key, its wrapping, sealing and
 * opening (see crypt_internal.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "crypt_internal.h"
#include "internal.h"
#include "store_internal.h"

#define SEAL_FORMAT 1
#define SEAL_OVERHEAD (1 + crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
#define KEY_FILE_MAX 4096
#define KDF_CONTEXT "oa-cv-v1" /* crypto_kdf_CONTEXTBYTES (8) characters */

/* ---- sealing with one key ---- */

static int seal_with(const unsigned char key[32], const void *in, size_t len, unsigned char **out,
                     size_t *out_len)
{
	if (len > SIZE_MAX - SEAL_OVERHEAD)
		return oa_error(OFFERAPI_ETOOBIG, "encryption: a value of %zu bytes", len);
	unsigned char *b = malloc(len + SEAL_OVERHEAD);
	if (!b)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	b[0] = SEAL_FORMAT;
	randombytes_buf(b + 1, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(b + 1 + crypto_secretbox_NONCEBYTES, in, len, b + 1, key);
	*out = b;
	*out_len = len + SEAL_OVERHEAD;
	return 0;
}

/* 0, or -1 when @in is not a value sealed by @key (format, length, MAC). */
static int open_with(const unsigned char key[32], const unsigned char *in, size_t len,
                     unsigned char *out)
{
	if (len < SEAL_OVERHEAD || in[0] != SEAL_FORMAT)
		return -1;
	return crypto_secretbox_open_easy(out, in + 1 + crypto_secretbox_NONCEBYTES,
	                                  len - 1 - crypto_secretbox_NONCEBYTES, in + 1, key);
}

/* ---- the key file ---- */

/* 64 hexadecimal digits, white space around them allowed. */
static int parse_key(const char *path, const char *text, size_t n, unsigned char kek[32])
{
	size_t got = 0;
	const char *end = text;
	int rc = sodium_hex2bin(kek, 32, text, n, " \t\r\n", &got, &end);
	while (rc == 0 && end < text + n && strchr(" \t\r\n", *end))
		end++;
	if (rc != 0 || got != 32 || end != text + n) {
		sodium_memzero(kek, 32);
		return oa_error(OFFERAPI_EINVAL,
		                "data key file %s: expected 64 hexadecimal digits (a key made by "
		                "offerapi-admin key-create)",
		                path);
	}
	return 0;
}

static int read_key(const char *path, unsigned char kek[32])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ELOOP) /* Kubernetes mounts a Secret's files as links */
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return oa_error(errno == ENOENT ? OFFERAPI_ENOTFOUND : OFFERAPI_EINVAL,
		                "data key file %s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077))
		oa_log(OFFERAPI_LOG_WARNING, "data key file %s: others may read it (mode %03o)",
		       path, (unsigned)(st.st_mode & 0777));
	char buf[KEY_FILE_MAX + 1];
	ssize_t n = read(fd, buf, sizeof buf);
	int err = errno;
	close(fd);
	if (n < 0)
		return oa_error(OFFERAPI_EINVAL, "data key file %s: %s", path, strerror(err));
	if (n > KEY_FILE_MAX)
		return oa_error(OFFERAPI_EINVAL, "data key file %s: over %d bytes", path,
		                KEY_FILE_MAX);
	int rc = parse_key(path, buf, (size_t)n, kek);
	sodium_memzero(buf, sizeof buf);
	return rc;
}

int offerapi_data_key_create(const char *path)
{
	if (!path || !*path)
		return oa_error(OFFERAPI_EINVAL, "data key file: no path given");
	if (sodium_init() < 0)
		return oa_error(OFFERAPI_ERROR, "libsodium failed to initialise");
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return oa_error(errno == EEXIST ? OFFERAPI_EEXISTS : OFFERAPI_EINVAL,
		                "data key file %s: %s", path, strerror(errno));
	unsigned char k[32];
	char hex[65];
	randombytes_buf(k, sizeof k);
	sodium_bin2hex(hex, sizeof hex, k, sizeof k);
	hex[64] = '\n';
	ssize_t w = write(fd, hex, sizeof hex);
	int err = errno;
	sodium_memzero(k, sizeof k);
	sodium_memzero(hex, sizeof hex);
	if (w != (ssize_t)sizeof hex || fsync(fd) != 0) {
		close(fd);
		unlink(path);
		return oa_error(OFFERAPI_ERROR, "data key file %s: %s", path,
		                w < 0 ? strerror(err) : "short write");
	}
	close(fd);
	return 0;
}

/* ---- the data key ---- */

/* The key file a store uses: the option, or beside an SQLite file. */
static char *key_path(const offerapi_store *s, const char *url, bool *is_default)
{
	*is_default = false;
	if (s->opts.version >= 3 && s->opts.data_key_file && *s->opts.data_key_file)
		return oa_strdup(s->opts.data_key_file);
	if (strncmp(url, "sqlite:", 7) != 0)
		return NULL;
	const char *p = url + 7;
	if (strncmp(p, "//", 2) == 0) /* sqlite://PATH */
		p += 2;
	size_t n = strlen(p);
	char *k = malloc(n + 5);
	if (k) {
		memcpy(k, p, n);
		memcpy(k + n, ".key", 5);
		*is_default = true;
	}
	return k;
}

/* Make a data key and store it wrapped by @kek, unless a replica did
 * meanwhile (PostgreSQL: under the migration lock). */
static int make_dk(offerapi_store *s, const unsigned char kek[32])
{
	db_conn *c;
	int rc = store_begin(s, &c);
	if (rc < 0)
		return rc;
	bool exists;
	rc = store_locked_any(s, c, "SELECT COUNT(*) FROM data_keys", NULL, 0, &exists);
	if (rc == 0 && !exists) {
		unsigned char dk[32], *w = NULL;
		size_t wlen = 0;
		randombytes_buf(dk, sizeof dk);
		rc = seal_with(kek, dk, sizeof dk, &w, &wlen);
		sodium_memzero(dk, sizeof dk);
		if (rc == 0)
			rc = db_exec(c,
			             "INSERT INTO data_keys (wrapped, created_at, rewrapped_at)"
			             " VALUES ($1, $2, $2)",
			             (db_param[]){ P_BLOB(w, wlen), P_INT(oa_now()) }, 2, NULL);
		free(w);
	}
	return store_end(s, c, rc);
}

/* Unwrap the store's data key with @kek into s->dk (ENOTFOUND: none yet). */
static int load_dk(offerapi_store *s, const unsigned char *kek, const char *path)
{
	db_result *r = NULL;
	int rc = store_exec(s, "SELECT id, wrapped FROM data_keys ORDER BY id LIMIT 1", NULL, 0,
	                    &r);
	if (rc < 0)
		return rc;
	if (r->nrows == 0) {
		db_result_free(r);
		return OFFERAPI_ENOTFOUND;
	}
	if (!kek) {
		db_result_free(r);
		return oa_error(OFFERAPI_EINVAL,
		                "this store's CVs are encrypted: give its data key file "
		                "(--data-key-file or OFFERAPI_DATA_KEY_FILE)");
	}
	const db_cell *w = db_cell_at(r, 0, 1);
	if (w->len != 32 + SEAL_OVERHEAD ||
	    open_with(kek, (const unsigned char *)w->data, w->len, s->dk) != 0) {
		db_result_free(r);
		return oa_error(OFFERAPI_EINVAL,
		                "data key file %s does not open this store's data key: wrong or "
		                "outdated key file (after a rotation, use the new one)",
		                path);
	}
	s->dk_id = db_int(r, 0, 0);
	s->has_dk = true;
	db_result_free(r);
	return 0;
}

/* Read the KEK (creating the default SQLite key file on a store that has no
 * data key yet) and load or make the data key. */
static int setup_key(offerapi_store *s, const char *url)
{
	bool is_default;
	char *path = key_path(s, url, &is_default);
	if (!path && strncmp(url, "sqlite:", 7) == 0)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	unsigned char kek[32];
	int rc = path ? read_key(path, kek) : 0;
	if (rc == OFFERAPI_ENOTFOUND && is_default) {
		int64_t n = 0;
		rc = store_count(s, " FROM data_keys", NULL, 0, &n);
		if (rc == 0 && n > 0)
			rc = oa_error(OFFERAPI_EINVAL,
			              "data key file %s is missing: this store's CVs are encrypted "
			              "under it; restore it from the backups (or give "
			              "--data-key-file)",
			              path);
		if (rc == 0 && (rc = offerapi_data_key_create(path)) == 0) {
			oa_log(OFFERAPI_LOG_WARNING,
			       "created the data key file %s (mode 0600) that encrypts the CVs: "
			       "back it up apart from the database; without it no CV can be read",
			       path);
			rc = read_key(path, kek);
		}
	}
	if (rc == OFFERAPI_ENOTFOUND)
		rc = OFFERAPI_EINVAL; /* a given key file is missing: the message says so */
	if (rc == 0) {
		rc = load_dk(s, path ? kek : NULL, path);
		if (rc == OFFERAPI_ENOTFOUND)
			rc = path ? make_dk(s, kek) : 0;
		if (rc == 0 && path && !s->has_dk)
			rc = load_dk(s, kek, path);
	}
	sodium_memzero(kek, sizeof kek);
	if (rc == 0 && path && !(s->key_file = oa_strdup(path)))
		rc = OFFERAPI_ENOMEM;
	free(path);
	return rc;
}

/* ---- plaintext CVs of an older store ---- */

/* Seal up to 32 plaintext rows of application_cvs into cv_sealed; *done
 * when none was left. */
static int seal_batch(offerapi_store *s, bool *done)
{
	db_conn *c;
	db_result *r = NULL;
	int rc = store_begin_exec(s, &c,
	                          "SELECT application_id, pdf, cv_text FROM application_cvs"
	                          " ORDER BY application_id LIMIT 32",
	                          NULL, 0, &r);
	*done = rc == 0 && r->nrows == 0;
	for (int i = 0; rc == 0 && r && i < r->nrows; i++) {
		offerapi_id id = db_int(r, i, 0);
		const db_cell *pdf = db_cell_at(r, i, 1), *txt = db_cell_at(r, i, 2);
		unsigned char *sp = NULL, *st = NULL;
		size_t lp = 0, lt = 0;
		rc = cv_seal(s, id, CV_PDF, pdf->data, pdf->len, &sp, &lp);
		if (rc == 0)
			rc = cv_seal(s, id, CV_TEXT, txt->data, txt->len, &st, &lt);
		if (rc == 0)
			rc = db_exec(
				c,
				"INSERT INTO cv_sealed (application_id, key_id, pdf, cv_text)"
				" VALUES ($1, $2, $3, $4) ON CONFLICT (application_id) DO NOTHING",
				(db_param[]){ P_INT(id), P_INT(s->dk_id), P_BLOB(sp, lp),
			                      P_BLOB(st, lt) },
				4, NULL);
		if (rc == 0)
			rc = db_exec(c, "DELETE FROM application_cvs WHERE application_id = $1",
			             (db_param[]){ P_INT(id) }, 1, NULL);
		free(sp);
		free(st);
	}
	db_result_free(r);
	return store_end(s, c, rc);
}

/* SQLite: rewrite the file (VACUUM), then empty the WAL as erasure and
 * purge do (store_wal_truncate), on one connection. A checkpoint that
 * readers kept from finishing for 2 s is logged, not an error: the CVs are
 * sealed and a later checkpoint drops the old frames. */
static int vacuum_and_truncate(offerapi_store *s)
{
	db_conn *c;
	int rc = store_conn(s, &c);
	if (rc < 0)
		return rc;
	rc = db_exec(c, "VACUUM", NULL, 0, NULL);
	if (rc == 0 && (rc = store_wal_truncate(c)) == OFFERAPI_EBUSY) {
		oa_log(OFFERAPI_LOG_WARNING, "encrypting CVs: %s", offerapi_error_last()->message);
		rc = 0;
	}
	store_release(s, c);
	return rc;
}

/* Seal every plaintext CV; on SQLite, then rewrite the file (VACUUM) and
 * empty the WAL, so that no freed page or old frame keeps a plaintext copy. */
static int seal_legacy(offerapi_store *s)
{
	int64_t n = 0;
	int rc = store_count(s, " FROM application_cvs", NULL, 0, &n);
	if (rc < 0 || n == 0)
		return rc;
	if (!s->has_dk) {
		oa_log(OFFERAPI_LOG_WARNING,
		       "%lld CVs are stored in plain text: give a data key file to encrypt them",
		       (long long)n);
		return 0;
	}
	oa_log(OFFERAPI_LOG_INFO, "encrypting %lld CVs stored in plain text by an older version",
	       (long long)n);
	bool done = false;
	while (rc == 0 && !done)
		rc = seal_batch(s, &done);
	if (rc == 0 && strcmp(s->be->name, "sqlite") == 0)
		rc = vacuum_and_truncate(s);
	return rc;
}

int crypt_store_open(offerapi_store *s, const char *url)
{
	s->dk = sodium_malloc(32);
	if (!s->dk)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	int rc = setup_key(s, url);
	if (rc == 0)
		rc = seal_legacy(s);
	return rc;
}

void crypt_store_close(offerapi_store *s)
{
	sodium_free(s->dk); /* wipes it */
	s->dk = NULL;
	s->has_dk = false;
	free(s->key_file);
	s->key_file = NULL;
}

/* ---- sealing CVs ---- */

static int subkey(offerapi_store *s, offerapi_id app, enum cv_field f, unsigned char out[32])
{
	if (!s->has_dk)
		return oa_error(OFFERAPI_EINVAL,
		                "no data key: CVs are stored encrypted; open the store with a data "
		                "key file (--data-key-file or OFFERAPI_DATA_KEY_FILE)");
	crypto_kdf_derive_from_key(out, 32, (uint64_t)app * 2 + (uint64_t)f, KDF_CONTEXT, s->dk);
	return 0;
}

int cv_seal(offerapi_store *s, offerapi_id app, enum cv_field f, const void *in, size_t len,
            unsigned char **out, size_t *out_len)
{
	unsigned char k[32];
	int rc = subkey(s, app, f, k);
	if (rc == 0)
		rc = seal_with(k, in ? in : "", len, out, out_len);
	sodium_memzero(k, sizeof k);
	return rc;
}

int cv_open(offerapi_store *s, offerapi_id app, enum cv_field f, const void *in, size_t len,
            char **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	unsigned char k[32];
	int rc = subkey(s, app, f, k);
	if (rc < 0)
		return rc;
	size_t n = len >= SEAL_OVERHEAD ? len - SEAL_OVERHEAD : 0;
	char *b = malloc(n + 1);
	if (!b)
		rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
	else if (!in || open_with(k, in, len, (unsigned char *)b) != 0)
		rc = oa_error(OFFERAPI_ERROR,
		              "application %lld: the encrypted CV %s does not open (damaged, or "
		              "not this store's)",
		              (long long)app, f == CV_PDF ? "file" : "text");
	sodium_memzero(k, sizeof k);
	if (rc < 0) {
		free(b);
		return rc;
	}
	b[n] = '\0';
	*out = b;
	*out_len = n;
	return 0;
}

int cv_key_id(offerapi_store *s, offerapi_id *out)
{
	unsigned char k[32];
	int rc = subkey(s, 0, CV_PDF, k);
	sodium_memzero(k, sizeof k);
	if (rc == 0)
		*out = s->dk_id;
	return rc;
}

/* ---- the public calls ---- */

int offerapi_store_rotate_key(offerapi_store *s, const char *new_key_file)
{
	if (!s || !new_key_file)
		return oa_error(OFFERAPI_EINVAL, "key rotation: no store or no new key file");
	if (!s->has_dk)
		return oa_error(OFFERAPI_EINVAL, "key rotation: this store has no data key yet");
	unsigned char kek[32], *w = NULL;
	size_t wlen = 0;
	int rc = read_key(new_key_file, kek);
	if (rc == OFFERAPI_ENOTFOUND)
		rc = OFFERAPI_EINVAL;
	if (rc == 0)
		rc = seal_with(kek, s->dk, 32, &w, &wlen);
	sodium_memzero(kek, sizeof kek);
	if (rc == 0)
		rc = store_write(
			s, "UPDATE data_keys SET wrapped = $1, rewrapped_at = $2 WHERE id = $3",
			(db_param[]){ P_BLOB(w, wlen), P_INT(oa_now()), P_INT(s->dk_id) }, 3, NULL);
	free(w);
	if (rc == 0)
		oa_log(OFFERAPI_LOG_INFO, "data key re-wrapped under %s", new_key_file);
	return rc;
}

const char *offerapi_store_data_key_file(const offerapi_store *s)
{
	return s && s->has_dk ? s->key_file : NULL;
}

/* Open the CVs of applications after @after (64 at most); *last is the last
 * one read, 0 when none was left. */
static int check_batch(offerapi_store *s, offerapi_id after, offerapi_id *last,
                       offerapi_cv_check *out)
{
	db_result *r = NULL;
	int rc = store_exec(s,
	                    "SELECT application_id, pdf, cv_text FROM cv_sealed"
	                    " WHERE application_id > $1 ORDER BY application_id LIMIT 64",
	                    (db_param[]){ P_INT(after) }, 1, &r);
	*last = 0;
	for (int i = 0; rc == 0 && i < r->nrows; i++) {
		offerapi_id id = db_int(r, i, 0);
		bool ok = true;
		for (int f = 0; f < 2 && ok; f++) {
			const db_cell *c = db_cell_at(r, i, 1 + f);
			char *plain = NULL;
			size_t n;
			int orc = cv_open(s, id, f ? CV_TEXT : CV_PDF, c->data, c->len, &plain, &n);
			if (orc == OFFERAPI_ENOMEM)
				rc = orc;
			ok = orc == 0;
			if (plain)
				sodium_memzero(plain, n);
			free(plain);
		}
		out->sealed++;
		if (!ok && rc == 0 && out->damaged++ == 0)
			out->first_damaged = id;
		*last = id;
	}
	db_result_free(r);
	return rc;
}

int offerapi_store_check_cvs(offerapi_store *s, offerapi_cv_check *out)
{
	if (!s || !out)
		return oa_error(OFFERAPI_EINVAL, "CV check: no store or no result");
	memset(out, 0, sizeof *out);
	offerapi_id k;
	int rc = cv_key_id(s, &k);
	int64_t plain = 0;
	if (rc == 0)
		rc = store_count(s, " FROM application_cvs", NULL, 0, &plain);
	out->plaintext = (size_t)plain;
	offerapi_id after = 0, last = 0;
	while (rc == 0 && (rc = check_batch(s, after, &last, out)) == 0 && last)
		after = last;
	return rc;
}
