/*
 * store.c - opening a store: URL dispatch, pool, numbered migrations.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "crypt_internal.h"
#include "internal.h"
#include "keyset.h"
#include "search_cache.h"
#include "offerapi/offer.h"
#include "store_internal.h"

/*
 * Migrations: numbered, applied in order, each in one transaction together
 * with its row in schema_migrations. Never edit a released migration; append
 * a new one. {{ID}}, {{BLOB}} and {{REAL}} expand per backend (db.h).
 */
static const char *const migration_1[] = {
	"CREATE TABLE users ("
	" id {{ID}},"
	" login TEXT NOT NULL UNIQUE,"
	" display_name TEXT NOT NULL,"
	" role INTEGER NOT NULL CHECK (role IN (1, 2)),"
	" password_hash TEXT NOT NULL,"
	" created_at BIGINT NOT NULL)",

	"CREATE TABLE sessions ("
	" token_hash TEXT PRIMARY KEY,"
	" user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" created_at BIGINT NOT NULL,"
	" expires_at BIGINT NOT NULL)",
	"CREATE INDEX sessions_expires ON sessions (expires_at)",
	"CREATE INDEX sessions_user ON sessions (user_id)",

	"CREATE TABLE offers ("
	" id {{ID}},"
	" recruiter_id BIGINT NOT NULL REFERENCES users(id),"
	" title TEXT NOT NULL,"
	" description TEXT NOT NULL,"
	" location TEXT NOT NULL,"
	" skills TEXT NOT NULL," /* JSON array of strings */
	" questions TEXT NOT NULL," /* JSON array of strings */
	" search_text TEXT NOT NULL," /* folded title, description, location, skills */
	" location_fold TEXT NOT NULL," /* folded location */
	" skills_fold TEXT NOT NULL," /* folded skills, each between newlines */
	" published_at BIGINT NOT NULL,"
	" updated_at BIGINT NOT NULL,"
	" is_open INTEGER NOT NULL DEFAULT 1)",
	"CREATE INDEX offers_open_published ON offers (is_open, published_at)",
	"CREATE INDEX offers_recruiter ON offers (recruiter_id)",

	"CREATE TABLE applications ("
	" id {{ID}},"
	" offer_id BIGINT NOT NULL REFERENCES offers(id),"
	" candidate_id BIGINT NOT NULL REFERENCES users(id),"
	" filename TEXT NOT NULL,"
	" pdf {{BLOB}} NOT NULL,"
	" pdf_size BIGINT NOT NULL,"
	" cv_text TEXT NOT NULL,"
	" answers TEXT NOT NULL," /* JSON [{"question":..,"answer":..}] */
	" created_at BIGINT NOT NULL,"
	" UNIQUE (offer_id, candidate_id))",
	"CREATE INDEX applications_candidate ON applications (candidate_id)",

	/* one score per (application, scorer): a new scorer version replaces it */
	"CREATE TABLE scores ("
	" application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,"
	" scorer TEXT NOT NULL,"
	" scorer_version TEXT NOT NULL,"
	" score {{REAL}} NOT NULL CHECK (score >= 0 AND score <= 1),"
	" explanation TEXT NOT NULL,"
	" created_at BIGINT NOT NULL,"
	" PRIMARY KEY (application_id, scorer))",
	NULL
};

/*
 * Migration 2: durable scoring jobs and failed-login counting shared by
 * every replica (issue 12). Times in these tables are Unix milliseconds
 * (columns ending in _ms), since a job's latency is often under a second.
 */
static const char *const migration_2[] = {
	/* one job per (application, scorer): its state is what a dashboard
	 * shows; a new scorer version turns a done job back into a pending one */
	"CREATE TABLE jobs ("
	" id {{ID}},"
	" application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,"
	" scorer TEXT NOT NULL,"
	" scorer_version TEXT NOT NULL,"
	" state INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2, 3)),"
	" priority INTEGER NOT NULL DEFAULT 0," /* 1: a new application or a retry */
	" attempts INTEGER NOT NULL DEFAULT 0," /* claims so far (a release gives one back) */
	" run_after_ms BIGINT NOT NULL," /* not claimable before (backoff) */
	" enqueued_ms BIGINT NOT NULL,"
	" claimed_until_ms BIGINT," /* the lease, while running */
	" claim_token BIGINT," /* identifies the current claim */
	" claimed_by TEXT," /* the worker's name, for operators */
	" last_error TEXT,"
	" finished_ms BIGINT,"
	" UNIQUE (application_id, scorer))",
	"CREATE INDEX jobs_ready ON jobs (scorer, scorer_version, priority DESC, run_after_ms, id)"
	" WHERE state = 0",
	"CREATE INDEX jobs_leases ON jobs (claimed_until_ms) WHERE state = 1",
	"CREATE INDEX jobs_state ON jobs (state, scorer)",

	/* failed logins per key (a hash of the account or of the address) in
	 * the current window, which ends at expires_at (Unix seconds) */
	"CREATE TABLE login_throttle ("
	" key TEXT PRIMARY KEY,"
	" failures INTEGER NOT NULL,"
	" expires_at BIGINT NOT NULL)",
	"CREATE INDEX login_throttle_expires ON login_throttle (expires_at)",
	/* password checks in flight: each holds a place under the limits until
	 * its verdict, or until it expires (a process killed mid-check) */
	"CREATE TABLE login_attempts ("
	" id {{ID}},"
	" account_key TEXT NOT NULL,"
	" address_key TEXT NOT NULL,"
	" expires_at BIGINT NOT NULL)",
	"CREATE INDEX login_attempts_account ON login_attempts (account_key, expires_at)",
	"CREATE INDEX login_attempts_address ON login_attempts (address_key, expires_at)", NULL
};

/*
 * Migration 3: hot rows stay small (issue 18).
 *
 * - The PDF and the CV text leave the application row for their own table,
 *   application_cvs, read only when a CV is opened or scored: lists and
 *   dashboards read applications without walking a PDF (SQLite reads a
 *   column after a blob through its overflow pages; rows of kilobytes also
 *   overflow the page cache). The columns are dropped before the rows are
 *   rewritten below, so that PostgreSQL's new row versions no longer carry
 *   them (its DROP COLUMN alone only hides them).
 * - applications.nanswers: how many answers a row holds, so that a CSV
 *   knows its columns before its first row (one index seek).
 * - scores carries its application's offer and date, so that an offer's
 *   applications are ranked by one index, page by page (scores_rank).
 * - Indexes for every list the library pages by key (see page.h): each
 *   ends with the columns of its ORDER BY, ties broken by id.
 */
static const char *const migration_3[] = {
	"CREATE TABLE application_cvs ("
	" application_id BIGINT PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,"
	" pdf {{BLOB}} NOT NULL,"
	" cv_text TEXT NOT NULL)",
	"INSERT INTO application_cvs (application_id, pdf, cv_text)"
	" SELECT id, pdf, cv_text FROM applications",
	"ALTER TABLE applications DROP COLUMN pdf",
	"ALTER TABLE applications DROP COLUMN cv_text",
	"ALTER TABLE applications ADD COLUMN nanswers BIGINT NOT NULL DEFAULT 0",
	"UPDATE applications SET nanswers = json_array_length(answers{{JSON}})",

	"CREATE TABLE scores_v3 ("
	" application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,"
	" scorer TEXT NOT NULL,"
	" scorer_version TEXT NOT NULL,"
	" score {{REAL}} NOT NULL CHECK (score >= 0 AND score <= 1),"
	" explanation TEXT NOT NULL,"
	" created_at BIGINT NOT NULL,"
	" offer_id BIGINT NOT NULL REFERENCES offers(id)," /* the application's */
	" app_created_at BIGINT NOT NULL," /* the application's */
	" PRIMARY KEY (application_id, scorer))",
	"INSERT INTO scores_v3 (application_id, scorer, scorer_version, score, explanation,"
	" created_at, offer_id, app_created_at)"
	" SELECT sc.application_id, sc.scorer, sc.scorer_version, sc.score, sc.explanation,"
	" sc.created_at, a.offer_id, a.created_at"
	" FROM scores sc JOIN applications a ON a.id = sc.application_id",
	"DROP TABLE scores",
	"ALTER TABLE scores_v3 RENAME TO scores",
	"CREATE INDEX scores_rank ON scores (offer_id, scorer, score DESC, app_created_at,"
	" application_id)",

	"DROP INDEX applications_candidate",
	"CREATE INDEX applications_candidate_created ON applications (candidate_id, created_at, id)",
	"CREATE INDEX applications_offer_created ON applications (offer_id, created_at, id)",
	"CREATE INDEX applications_offer_answers ON applications (offer_id, nanswers)",
	"DROP INDEX offers_open_published",
	"CREATE INDEX offers_open_published ON offers (is_open, published_at, id)",
	"DROP INDEX offers_recruiter",
	"CREATE INDEX offers_recruiter_published ON offers (recruiter_id, published_at, id)",
	"CREATE INDEX offers_published ON offers (published_at, id)",
	NULL
};

/*
 * Migration 4: the jobs not done, indexed apart (issue 18). A dashboard
 * reads its offer's pending, running and failed jobs from this partial
 * index: its size follows the queue, and its statistics tell the planner
 * so (on jobs_state, ANALYZE sees three states of a thousand rows each and
 * SQLite scans the table, blind to a queue that is mostly done).
 */
static const char *const migration_4[] = {
	"CREATE INDEX jobs_not_done ON jobs (application_id) WHERE state <> 2", NULL
};

/*
 * Migration 5 (issue 15): requests safe to retry (idempotency.h). One
 * row per (user, key): running (state 0) or done (1) with the answer to
 * replay; expires_at bounds it to a day, and the purge walks that index.
 * And offers.version, for writes conditional on the version read, and
 * offers.archived_at (DELETE of an offer archives it).
 */
static const char *const migration_5[] = {
	"CREATE TABLE idempotency_keys ("
	" user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" idem_key TEXT NOT NULL,"
	" fingerprint TEXT NOT NULL,"
	" state INTEGER NOT NULL CHECK (state IN (0, 1)),"
	" status INTEGER,"
	" content_type TEXT,"
	" location TEXT,"
	" body {{BLOB}},"
	" created_at BIGINT NOT NULL,"
	" expires_at BIGINT NOT NULL,"
	" PRIMARY KEY (user_id, idem_key))",
	"CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at)",
	/* If-Match made atomic: every change of an offer raises its version,
	 * and a conditional write names the version it read */
	"ALTER TABLE offers ADD COLUMN version BIGINT NOT NULL DEFAULT 1",
	/* DELETE archives: the offer stays for its applications' sake */
	"ALTER TABLE offers ADD COLUMN archived_at BIGINT", NULL
};

/*
 * Migration 6: CVs encrypted at rest (issue 16; crypt.c).
 *
 * - data_keys: the store's data key, wrapped by the key-encryption key of
 *   the data key file (never stored). Rotation rewrites `wrapped` only.
 * - cv_sealed: each CV's PDF and text, sealed (crypto_secretbox) under a
 *   subkey of the data key for that application. It replaces
 *   application_cvs, which stays for the plaintext rows of an older store:
 *   opening the store with its key seals them and empties it.
 */
static const char *const migration_6[] = {
	"CREATE TABLE data_keys ("
	" id {{ID}},"
	" wrapped {{BLOB}} NOT NULL,"
	" created_at BIGINT NOT NULL,"
	" rewrapped_at BIGINT NOT NULL)",
	"CREATE TABLE cv_sealed ("
	" application_id BIGINT PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,"
	" key_id BIGINT NOT NULL REFERENCES data_keys(id),"
	" pdf {{BLOB}} NOT NULL,"
	" cv_text {{BLOB}} NOT NULL)",
	NULL
};

/*
 * Migration 7: e-mail on accounts and the mail outbox (issue 13).
 *
 * - users.email: lower-case, unique when set (NULL for accounts made
 *   before it, asked at their next login); email_verified_at: Unix seconds
 *   the current address was verified (NULL: not yet); lang: the language
 *   of the account's mail ("fr" or "en").
 * - account_tokens: e-mail verification (purpose 1) and password reset
 *   (purpose 2) tokens; only their SHA-256 is kept, each is used once
 *   (used_at) and expires (expires_at, Unix seconds). A verification token
 *   names the address it verifies: a changed address is not verified by a
 *   link sent to the old one.
 * - outbox: messages to send, written in the transaction of the change
 *   that causes them and claimed like jobs (lease, attempts, backoff,
 *   failed state). Its own table rather than jobs: a message has a
 *   recipient and a payload, not an (application, scorer) pair. params
 *   (JSON) may carry a token: it is emptied once the message is sent.
 *   Times in _ms columns are Unix milliseconds.
 */
static const char *const migration_7[] = {
	"ALTER TABLE users ADD COLUMN email TEXT",
	"ALTER TABLE users ADD COLUMN email_verified_at BIGINT",
	"ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'fr'",
	"CREATE UNIQUE INDEX users_email ON users (email)",

	"CREATE TABLE account_tokens ("
	" token_hash TEXT PRIMARY KEY,"
	" user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" purpose INTEGER NOT NULL CHECK (purpose IN (1, 2)),"
	" email TEXT NOT NULL,"
	" created_at BIGINT NOT NULL,"
	" expires_at BIGINT NOT NULL,"
	" used_at BIGINT)",
	"CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose)",
	"CREATE INDEX account_tokens_expires ON account_tokens (expires_at)",

	"CREATE TABLE outbox ("
	" id {{ID}},"
	" kind TEXT NOT NULL,"
	" recipient TEXT NOT NULL,"
	" lang TEXT NOT NULL,"
	" params TEXT NOT NULL,"
	" user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,"
	" state INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2, 3, 4)),"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" run_after_ms BIGINT NOT NULL,"
	" enqueued_ms BIGINT NOT NULL,"
	" claimed_until_ms BIGINT,"
	" claim_token BIGINT,"
	" claimed_by TEXT,"
	" last_error TEXT,"
	" finished_ms BIGINT)",
	"CREATE INDEX outbox_ready ON outbox (run_after_ms, id) WHERE state = 0",
	"CREATE INDEX outbox_leases ON outbox (claimed_until_ms) WHERE state = 1",
	"CREATE INDEX outbox_state ON outbox (state)",
	"CREATE INDEX outbox_user ON outbox (user_id)",
	NULL
};

/*
 * Migration 8: full-text search (issue 14; the design is in search.h).
 *
 * - offers.search_title, offers.search_body: the offer's terms, folded
 *   and stemmed in C (search_index_text), written by every create and
 *   update in its own statement; {{SEARCH_BACKFILL}} computes them for the
 *   offers already stored, in this migration's transaction.
 * - SQLite: offers_fts, an FTS5 index over those two columns (external
 *   content: the text stays in offers once), unicode61 with
 *   remove_diacritics 2, prefix indexes for the stems searched as
 *   prefixes; triggers keep it in step with offers in the writing
 *   transaction. Ranked with bm25, the title weighted above the body.
 * - PostgreSQL: offers.search_vector, a generated tsvector (title weight
 *   A, body B) under the configuration offerapi_search: 'simple' (no
 *   stemming of its own: the terms are stemmed already) behind unaccent,
 *   which folds accents as unicode61 does; a GIN index. Ranked with
 *   ts_rank. unaccent is a trusted extension (PostgreSQL 13 and later):
 *   the database's owner may create it, when the server has the contrib
 *   files (Debian's postgresql-15 ships them).
 *
 * A statement starting "sqlite:" or "postgresql:" runs on that backend
 * only.
 */
static const char *const migration_8[] = {
	"ALTER TABLE offers ADD COLUMN search_title TEXT NOT NULL DEFAULT ''",
	"ALTER TABLE offers ADD COLUMN search_body TEXT NOT NULL DEFAULT ''",
	"{{SEARCH_BACKFILL}}",

	"sqlite:CREATE VIRTUAL TABLE offers_fts USING fts5(search_title, search_body,"
	" content='offers', content_rowid='id', tokenize='unicode61 remove_diacritics 2',"
	" prefix='3 4 5')",
	"sqlite:INSERT INTO offers_fts (offers_fts) VALUES ('rebuild')",
	"sqlite:CREATE TRIGGER offers_fts_insert AFTER INSERT ON offers BEGIN"
	" INSERT INTO offers_fts (rowid, search_title, search_body)"
	" VALUES (new.id, new.search_title, new.search_body); END",
	"sqlite:CREATE TRIGGER offers_fts_update AFTER UPDATE OF search_title, search_body"
	" ON offers BEGIN"
	" INSERT INTO offers_fts (offers_fts, rowid, search_title, search_body)"
	" VALUES ('delete', old.id, old.search_title, old.search_body);"
	" INSERT INTO offers_fts (rowid, search_title, search_body)"
	" VALUES (new.id, new.search_title, new.search_body); END",
	"sqlite:CREATE TRIGGER offers_fts_delete AFTER DELETE ON offers BEGIN"
	" INSERT INTO offers_fts (offers_fts, rowid, search_title, search_body)"
	" VALUES ('delete', old.id, old.search_title, old.search_body); END",

	"postgresql:DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS unaccent;"
	" EXCEPTION WHEN OTHERS THEN RAISE EXCEPTION"
	" 'full-text search needs the PostgreSQL extension unaccent, and CREATE EXTENSION"
	" unaccent failed (%): install the server''s contrib files (Debian: postgresql-15)"
	" or have a superuser run CREATE EXTENSION unaccent in this database', SQLERRM;"
	" END $$",
	"postgresql:CREATE TEXT SEARCH CONFIGURATION offerapi_search (COPY = simple)",
	"postgresql:ALTER TEXT SEARCH CONFIGURATION offerapi_search ALTER MAPPING FOR"
	" asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword,"
	" hword_numpart, numhword WITH unaccent, simple",
	"postgresql:ALTER TABLE offers ADD COLUMN search_vector tsvector GENERATED ALWAYS AS"
	" (setweight(to_tsvector('offerapi_search', search_title), 'A')"
	" || setweight(to_tsvector('offerapi_search', search_body), 'B')) STORED",
	"postgresql:CREATE INDEX offers_search ON offers USING GIN (search_vector)",
	NULL
};

/*
 * Migration 9: application stages, their history, private notes (issue 13;
 * stages.c, rules in offerapi/application.h).
 *
 * - applications.stage: the current stage by name (every existing
 *   application starts as 'received'); stage_at: Unix seconds of the last
 *   change (the application's date before any); the rejection's reason,
 *   free text and whether the candidate sees them.
 * - application_stages: one row per change (time, actor, from, to, reason);
 *   the actor may be NULL once their account is gone.
 * - application_notes: recruiters' private notes, read newest first by
 *   page (application_notes_app ends with the ORDER BY's columns).
 * - applications_offer_stage: an offer's applications at one stage, oldest
 *   first, by page (the dashboard's ?stage=).
 */
static const char *const migration_9[] = {
	"ALTER TABLE applications ADD COLUMN stage TEXT NOT NULL DEFAULT 'received'"
	" CHECK (stage IN ('received', 'reviewed', 'interview', 'offer', 'hired', 'rejected',"
	" 'withdrawn'))",
	"ALTER TABLE applications ADD COLUMN stage_at BIGINT",
	"UPDATE applications SET stage_at = created_at",
	"ALTER TABLE applications ADD COLUMN reason TEXT",
	"ALTER TABLE applications ADD COLUMN reason_text TEXT",
	"ALTER TABLE applications ADD COLUMN show_reason INTEGER NOT NULL DEFAULT 0",
	"CREATE INDEX applications_offer_stage ON applications (offer_id, stage, created_at, id)",

	"CREATE TABLE application_stages ("
	" id {{ID}},"
	" application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,"
	" actor_id BIGINT REFERENCES users(id) ON DELETE SET NULL,"
	" from_stage TEXT NOT NULL,"
	" to_stage TEXT NOT NULL,"
	" reason TEXT,"
	" reason_text TEXT,"
	" show_reason INTEGER NOT NULL DEFAULT 0,"
	" created_at BIGINT NOT NULL)",
	"CREATE INDEX application_stages_app ON application_stages (application_id, id)",

	"CREATE TABLE application_notes ("
	" id {{ID}},"
	" application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,"
	" author_id BIGINT REFERENCES users(id) ON DELETE SET NULL,"
	" body TEXT NOT NULL,"
	" created_at BIGINT NOT NULL)",
	"CREATE INDEX application_notes_app ON application_notes (application_id, created_at, id)",
	NULL
};

/*
 * Migration 10: personal access tokens (tokens.c): the SHA-256 of each,
 * never the token; scopes as bits; NULL expires_at for no expiry. An
 * account's tokens go with it.
 */
static const char *const migration_10[] = {
	"CREATE TABLE api_tokens ("
	" id {{ID}},"
	" user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" name TEXT NOT NULL,"
	" token_hash TEXT NOT NULL UNIQUE,"
	" scopes INTEGER NOT NULL,"
	" created_at BIGINT NOT NULL,"
	" last_used_at BIGINT,"
	" expires_at BIGINT)",
	"CREATE INDEX api_tokens_user ON api_tokens (user_id, created_at)", NULL
};

/*
 * Migration 11: webhooks (webhooks.c): endpoints with their signing secret
 * (needed to sign, so kept as given), and deliveries claimed as jobs are
 * (state 0 pending, 1 sending, 2 done, 3 failed). An endpoint's deliveries
 * go with it; an account's endpoints with the account.
 */
static const char *const migration_11[] = {
	"CREATE TABLE webhook_endpoints ("
	" id {{ID}},"
	" user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" url TEXT NOT NULL,"
	" secret TEXT NOT NULL,"
	" events INTEGER NOT NULL,"
	" created_at BIGINT NOT NULL)",
	"CREATE INDEX webhook_endpoints_user ON webhook_endpoints (user_id, created_at)",
	"CREATE TABLE webhook_deliveries ("
	" id {{ID}},"
	" endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,"
	" event TEXT NOT NULL,"
	" body TEXT NOT NULL,"
	" state INTEGER NOT NULL,"
	" attempts INTEGER NOT NULL,"
	" run_after_ms BIGINT NOT NULL,"
	" claimed_until_ms BIGINT,"
	" claim_token BIGINT,"
	" last_status INTEGER,"
	" last_error TEXT,"
	" created_ms BIGINT NOT NULL,"
	" finished_ms BIGINT)",
	"CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, run_after_ms, id)",
	"CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id)",
	NULL
};

/*
 * Migration 12: notifications people control (issue 13; notify.c, rules in
 * offerapi/mail.h).
 *
 * - users.notify_stages: 1 (the default) when the candidate gets an e-mail
 *   on each stage change of their applications; users.digest_ms: Unix ms
 *   of the recruiter's last daily digest (NULL: none yet), moved by the
 *   conditional UPDATE that claims a digest.
 * - offers.notify: how the offer's recruiter hears of new applications:
 *   'each' (one e-mail each, the default), 'daily' (a digest) or 'none'.
 * - applications.digest_pending: 1 while the application waits for its
 *   recruiter's next digest.
 * - unsubscribe_tokens: the one-click unsubscribe links of notification
 *   e-mails (RFC 8058); only the SHA-256 of a token is kept, with what it
 *   turns off: kind 1 (the candidate's stage e-mails), 2 (the e-mails of
 *   offer offer_id to its recruiter) or 3 (the recruiter's daily digests).
 */
static const char *const migration_12[] = {
	"ALTER TABLE users ADD COLUMN notify_stages INTEGER NOT NULL DEFAULT 1",
	"ALTER TABLE users ADD COLUMN digest_ms BIGINT",
	"ALTER TABLE offers ADD COLUMN notify TEXT NOT NULL DEFAULT 'each'"
	" CHECK (notify IN ('each', 'daily', 'none'))",
	"ALTER TABLE applications ADD COLUMN digest_pending INTEGER NOT NULL DEFAULT 0",
	"CREATE INDEX applications_digest ON applications (offer_id) WHERE digest_pending = 1",

	"CREATE TABLE unsubscribe_tokens ("
	" token_hash TEXT PRIMARY KEY,"
	" user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" kind INTEGER NOT NULL CHECK (kind IN (1, 2, 3)),"
	" offer_id BIGINT REFERENCES offers(id) ON DELETE CASCADE,"
	" created_ms BIGINT NOT NULL)",
	"CREATE INDEX unsubscribe_tokens_user ON unsubscribe_tokens (user_id)",
	"CREATE INDEX unsubscribe_tokens_created ON unsubscribe_tokens (created_ms)",
	NULL
};

/*
 * Migration 13: the right to be forgotten (issue 16; erase.c, rules in
 * offerapi/user.h).
 *
 * - users.erase_at: Unix seconds when the account is to be erased (NULL:
 *   not asked). An account with erase_at set is disabled: no login; the
 *   sweep of any server erases it once the time has come.
 * - users.erased: 1 for what stays of an erased recruiter who had offers
 *   (no login, name, address or password: the offers point at it and are
 *   shown as a former recruiter's).
 */
static const char *const migration_13[] = {
	"ALTER TABLE users ADD COLUMN erase_at BIGINT",
	"ALTER TABLE users ADD COLUMN erased INTEGER NOT NULL DEFAULT 0",
	"CREATE INDEX users_erase_at ON users (erase_at) WHERE erase_at IS NOT NULL", NULL
};

/*
 * Migration 14: the access log (issue 16; access.c, offerapi/access.h):
 * one row per view or download of an application's page, its CV or its
 * text (and per application in an offer's CSV export): who (user_id, NULL
 * once that account is gone), what (application_id, kind), when
 * (created_at, Unix seconds) and from where (address, the client address
 * the server throttles logins by). by_candidate is 1 when the viewer is
 * the application's own candidate, so that their list of viewers seeks
 * past their own views in the index. A record goes with its application;
 * the server deletes records older than --access-log-days.
 */
static const char *const migration_14[] = {
	"CREATE TABLE access_log ("
	" id {{ID}},"
	" application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,"
	" user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,"
	" by_candidate INTEGER NOT NULL,"
	" kind TEXT NOT NULL CHECK (kind IN ('application', 'cv_pdf', 'cv_text', 'csv')),"
	" address TEXT NOT NULL,"
	" created_at BIGINT NOT NULL)",
	"CREATE INDEX access_log_application"
	" ON access_log (application_id, by_candidate, created_at, id)",
	"CREATE INDEX access_log_user ON access_log (user_id, created_at)",
	"CREATE INDEX access_log_created ON access_log (created_at)", NULL
};

/*
 * Migration 15: the offers' generation (searchcache.c): one row whose gen
 * every write to offers bumps, by trigger, so that a kept search ranking
 * is used only while no offer has changed since, whoever wrote it.
 */
static const char *const migration_15[] = {
	"CREATE TABLE offers_generation ("
	" id INTEGER PRIMARY KEY CHECK (id = 1), gen BIGINT NOT NULL)",
	"INSERT INTO offers_generation (id, gen) VALUES (1, 0)",
	"sqlite:CREATE TRIGGER offers_gen_insert AFTER INSERT ON offers"
	" BEGIN UPDATE offers_generation SET gen = gen + 1 WHERE id = 1; END",
	"sqlite:CREATE TRIGGER offers_gen_update AFTER UPDATE ON offers"
	" BEGIN UPDATE offers_generation SET gen = gen + 1 WHERE id = 1; END",
	"sqlite:CREATE TRIGGER offers_gen_delete AFTER DELETE ON offers"
	" BEGIN UPDATE offers_generation SET gen = gen + 1 WHERE id = 1; END",
	"postgresql:CREATE FUNCTION offers_gen_bump() RETURNS trigger LANGUAGE plpgsql AS $$"
	" BEGIN UPDATE offers_generation SET gen = gen + 1 WHERE id = 1; RETURN NULL; END $$",
	"postgresql:CREATE TRIGGER offers_gen AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
	" ON offers FOR EACH STATEMENT EXECUTE FUNCTION offers_gen_bump()",
	NULL
};

/*
 * Migration 16: information and consent at collection, and the retention
 * purge (issue 16; retention.c, offerapi/retention.h).
 *
 * - applications.pool_consent: 1 when the candidate agreed to stay in the
 *   pool for other offers for longer (the retention policy's pool period);
 *   consent_at: Unix seconds of that answer (given at applying, or its
 *   withdrawal); notice_version: the version of the privacy notice shown
 *   on applying (NULL for applications made before this migration).
 * - applications.purge_warned_at: Unix seconds the candidate was told by
 *   e-mail that the application is to be purged (NULL: not yet). A warning
 *   older than the application's last activity no longer counts.
 * - retention_counts: what stays of purged applications, without anyone
 *   in it: per offer, per day of application (Unix seconds at 00:00 UTC)
 *   and per stage reached, how many there were; the dashboards' statistics
 *   and the FinOps unit costs add it to the rows still there.
 */
static const char *const migration_16[] = {
	"ALTER TABLE applications ADD COLUMN pool_consent INTEGER NOT NULL DEFAULT 0",
	"ALTER TABLE applications ADD COLUMN consent_at BIGINT",
	"ALTER TABLE applications ADD COLUMN notice_version TEXT",
	"ALTER TABLE applications ADD COLUMN purge_warned_at BIGINT",
	"CREATE TABLE retention_counts ("
	" offer_id BIGINT NOT NULL REFERENCES offers(id),"
	" day BIGINT NOT NULL,"
	" stage TEXT NOT NULL,"
	" applications BIGINT NOT NULL,"
	" PRIMARY KEY (offer_id, day, stage))",
	NULL
};

/*
 * Migration 17: the operator's role (issue 16): users.role admits 3,
 * OFFERAPI_ROLE_ADMIN. A CHECK constraint cannot be altered in place:
 * PostgreSQL drops it and adds the wider one (validated against every
 * row); SQLite rebuilds the table as its documentation says
 * (users_role_rebuild below), with foreign keys off for the migration.
 */
static const char *const migration_17[] = {
	"postgresql:ALTER TABLE users DROP CONSTRAINT users_role_check",
	"postgresql:ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN (1, 2, 3))",
	"sqlite:{{USERS_ROLE_REBUILD}}",
	/* the operator's lists of accounts, newest first (all, or one role) */
	"CREATE INDEX users_created ON users (created_at, id)",
	"CREATE INDEX users_role_created ON users (role, created_at, id)", NULL
};

/*
 * Migration 18: an account's tokens and webhook endpoints and an
 * endpoint's delivery log are read page by page, newest first by (time,
 * id) (tokens.c, webhooks.c, keyset.h): indexes in that order, which the
 * seeks of their cursors follow (PostgreSQL's indexes, unlike SQLite's, do
 * not end with the row's id), in place of the ones by owner and time.
 * The sessions table is made again with an integer id (its rows keep
 * their token hash, owner and times).
 */
static const char *const migration_18[] = {
	"CREATE INDEX webhook_deliveries_log ON webhook_deliveries (endpoint_id, created_ms, id)",
	"CREATE INDEX api_tokens_user_page ON api_tokens (user_id, created_at, id)",
	"DROP INDEX api_tokens_user",
	"CREATE INDEX webhook_endpoints_user_page ON webhook_endpoints (user_id, created_at, id)",
	"DROP INDEX webhook_endpoints_user",
	/* a session gets an integer id, the tie-break of its list's key (the
	 * table is made again: SQLite adds no primary key to a table) */
	"CREATE TABLE sessions_v2 ("
	" id {{ID}},"
	" token_hash TEXT NOT NULL UNIQUE,"
	" user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" created_at BIGINT NOT NULL,"
	" expires_at BIGINT NOT NULL)",
	"INSERT INTO sessions_v2 (token_hash, user_id, created_at, expires_at)"
	" SELECT token_hash, user_id, created_at, expires_at FROM sessions"
	" ORDER BY created_at, token_hash",
	"DROP TABLE sessions", "ALTER TABLE sessions_v2 RENAME TO sessions",
	"CREATE INDEX sessions_expires ON sessions (expires_at)",
	"CREATE INDEX sessions_user_page ON sessions (user_id, created_at, id)", NULL
};

/*
 * Migration 19: richer offers (issue 14; offers.c, offerapi/offer.h): the
 * company, contract type, remote policy, salary range (bounds, ISO 4217
 * currency, period) and deadline, each NULL when not said (every offer
 * written before). salary_year is the upper bound (or the lower, without
 * one) made a year's (offerapi_salary_yearly), what the salary floor
 * filter compares. offers_deadline holds the open offers with a deadline,
 * for offerapi_offer_close_expired.
 */
static const char *const migration_19[] = {
	"ALTER TABLE offers ADD COLUMN company TEXT",
	"ALTER TABLE offers ADD COLUMN contract TEXT"
	" CHECK (contract IN ('cdi', 'cdd', 'freelance', 'internship', 'apprenticeship'))",
	"ALTER TABLE offers ADD COLUMN remote TEXT CHECK (remote IN ('onsite', 'hybrid', 'remote'))",
	"ALTER TABLE offers ADD COLUMN salary_min BIGINT",
	"ALTER TABLE offers ADD COLUMN salary_max BIGINT",
	"ALTER TABLE offers ADD COLUMN salary_currency TEXT",
	"ALTER TABLE offers ADD COLUMN salary_period TEXT"
	" CHECK (salary_period IN ('year', 'month', 'day', 'hour'))",
	"ALTER TABLE offers ADD COLUMN salary_year BIGINT",
	"ALTER TABLE offers ADD COLUMN deadline BIGINT",
	"CREATE INDEX offers_deadline ON offers (deadline) WHERE is_open = 1 AND deadline IS NOT NULL",
	NULL
};

/*
 * Migration 20: a dashboard's summary from stored aggregates (issue 18;
 * dashboard.c), so that it reads O(scorers) rows, not every score:
 *
 * - score_bins: per offer, scorer and histogram bin (0..9, as
 *   offerapi/dashboard.h defines them: SCORE_BIN below), how many scores
 *   and their sum. A bin emptied by deletions keeps its row (n = 0).
 * - offer_app_counts: per offer (a row made with it), how many
 *   applications it has.
 *
 * Triggers keep both in the transaction of every write to scores or
 * applications, whoever runs it (the score upsert, applying, the erasure
 * of an account, the retention purge, a cascade): no code path can forget
 * them. Increments are in the statement (n = n + 1), never read then
 * written, so two workers scoring one offer at once lose nothing. SQLite
 * runs a trigger per row; PostgreSQL one per statement, over its
 * transition tables (a row trigger made a bulk insert of 20 000
 * applications to one offer quadratic: each update of the one row walks
 * the versions the same transaction left), adding in key order so that
 * two writers take the rows in the same order. The minimum and maximum are not kept:
 * each is one seek in scores_rank, and keeping them would mean a
 * recomputation at every deletion of an extreme.
 */
#define SCORE_BIN(x)                                                                               \
	"CASE WHEN " x " < 0.1 THEN 0 WHEN " x " < 0.2 THEN 1 WHEN " x " < 0.3 THEN 2 WHEN " x     \
	" < 0.4 THEN 3 WHEN " x " < 0.5 THEN 4 WHEN " x " < 0.6 THEN 5 WHEN " x " < 0.7 THEN 6"    \
	" WHEN " x " < 0.8 THEN 7 WHEN " x " < 0.9 THEN 8 ELSE 9 END"
#define BIN_ADD(r)                                                                                   \
	" INSERT INTO score_bins (offer_id, scorer, bin, n, total) VALUES (" r ".offer_id, " r       \
	".scorer, " SCORE_BIN(                                                                       \
		r                                                                                    \
		".score") ", 1, " r ".score)"                                                        \
			  " ON CONFLICT (offer_id, scorer, bin) DO UPDATE SET n = score_bins.n + 1," \
			  " total = score_bins.total + excluded.total;"
#define BIN_SUB(r)                                                                                 \
	" UPDATE score_bins SET n = n - 1, total = total - " r ".score WHERE offer_id = " r        \
	".offer_id AND scorer = " r ".scorer AND bin = " SCORE_BIN(r ".score") ";"
#define SCORE_MOVED                                                                                \
	"OLD.score <> NEW.score OR OLD.offer_id <> NEW.offer_id OR OLD.scorer <> NEW.scorer"
#define APP_ADD                                                                                    \
	" INSERT INTO offer_app_counts (offer_id, applications) VALUES (NEW.offer_id, 1)"          \
	" ON CONFLICT (offer_id) DO UPDATE SET applications = offer_app_counts.applications + 1;"
#define APP_SUB                                                                                    \
	" UPDATE offer_app_counts SET applications = applications - 1 WHERE offer_id = OLD.offer_id;"
/* PostgreSQL: one statement per write statement (its transition table),
 * so that a statement writing many rows (a bulk import, a purge) updates
 * each bin once, in key order. */
#define PG_SCORES(t, sign)                                                                         \
	"SELECT offer_id, scorer, " SCORE_BIN("score") " AS bin, " sign "1 AS n, " sign            \
						       "score AS total FROM " t
/* Deletions subtract through the same ordered upsert as additions, so that
 * two large deletes (an erasure and a purge) lock the rows in one order and
 * cannot deadlock; rows of an offer deleted in the same statement (its
 * counts went with it by cascade) are skipped. */
#define PG_OFFER_KEPT(t) "EXISTS (SELECT 1 FROM offers o WHERE o.id = " t ".offer_id)"
#define PG_BINS_UPSERT(rows)                                                                       \
	" INSERT INTO score_bins (offer_id, scorer, bin, n, total)"                                \
	" SELECT offer_id, scorer, bin, SUM(n), SUM(total) FROM (" rows ") d"                      \
	" GROUP BY offer_id, scorer, bin HAVING SUM(n) <> 0 OR SUM(total) <> 0"                    \
	" ORDER BY offer_id, scorer, bin ON CONFLICT (offer_id, scorer, bin) DO UPDATE"            \
	" SET n = score_bins.n + excluded.n, total = score_bins.total + excluded.total;"
#define PG_APPS_ADD                                                                                \
	" INSERT INTO offer_app_counts (offer_id, applications)"                                   \
	" SELECT offer_id, COUNT(*) FROM new_rows GROUP BY offer_id ORDER BY offer_id"             \
	" ON CONFLICT (offer_id) DO UPDATE"                                                        \
	" SET applications = offer_app_counts.applications + excluded.applications;"
#define PG_APPS_SUB                                                                                \
	" INSERT INTO offer_app_counts (offer_id, applications)"                                   \
	" SELECT offer_id, -COUNT(*) FROM old_rows WHERE " PG_OFFER_KEPT(                          \
		"old_rows") " GROUP BY offer_id ORDER BY offer_id"                                 \
			    " ON CONFLICT (offer_id) DO UPDATE"                                    \
			    " SET applications = offer_app_counts.applications + excluded.applications;"
static const char *const migration_20[] = {
	"CREATE TABLE score_bins ("
	" offer_id BIGINT NOT NULL REFERENCES offers(id) ON DELETE CASCADE,"
	" scorer TEXT NOT NULL,"
	" bin INTEGER NOT NULL CHECK (bin >= 0 AND bin <= 9),"
	" n BIGINT NOT NULL,"
	" total {{REAL}} NOT NULL,"
	" PRIMARY KEY (offer_id, scorer, bin))",
	"CREATE TABLE offer_app_counts ("
	" offer_id BIGINT PRIMARY KEY REFERENCES offers(id) ON DELETE CASCADE,"
	" applications BIGINT NOT NULL)",
	"INSERT INTO score_bins (offer_id, scorer, bin, n, total)"
	" SELECT offer_id, scorer, " SCORE_BIN("score") ", COUNT(*), SUM(score) FROM scores"
							" GROUP BY offer_id, scorer, " SCORE_BIN(
								"score"),
	"INSERT INTO offer_app_counts (offer_id, applications) SELECT o.id,"
	" (SELECT COUNT(*) FROM applications a WHERE a.offer_id = o.id) FROM offers o",
	"sqlite:CREATE TRIGGER offer_app_counts_offer AFTER INSERT ON offers BEGIN"
	" INSERT INTO offer_app_counts (offer_id, applications) VALUES (NEW.id, 0)"
	" ON CONFLICT (offer_id) DO NOTHING; END",
	"postgresql:CREATE FUNCTION offer_app_counts_offer() RETURNS trigger LANGUAGE plpgsql AS $$"
	" BEGIN INSERT INTO offer_app_counts (offer_id, applications) SELECT id, 0 FROM new_rows"
	" ON CONFLICT (offer_id) DO NOTHING; RETURN NULL; END $$",
	"postgresql:CREATE TRIGGER offer_app_counts_offer AFTER INSERT ON offers"
	" REFERENCING NEW TABLE AS new_rows"
	" FOR EACH STATEMENT EXECUTE FUNCTION offer_app_counts_offer()",
	"sqlite:CREATE TRIGGER score_bins_insert AFTER INSERT ON scores BEGIN" BIN_ADD(
		"NEW") " END",
	"sqlite:CREATE TRIGGER score_bins_delete AFTER DELETE ON scores BEGIN" BIN_SUB(
		"OLD") " END",
	"sqlite:CREATE TRIGGER score_bins_update AFTER UPDATE OF score, offer_id, scorer ON scores"
	" WHEN " SCORE_MOVED " BEGIN" BIN_SUB("OLD") BIN_ADD("NEW") " END",
	"sqlite:CREATE TRIGGER offer_app_counts_insert AFTER INSERT ON applications BEGIN" APP_ADD
	" END",
	"sqlite:CREATE TRIGGER offer_app_counts_delete AFTER DELETE ON applications BEGIN" APP_SUB
	" END",
	"postgresql:CREATE FUNCTION score_bins_keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	" IF TG_OP = 'INSERT' THEN" PG_BINS_UPSERT(PG_SCORES("new_rows", "")) " ELSIF TG_OP = 'UPDATE' THEN" PG_BINS_UPSERT(
		PG_SCORES("new_rows", "") " UNION ALL " PG_SCORES(
			"old_rows",
			"-")) " ELSE" PG_BINS_UPSERT(PG_SCORES("old_rows",
	                                                       "-") " WHERE " PG_OFFER_KEPT("old_rows")) " END IF; RETURN NULL; END $$",
	"postgresql:CREATE TRIGGER score_bins_insert AFTER INSERT ON scores"
	" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION score_bins_keep()",
	"postgresql:CREATE TRIGGER score_bins_update AFTER UPDATE ON scores"
	" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
	" FOR EACH STATEMENT EXECUTE FUNCTION score_bins_keep()",
	"postgresql:CREATE TRIGGER score_bins_delete AFTER DELETE ON scores"
	" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION score_bins_keep()",
	"postgresql:CREATE FUNCTION offer_app_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$"
	" BEGIN IF TG_OP = 'INSERT' THEN" PG_APPS_ADD " ELSE" PG_APPS_SUB " END IF;"
	" RETURN NULL; END $$",
	"postgresql:CREATE TRIGGER offer_app_counts_insert AFTER INSERT ON applications"
	" REFERENCING NEW TABLE AS new_rows"
	" FOR EACH STATEMENT EXECUTE FUNCTION offer_app_counts_keep()",
	"postgresql:CREATE TRIGGER offer_app_counts_delete AFTER DELETE ON applications"
	" REFERENCING OLD TABLE AS old_rows"
	" FOR EACH STATEMENT EXECUTE FUNCTION offer_app_counts_keep()",
	NULL
};

/*
 * Migration 21: the pages' generation (searchcache.c): one row whose gen
 * every write to what a list of offers shows bumps, by trigger: the
 * offers, the applications counted beside a recruiter's own, and the
 * recruiters' names (erasing an account blanks it). A kept page is used
 * only while no such row has changed since, whoever wrote it.
 */
static const char *const migration_21[] = {
	"CREATE TABLE pages_generation ("
	" id INTEGER PRIMARY KEY CHECK (id = 1), gen BIGINT NOT NULL)",
	"INSERT INTO pages_generation (id, gen) VALUES (1, 0)",
	"sqlite:CREATE TRIGGER pages_gen_offers_insert AFTER INSERT ON offers"
	" BEGIN UPDATE pages_generation SET gen = gen + 1 WHERE id = 1; END",
	"sqlite:CREATE TRIGGER pages_gen_offers_update AFTER UPDATE ON offers"
	" BEGIN UPDATE pages_generation SET gen = gen + 1 WHERE id = 1; END",
	"sqlite:CREATE TRIGGER pages_gen_offers_delete AFTER DELETE ON offers"
	" BEGIN UPDATE pages_generation SET gen = gen + 1 WHERE id = 1; END",
	"sqlite:CREATE TRIGGER pages_gen_apps_insert AFTER INSERT ON applications"
	" BEGIN UPDATE pages_generation SET gen = gen + 1 WHERE id = 1; END",
	"sqlite:CREATE TRIGGER pages_gen_apps_delete AFTER DELETE ON applications"
	" BEGIN UPDATE pages_generation SET gen = gen + 1 WHERE id = 1; END",
	"sqlite:CREATE TRIGGER pages_gen_names AFTER UPDATE OF display_name ON users"
	" BEGIN UPDATE pages_generation SET gen = gen + 1 WHERE id = 1; END",
	"postgresql:CREATE FUNCTION pages_gen_bump() RETURNS trigger LANGUAGE plpgsql AS $$"
	" BEGIN UPDATE pages_generation SET gen = gen + 1 WHERE id = 1; RETURN NULL; END $$",
	"postgresql:CREATE TRIGGER pages_gen_offers AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
	" ON offers FOR EACH STATEMENT EXECUTE FUNCTION pages_gen_bump()",
	"postgresql:CREATE TRIGGER pages_gen_apps AFTER INSERT OR DELETE OR TRUNCATE"
	" ON applications FOR EACH STATEMENT EXECUTE FUNCTION pages_gen_bump()",
	"postgresql:CREATE TRIGGER pages_gen_names AFTER UPDATE OF display_name"
	" ON users FOR EACH STATEMENT EXECUTE FUNCTION pages_gen_bump()",
	NULL
};

/*
 * Migration 22 (PostgreSQL only): a change of either generation, of a
 * session or of an account is told to the processes that listen
 * (genwatch.c), after the writer's commit, so that they keep the
 * generations and the sessions they read in memory instead of reading them
 * for every request. A new session changes no kept one: inserts are not
 * told. One notification a transaction and table: PostgreSQL folds the
 * same payload sent twice in one transaction.
 */
static const char *const migration_22[] = {
	"postgresql:CREATE FUNCTION generation_notify() RETURNS trigger LANGUAGE plpgsql AS $$"
	" BEGIN PERFORM pg_notify('offerapi_generations', TG_TABLE_NAME); RETURN NULL; END $$",
	"postgresql:CREATE TRIGGER offers_generation_notify AFTER UPDATE ON offers_generation"
	" FOR EACH STATEMENT EXECUTE FUNCTION generation_notify()",
	"postgresql:CREATE TRIGGER pages_generation_notify AFTER UPDATE ON pages_generation"
	" FOR EACH STATEMENT EXECUTE FUNCTION generation_notify()",
	"postgresql:CREATE TRIGGER sessions_notify AFTER UPDATE OR DELETE OR TRUNCATE ON sessions"
	" FOR EACH STATEMENT EXECUTE FUNCTION generation_notify()",
	"postgresql:CREATE TRIGGER users_notify AFTER UPDATE OR DELETE OR TRUNCATE ON users"
	" FOR EACH STATEMENT EXECUTE FUNCTION generation_notify()",
	NULL
};

/* The caches' bounds (searchcache.c): 16 searches of at most
 * OFFERAPI_SEARCH_MAX keys, 640 KiB; 32 pages of 128 KiB, 4 MiB. */
#define SEARCH_ENTRIES 16
#define SEARCH_BYTES ((size_t)OFFERAPI_SEARCH_MAX * sizeof(ks_row))
#define PAGE_ENTRIES 32
#define PAGE_BYTES ((size_t)128 * 1024)
/* PostgreSQL: the sessions read lately (users.c), 256 of at most 2 KiB */
#define SESSION_ENTRIES 256
#define SESSION_BYTES ((size_t)2048)

/* Index = version - 1. */
static const char *const *const migrations[] = {
	migration_1,  migration_2,  migration_3,  migration_4,  migration_5,  migration_6,
	migration_7,  migration_8,  migration_9,  migration_10, migration_11, migration_12,
	migration_13, migration_14, migration_15, migration_16, migration_17, migration_18,
	migration_19, migration_20, migration_21, migration_22
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof *migrations))

/* The number of migration @m, found in the array so that renumbering the
 * migrations at a merge needs no edit. */
static int version_of(const char *const *m)
{
	for (int v = 1; v <= NMIGRATIONS; v++)
		if (migrations[v - 1] == m)
			return v;
	return NMIGRATIONS + 1; /* not reached */
}

/* The migration that adds data_keys and cv_sealed. */
static int sealed_cvs_version(void)
{
	return version_of(migration_6);
}

int store_admin_role_version(void)
{
	return version_of(migration_17);
}

/* The migration that adds offers_generation. */
static int search_gen_version(void)
{
	return version_of(migration_15);
}

/* The migration that adds pages_generation. */
static int page_gen_version(void)
{
	return version_of(migration_21);
}

/* The migration whose triggers tell the generations' listeners. */
static int generation_notify_version(void)
{
	return version_of(migration_22);
}

int store_session_ids_version(void)
{
	return version_of(migration_18);
}

int store_dashboard_aggs_version(void)
{
	return version_of(migration_20);
}

/* Expand {{ID}}, {{BLOB}}, {{REAL}}, {{JSON}} for the backend. */
static char *expand(const db_backend *be, const char *sql)
{
	const struct {
		const char *token, *rep;
	} tokens[] = {
		{ "{{ID}}", be->id_type },
		{ "{{BLOB}}", be->blob_type },
		{ "{{REAL}}", be->real_type },
		{ "{{JSON}}", be->json_cast },
	};
	size_t cap = strlen(sql) * 2 + 256, n = 0;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	for (const char *p = sql; *p;) {
		const char *rep = NULL;
		size_t skip = 0;
		for (size_t t = 0; !rep && t < sizeof tokens / sizeof *tokens; t++)
			if (strncmp(p, tokens[t].token, strlen(tokens[t].token)) == 0) {
				rep = tokens[t].rep;
				skip = strlen(tokens[t].token);
			}
		if (rep) {
			size_t l = strlen(rep);
			if (n + l + 1 > cap) {
				free(out);
				return NULL;
			}
			memcpy(out + n, rep, l);
			n += l;
			p += skip;
		} else {
			if (n + 2 > cap) {
				free(out);
				return NULL;
			}
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
	return out;
}

/* @stmt without its "backend:" prefix, or NULL when it is for another
 * backend. */
static const char *for_backend(const db_backend *be, const char *stmt)
{
	const char *names[] = { db_sqlite_backend.name, db_pg_backend.name };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		size_t n = strlen(names[i]);
		if (strncmp(stmt, names[i], n) == 0 && stmt[n] == ':')
			return strcmp(be->name, names[i]) == 0 ? stmt + n + 1 : NULL;
	}
	return stmt;
}

/* Creates schema_migrations if missing. Two replicas starting at once
 * both try: under the migration lock (PostgreSQL's concurrent CREATE TABLE
 * IF NOT EXISTS can fail on its catalog's unique index, "type ... already
 * exists"); the loser sees the table. */
static int migrations_table(offerapi_store *s, db_conn *c)
{
	int rc = 0;
	bool locked = false;
	if (s->be->migration_lock_sql && (rc = db_begin(c)) == 0) {
		locked = true;
		rc = db_exec(c, s->be->migration_lock_sql, NULL, 0, NULL);
	}
	if (rc == 0)
		rc = db_exec(c,
		             "CREATE TABLE IF NOT EXISTS schema_migrations ("
		             " version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)",
		             NULL, 0, NULL);
	if (locked && rc == 0)
		rc = db_commit(c);
	else if (locked)
		db_rollback(c);
	if (rc == OFFERAPI_EEXISTS || rc == OFFERAPI_EREADONLY)
		return 0;
	if (locked && rc < 0) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", offerapi_error_last()->message);
		rc = oa_error(rc, "schema migration table: %s", msg);
	}
	return rc;
}

/* The CREATE statement of users_rebuild: users' own (@sql, as SQLite
 * keeps it, with the columns later migrations appended) under the new
 * name, its role CHECK widened to 3. Error set; *out malloc'd. */
static int users_rebuild_sql(const char *sql, char **out)
{
	static const char *const heads[] = { "CREATE TABLE users ", "CREATE TABLE \"users\" ",
		                             "CREATE TABLE users(", "CREATE TABLE \"users\"(" };
	static const char narrow[] = "CHECK (role IN (1, 2))", wide[] = "CHECK (role IN (1, 2, 3))",
			  head[] = "CREATE TABLE users_rebuild ";
	size_t skip = 0;
	for (size_t i = 0; !skip && i < sizeof heads / sizeof *heads; i++)
		if (!strncmp(sql, heads[i], strlen(heads[i])))
			skip = strlen(heads[i]) - (heads[i][strlen(heads[i]) - 1] == '(');
	const char *check = strstr(sql, narrow);
	if (!skip || !check)
		return oa_error(OFFERAPI_ERROR,
		                "users: its CREATE statement is not the one this migration widens");
	size_t n = strlen(sql) + sizeof head + sizeof wide;
	char *s = malloc(n);
	if (!s)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	snprintf(s, n, "%s%.*s%s%s", head, (int)(check - sql - (ptrdiff_t)skip), sql + skip, wide,
	         check + strlen(narrow));
	*out = s;
	return 0;
}

/* Run each statement of column 0 of @r on @c. */
static int exec_rows(db_conn *c, const db_result *r)
{
	int rc = 0;
	for (int i = 0; rc == 0 && i < r->nrows; i++)
		rc = db_exec(c, db_text(r, i, 0), NULL, 0, NULL);
	return rc;
}

/*
 * Migration 16 on SQLite, in its transaction with foreign keys off (else
 * dropping users would cascade to every table that references it): the
 * table rebuild of SQLite's documentation (ALTER TABLE, "Making Other
 * Kinds Of Table Schema Changes"): a new table, the rows copied, the old
 * one dropped, the new one renamed, users' indexes and triggers made again
 * from their stored statements, its AUTOINCREMENT counter kept (so that an
 * erased account's id is never given again); then PRAGMA
 * foreign_key_check must find nothing. The tables that reference users
 * name it, so they reference the new table once renamed.
 */
static int users_role_rebuild(db_conn *c)
{
	db_result *t = NULL, *aux = NULL, *seq = NULL, *bad = NULL;
	char *create = NULL;
	int rc = db_exec(c, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'users'",
	                 NULL, 0, &t);
	if (rc == 0 && t->nrows != 1)
		rc = oa_error(OFFERAPI_ERROR, "users: no such table");
	if (rc == 0)
		rc = users_rebuild_sql(db_text(t, 0, 0), &create);
	if (rc == 0)
		rc = db_exec(
			c,
			"SELECT sql FROM sqlite_master WHERE tbl_name = 'users'"
			" AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name",
			NULL, 0, &aux);
	if (rc == 0)
		rc = db_exec(c, "SELECT seq FROM sqlite_sequence WHERE name = 'users'", NULL, 0,
		             &seq);
	/* the rename in legacy mode: the modern one checks every trigger and
	 * view of the schema, and one of another table that names users would
	 * fail it while users is gone ("no such table"); legacy mode only
	 * renames, and nothing names users_rebuild */
	const char *steps[] = { create,
		                "INSERT INTO users_rebuild SELECT * FROM users",
		                "DROP TABLE users",
		                "PRAGMA legacy_alter_table = ON",
		                "ALTER TABLE users_rebuild RENAME TO users",
		                "PRAGMA legacy_alter_table = OFF" };
	for (size_t i = 0; rc == 0 && i < sizeof steps / sizeof *steps; i++)
		rc = db_exec(c, steps[i], NULL, 0, NULL);
	if (rc < 0) /* a failed rename must not leave the connection in legacy mode */
		db_exec(c, "PRAGMA legacy_alter_table = OFF", NULL, 0, NULL);
	if (rc == 0)
		rc = exec_rows(c, aux);
	if (rc == 0 && seq->nrows == 1)
		rc = db_exec(c,
		             "UPDATE sqlite_sequence SET seq = MAX(seq, $1) WHERE name = 'users'",
		             (db_param[]){ P_INT(db_int(seq, 0, 0)) }, 1, NULL);
	if (rc == 0)
		rc = db_exec(c, "PRAGMA foreign_key_check", NULL, 0, &bad);
	if (rc == 0 && bad->nrows > 0)
		rc = oa_error(OFFERAPI_ERROR, "users rebuilt: a row of %s breaks a foreign key",
		              db_text(bad, 0, 0));
	free(create);
	db_result_free(t);
	db_result_free(aux);
	db_result_free(seq);
	db_result_free(bad);
	return rc;
}

/* Whether migration @m has a step that needs SQLite's foreign keys off
 * (a PRAGMA that does nothing inside a transaction: set around it). */
static bool needs_fk_off(const offerapi_store *s, const char *const *m)
{
	for (; *m; m++) {
		const char *text = for_backend(s->be, *m);
		if (text && !strcmp(text, "{{USERS_ROLE_REBUILD}}"))
			return true;
	}
	return false;
}

/* Runs migration @v's statements on @c, inside the caller's transaction. */
static int migration_run(offerapi_store *s, db_conn *c, int v)
{
	int rc = 0;
	for (const char *const *stmt = migrations[v - 1]; rc == 0 && *stmt; stmt++) {
		const char *text = for_backend(s->be, *stmt);
		if (!text)
			continue;
		if (strcmp(text, "{{SEARCH_BACKFILL}}") == 0) {
			rc = offers_search_backfill(c);
			continue;
		}
		if (strcmp(text, "{{USERS_ROLE_REBUILD}}") == 0) {
			rc = users_role_rebuild(c);
			continue;
		}
		char *sql = expand(s->be, text);
		if (!sql)
			return oa_error(OFFERAPI_ENOMEM, "out of memory");
		rc = db_exec(c, sql, NULL, 0, NULL);
		free(sql);
	}
	if (rc == 0)
		rc = db_exec(c,
		             "INSERT INTO schema_migrations (version, applied_at)"
		             " VALUES ($1, $2)",
		             (db_param[]){ P_INT(v), P_INT(oa_now()) }, 2, NULL);
	return rc;
}

int store_locked_any(offerapi_store *s, db_conn *c, const char *sql, const db_param *p, int n,
                     bool *any)
{
	int rc = 0;
	if (s->be->migration_lock_sql)
		rc = db_exec(c, s->be->migration_lock_sql, NULL, 0, NULL);
	db_result *r = NULL;
	if (rc == 0)
		rc = db_exec(c, sql, p, n, &r);
	*any = rc == 0 && db_int(r, 0, 0) > 0;
	db_result_free(r);
	return rc;
}

/* Applies migration @v unless another replica has (checked under the lock). */
static int migration_apply(offerapi_store *s, db_conn *c, int v)
{
	int rc = db_begin(c);
	if (rc < 0)
		return rc;
	bool applied;
	rc = store_locked_any(s, c, "SELECT COUNT(*) FROM schema_migrations WHERE version = $1",
	                      (db_param[]){ P_INT(v) }, 1, &applied);
	if (rc == 0 && applied) {
		db_rollback(c);
		return 0;
	}
	if (rc == 0)
		rc = migration_run(s, c, v);
	if ((rc = db_end(c, rc)) < 0) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", offerapi_error_last()->message);
		/* conditions a caller acts on keep their code (retry later, free
		 * memory); anything else is a failed migration */
		rc = oa_error(rc == OFFERAPI_EUNAVAILABLE || rc == OFFERAPI_EREADONLY ||
		                              rc == OFFERAPI_EBUSY || rc == OFFERAPI_ENOMEM
		                      ? rc
		                      : OFFERAPI_ERROR,
		              "schema migration %d failed: %s", v, msg);
	}
	return rc;
}

static int migrate(offerapi_store *s, int upto)
{
	db_conn *c;
	int rc = store_conn(s, &c);
	if (rc < 0)
		return rc;
	rc = migrations_table(s, c);
	for (int v = 1; rc == 0 && v <= NMIGRATIONS && v <= upto; v++) {
		if (!migrations[v - 1])
			continue;
		db_result *r = NULL;
		rc = db_exec(c, "SELECT COUNT(*) FROM schema_migrations WHERE version = $1",
		             (db_param[]){ P_INT(v) }, 1, &r);
		bool applied = rc == 0 && db_int(r, 0, 0) > 0;
		db_result_free(r);
		if (rc < 0 || applied)
			continue;
		/* SQLite's PRAGMA does nothing inside a transaction: around it;
		 * the connection goes back to the pool with its foreign keys on */
		bool fk_off = needs_fk_off(s, migrations[v - 1]);
		if (fk_off && (rc = db_exec(c, "PRAGMA foreign_keys = OFF", NULL, 0, NULL)) < 0)
			break;
		rc = migration_apply(s, c, v);
		if (fk_off) {
			int on = db_exec(c, "PRAGMA foreign_keys = ON", NULL, 0, NULL);
			if (rc == 0)
				rc = on;
		}
	}
	db_release(s->pool, c);
	return rc;
}

int store_wal_truncate(db_conn *c)
{
	/* the PRAGMA answers (busy, log, checkpointed) and succeeds even when
	 * a reader kept it from finishing (busy = 1): try again for about two
	 * seconds, as readers come and go */
	for (int i = 0; i < 40; i++) {
		db_result *r = NULL;
		int rc = db_exec(c, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, 0, &r);
		bool busy = rc == 0 && r->nrows && db_int(r, 0, 0) != 0;
		db_result_free(r);
		if (rc < 0 || !busy)
			return rc;
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return oa_error(OFFERAPI_EBUSY, "WAL checkpoint: readers kept it from finishing for 2 s");
}

void store_wal_scrub(offerapi_store *s, db_conn *c, const char *what)
{
	if (!store_is_pg(s) && store_wal_truncate(c) < 0)
		oa_log(OFFERAPI_LOG_WARNING, "%s: WAL checkpoint: %s", what,
		       offerapi_error_last()->message);
}

int store_conn(offerapi_store *s, db_conn **out)
{
	search_reads_written(s); /* the caller may write with it */
	return db_acquire(s->pool, out);
}

void store_release(offerapi_store *s, db_conn *c)
{
	db_release(s->pool, c);
	gen_watch_written(s->watch); /* after what it wrote has committed */
}

bool store_is_pg(const offerapi_store *s)
{
	return strcmp(s->be->name, db_pg_backend.name) == 0;
}

void store_queue_lock(offerapi_store *s)
{
	if (!store_is_pg(s))
		pthread_mutex_lock(&s->jobs_write);
}

void store_queue_unlock(offerapi_store *s)
{
	if (!store_is_pg(s))
		pthread_mutex_unlock(&s->jobs_write);
}

int store_begin(offerapi_store *s, db_conn **out)
{
	*out = NULL;
	search_reads_written(s);
	int rc = db_acquire(s->pool, out);
	if (rc < 0)
		return rc;
	if ((rc = db_begin(*out)) < 0) {
		db_release(s->pool, *out);
		*out = NULL;
	}
	return rc;
}

int store_begin_exec(offerapi_store *s, db_conn **out, const char *sql, const db_param *p, int n,
                     db_result **res)
{
	int rc = store_begin(s, out);
	return rc < 0 ? rc : db_exec(*out, sql, p, n, res);
}

int store_end(offerapi_store *s, db_conn *c, int rc)
{
	if (!c)
		return rc;
	rc = db_end(c, rc);
	store_release(s, c);
	return rc;
}

int store_write(offerapi_store *s, const char *sql, const db_param *p, int n, db_result **out)
{
	db_conn *c;
	int rc = store_begin_exec(s, &c, sql, p, n, out);
	rc = store_end(s, c, rc);
	if (rc < 0 && out) {
		db_result_free(*out);
		*out = NULL;
	}
	return rc;
}

int store_exec(offerapi_store *s, const char *sql, const db_param *p, int n, db_result **out)
{
	bool write = strncmp(sql, "SELECT", 6) != 0; /* a write, or may be one */
	if (write)
		search_reads_written(s);
	db_conn *c;
	int rc = db_acquire(s->pool, &c);
	if (rc < 0)
		return rc;
	rc = db_exec(c, sql, p, n, out);
	if (write)
		store_release(s, c);
	else
		db_release(s->pool, c);
	return rc;
}

int store_batch(offerapi_store *s, int n, const db_stmt *stmts, db_result **out)
{
	/* reads only: nothing here tells the caches that anything changed */
	for (int k = 0; k < n; k++) {
		out[k] = NULL;
		if (strncmp(stmts[k].sql, "SELECT", 6) != 0)
			return oa_error(OFFERAPI_EINVAL,
			                "batch: statement %d of %d is not a SELECT", k + 1, n);
	}
	db_conn *c;
	int rc = db_acquire(s->pool, &c);
	if (rc < 0)
		return rc;
	rc = db_batch(c, n, stmts, out);
	db_release(s->pool, c);
	return rc;
}

int store_found(int rc, db_result **r, const char *what, offerapi_id id)
{
	if (rc < 0 || (*r)->nrows > 0)
		return rc;
	db_result_free(*r);
	*r = NULL;
	return oa_error(OFFERAPI_ENOTFOUND, "%s %lld: not found", what, (long long)id);
}

int store_count(offerapi_store *s, const char *from, const db_param *p, int n, int64_t *out)
{
	char sql[2048];
	if (snprintf(sql, sizeof sql, "SELECT COUNT(*)%s", from) >= (int)sizeof sql)
		return oa_error(OFFERAPI_ERROR, "count: a statement over %zu bytes", sizeof sql);
	db_result *r = NULL;
	int rc = store_exec(s, sql, p, n, &r);
	if (rc == 0)
		*out = db_int(r, 0, 0);
	db_result_free(r);
	return rc;
}

/* Size of a version-2 offerapi_store_options: it ended with cv_limits. */
#define STORE_OPTIONS_V2_SIZE offsetof(offerapi_store_options, data_key_file)

/* Size of a version-1 offerapi_store_options: it ended with a version-1
 * offerapi_cv_limits, which ended after max_text (no tail padding: both
 * end on a size_t). */
#define STORE_OPTIONS_V1_SIZE                                                                      \
	(offsetof(offerapi_store_options, cv_limits) + offsetof(offerapi_cv_limits, max_cpu_ms))

static int apply_defaults(offerapi_store_options *o, const offerapi_store_options *in)
{
	offerapi_store_options def = OFFERAPI_STORE_OPTIONS_INIT;
	if (in) {
		int rc = oa_check_version("store options", in->version,
		                          OFFERAPI_STORE_OPTIONS_VERSION);
		if (rc < 0)
			return rc;
		/* a version-1 struct is shorter: read only what it has */
		memcpy(&def, in,
		       in->version == 1   ? STORE_OPTIONS_V1_SIZE
		       : in->version == 2 ? STORE_OPTIONS_V2_SIZE
		                          : sizeof def);
		def.version = OFFERAPI_STORE_OPTIONS_VERSION; /* every field is set now */
	}
	*o = def;
	if (o->cv_limits.version > OFFERAPI_CV_LIMITS_VERSION)
		return oa_error(OFFERAPI_EINVAL,
		                "store options: cv_limits version %u, this library knows 1 to %u",
		                o->cv_limits.version, OFFERAPI_CV_LIMITS_VERSION);
	if (!o->pool_size)
		o->pool_size = 4;
	if (o->pool_size > 256)
		return oa_error(OFFERAPI_EINVAL, "store options: pool_size %u is over 256",
		                o->pool_size);
	if (!o->busy_timeout_ms)
		o->busy_timeout_ms = 5000;
	if (!o->connect_timeout_s)
		o->connect_timeout_s = 5;
	if (!o->pwhash_concurrency)
		o->pwhash_concurrency = 2;
	if (!o->pwhash_memlimit)
		o->pwhash_memlimit = (size_t)19 * 1024 * 1024;
	if (!o->pwhash_opslimit)
		o->pwhash_opslimit = 2;
	if (o->pwhash_memlimit < crypto_pwhash_MEMLIMIT_MIN ||
	    o->pwhash_opslimit < crypto_pwhash_OPSLIMIT_MIN)
		return oa_error(OFFERAPI_EINVAL,
		                "store options: Argon2id limits below libsodium's minimum");
	if (!o->session_ttl_s)
		o->session_ttl_s = 7 * 24 * 3600;
	if (o->cv_limits.version == 0)
		o->cv_limits = (offerapi_cv_limits)OFFERAPI_CV_LIMITS_INIT;
	return 0;
}

int offerapi_store_open(offerapi_store **out, const char *url, const offerapi_store_options *opts)
{
	return store_open_upto(out, url, opts, NMIGRATIONS);
}

int store_open_upto(offerapi_store **out, const char *url, const offerapi_store_options *opts,
                    int upto)
{
	if (!out || !url)
		return oa_error(OFFERAPI_EINVAL, "store: no database URL given");
	*out = NULL;
	const db_backend *be;
	if (strncmp(url, "sqlite:", 7) == 0)
		be = &db_sqlite_backend;
	else if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
		be = &db_pg_backend;
	else
		/* quote only the scheme: the rest may hold a password */
		return oa_error(
			OFFERAPI_EINVAL,
			"database URL must start with sqlite: or postgresql:// (got \"%.*s...\")",
			(int)strcspn(url, ":/@"), url);
	if (sodium_init() < 0)
		return oa_error(OFFERAPI_ERROR, "libsodium failed to initialise");

	offerapi_store *s = calloc(1, sizeof *s);
	if (!s)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	int rc = apply_defaults(&s->opts, opts);
	if (rc < 0) {
		free(s);
		return rc;
	}
	s->be = be;
	pthread_mutex_init(&s->pw_lock, NULL);
	pthread_cond_init(&s->pw_cond, NULL);
	pthread_mutex_init(&s->jobs_lock, NULL);
	pthread_mutex_init(&s->jobs_write, NULL);
	oa_cond_init_monotonic(&s->jobs_cond);
	db_config cfg = { s->opts.busy_timeout_ms, s->opts.connect_timeout_s };
	rc = db_pool_open(&s->pool, be, url, &cfg, s->opts.pool_size);
	if (rc == 0)
		rc = migrate(s, upto);
	/* the data key needs the migration of the sealed CVs (older stores
	 * made by the tests of migrations stop before it) */
	if (rc == 0 && upto >= sealed_cvs_version())
		rc = crypt_store_open(s, url);
	s->search_gen = upto >= search_gen_version();
	s->page_gen = upto >= page_gen_version();
	/* NULL on SQLite, and on a store its tests left before migration 22 */
	if (rc == 0 && upto >= generation_notify_version())
		s->watch = gen_watch_new(be, url, &cfg);
	if (rc == 0 && s->watch &&
	    !(s->sessions = search_cache_new(SESSION_ENTRIES, SESSION_BYTES)))
		rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
	if (rc == 0 && (!(s->search = search_cache_new(SEARCH_ENTRIES, SEARCH_BYTES)) ||
	                !(s->pages = search_cache_new(PAGE_ENTRIES, PAGE_BYTES))))
		rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
	if (rc < 0) {
		offerapi_store_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void offerapi_store_free(offerapi_store *s)
{
	if (!s)
		return;
	gen_watch_free(s->watch);
	db_pool_free(s->pool);
	crypt_store_close(s);
	pthread_cond_destroy(&s->pw_cond);
	pthread_mutex_destroy(&s->pw_lock);
	pthread_cond_destroy(&s->jobs_cond);
	pthread_mutex_destroy(&s->jobs_lock);
	pthread_mutex_destroy(&s->jobs_write);
	search_cache_free(s->search);
	search_cache_free(s->pages);
	search_cache_free(s->sessions);
	free(s->dummy_hash);
	free(s);
}

int offerapi_store_ping(offerapi_store *s)
{
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "store: NULL");
	db_result *r = NULL;
	int rc = store_exec(s, "SELECT 1", NULL, 0, &r);
	db_result_free(r);
	return rc;
}

const char *offerapi_store_backend(const offerapi_store *s)
{
	return s ? s->be->name : NULL;
}

int offerapi_store_schema_latest(void)
{
	return NMIGRATIONS;
}

int offerapi_store_schema_version(offerapi_store *s)
{
	db_result *r = NULL;
	int rc = store_exec(s, "SELECT MAX(version) FROM schema_migrations", NULL, 0, &r);
	if (rc < 0)
		return rc;
	int v = (int)db_int(r, 0, 0);
	db_result_free(r);
	return v;
}

int store_require_role(const offerapi_user *actor, offerapi_role role, const char *what)
{
	if (!actor)
		return oa_error(OFFERAPI_EPERM, "log in to %s", what);
	if (actor->role != role)
		return oa_error(OFFERAPI_EPERM, "only a %s can %s", offerapi_role_name(role), what);
	return 0;
}
