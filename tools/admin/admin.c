/*
 * offerapi-admin - the operator's command-line tool (issue 16), on the same
 * store URL and data key file as the server: the encryption key's commands,
 * the integrity check, a person's export and erasure, and the access log's
 * search, the retention purge; see docs/privacy.md.
 *
 * Exit status: 0 done; 1 the check found a problem; 2 usage error (a
 * field refused: named on stderr); 3 the store or a key file could not be
 * used; 4 no account has the login; 5 the output file could not be
 * written; 6 the login or address is taken, or the role cannot change.
 */
#include <errno.h>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <offerapi/offerapi.h>

#include "oacommon.h"

enum {
	EXIT_OK = 0,
	EXIT_FOUND = 1,
	EXIT_USAGE = 2,
	EXIT_STORE = 3,
	EXIT_NOUSER = 4,
	EXIT_OUT = 5,
	EXIT_TAKEN = 6
};

typedef struct admin {
	const char *db_url;
	const char *key_file;
	const char *new_key_file;
	const char *user; /* export: the account's login */
	const char *out; /* export: the archive to write */
	const char *format; /* export: zip (default) or tar.gz */
	const char *application; /* access-log: an application id */
	const char *since, *until; /* access-log: ISO 8601 dates or times (UTC) */
	const char *limit; /* access-log: most records shown */
	/* purge: the policy's days, as the server's options */
	const char *retention_days, *pool_days, *unverified_days, *warn_days;
	bool dry_run; /* purge: count only */
	const char *login, *role, *email, *display_name, *lang; /* user-create, user-list */
	const char *password_file; /* user-create: else the password is read on stdin */
	bool json;
	bool fr;
} admin;

static const char usage_fr[] =
	"Usage : offerapi-admin [OPTIONS] COMMANDE\n"
	"Outil de l'exploitant d'OffreAPI, sur la même base que le serveur.\n\n"
	"Commandes :\n"
	"  key-create FICHIER    créer un fichier de clé de données (mode 0600)\n"
	"  rotate-key            rechiffrer la clé des CV sous --new-key-file\n"
	"                        (aucun CV n'est rechiffré)\n"
	"  check                 vérifier que chaque CV chiffré s'ouvre\n"
	"  export --user LOGIN --out FICHIER [--format zip|tar.gz]\n"
	"                        toutes les données d'une personne dans une archive\n"
	"                        (droit d'accès) ; FICHIER ne doit pas exister\n"
	"  erase --user LOGIN    effacer ce compte et toutes ses données, tout de\n"
	"                        suite (droit à l'effacement ; irréversible)\n"
	"  erase-due             effacer les comptes dont le délai de grâce est passé\n"
	"  access-log [--user LOGIN] [--application ID] [--since DATE]\n"
	"             [--until DATE] [--limit N]\n"
	"                        qui a consulté quelle candidature, quand et d'où\n"
	"                        (les plus récentes d'abord ; DATE en UTC :\n"
	"                        AAAA-MM-JJ ou AAAA-MM-JJTHH:MM:SSZ)\n"
	"  purge [--dry-run] [--retention-days N] [--pool-days N]\n"
	"        [--unverified-days N] [--retention-warn-days N]\n"
	"                        la purge de conservation (docs/privacy.md) : les\n"
	"                        candidatures non retenues trop anciennes, les comptes\n"
	"                        jamais vérifiés, sessions et jetons expirés ; avec\n"
	"                        --dry-run, compter sans rien effacer\n"
	"  user-create --login L --role R [--email E] [--display-name N]\n"
	"             [--lang fr|en] [--password-file F]\n"
	"                        créer un compte (R : candidate, recruiter ou admin,\n"
	"                        le rôle de l'exploitant dans les pages web) ; le mot\n"
	"                        de passe est lu sur l'entrée standard (1re ligne)\n"
	"                        ou dans F, jamais sur la ligne de commande\n"
	"  user-list [--role R]  les comptes, les plus récents d'abord\n"
	"  user-set-role --login L --role R\n"
	"                        changer le rôle d'un compte qui n'a encore ni offre\n"
	"                        ni candidature\n\n"
	"Options :\n"
	"  --database URL        sqlite:CHEMIN ou postgresql://...\n"
	"                        env: OFFERAPI_DATABASE_URL (défaut sqlite:offerapi.db)\n"
	"  --data-key-file F     clé qui chiffre les CV (défaut sur SQLite : CHEMIN.key)\n"
	"                        env: OFFERAPI_DATA_KEY_FILE\n"
	"  --new-key-file F      la nouvelle clé (rotate-key)\n"
	"  --user LOGIN          le compte à exporter ou effacer (export, erase), ou\n"
	"                        qui a consulté (access-log)\n"
	"  --out FICHIER         l'archive à écrire, mode 0600 (export)\n"
	"  --format F            zip (défaut) ou tar.gz (export)\n"
	"  --application ID      une candidature (access-log)\n"
	"  --since DATE          à partir de DATE incluse (access-log)\n"
	"  --until DATE          avant DATE (access-log)\n"
	"  --limit N             au plus N lignes, 1000 par défaut (access-log)\n"
	"  --retention-days N    jours gardés après la dernière activité (730)\n"
	"  --pool-days N         jours de plus avec le consentement au vivier (730)\n"
	"  --unverified-days N   jours gardés d'un compte jamais vérifié (30)\n"
	"  --retention-warn-days N  jours de préavis par e-mail (30 ; 0 : aucun)\n"
	"  --dry-run             compter ce qui partirait, sans rien effacer (purge)\n"
	"  --login L             l'identifiant du compte (user-create, user-set-role)\n"
	"  --role R              candidate, recruiter ou admin (user-create,\n"
	"                        user-set-role ; user-list : ce rôle seulement)\n"
	"  --email E             son adresse ; un lien de vérification lui est envoyé\n"
	"  --display-name N      son nom affiché (défaut : l'identifiant)\n"
	"  --lang fr|en          la langue de ses e-mails (défaut fr)\n"
	"  --password-file F     lire le mot de passe dans F (1re ligne)\n"
	"  --json                résultat en JSON sur la sortie standard\n"
	"  --help, --version\n\n"
	"Codes de sortie : 0 fait ; 1 la vérification a trouvé un problème ;\n"
	"2 erreur d'usage ; 3 base ou fichier de clé inutilisable ;\n"
	"4 aucun compte n'a cet identifiant ; 5 impossible d'écrire le fichier ;\n"
	"6 identifiant ou adresse déjà pris, ou rôle qui ne peut changer.\n";

static const char usage_en[] =
	"Usage: offerapi-admin [OPTIONS] COMMAND\n"
	"The OffreAPI operator's tool, on the same database as the server.\n\n"
	"Commands:\n"
	"  key-create FILE       create a data key file (mode 0600)\n"
	"  rotate-key            re-wrap the CVs' data key under --new-key-file\n"
	"                        (no CV is re-encrypted)\n"
	"  check                 check that every encrypted CV opens\n"
	"  export --user LOGIN --out FILE [--format zip|tar.gz]\n"
	"                        all of one person's data in an archive (right of\n"
	"                        access); FILE must not exist\n"
	"  erase --user LOGIN    erase this account and all its data, now (right to\n"
	"                        erasure; cannot be undone)\n"
	"  erase-due             erase the accounts whose grace period is over\n"
	"  access-log [--user LOGIN] [--application ID] [--since DATE]\n"
	"             [--until DATE] [--limit N]\n"
	"                        who viewed which application, when and from where\n"
	"                        (newest first; DATE in UTC: YYYY-MM-DD or\n"
	"                        YYYY-MM-DDTHH:MM:SSZ)\n"
	"  purge [--dry-run] [--retention-days N] [--pool-days N]\n"
	"        [--unverified-days N] [--retention-warn-days N]\n"
	"                        the retention purge (docs/privacy.md): non-hired\n"
	"                        applications past their keeping, accounts never\n"
	"                        verified, expired sessions and tokens; with\n"
	"                        --dry-run, count without deleting anything\n"
	"  user-create --login L --role R [--email E] [--display-name N]\n"
	"             [--lang fr|en] [--password-file F]\n"
	"                        create an account (R: candidate, recruiter or admin,\n"
	"                        the operator's role in the web pages); the password\n"
	"                        is read on standard input (first line) or from F,\n"
	"                        never from the command line\n"
	"  user-list [--role R]  the accounts, newest first\n"
	"  user-set-role --login L --role R\n"
	"                        change the role of an account that has no offer\n"
	"                        and no application yet\n\n"
	"Options:\n"
	"  --database URL        sqlite:PATH or postgresql://...\n"
	"                        env: OFFERAPI_DATABASE_URL (default sqlite:offerapi.db)\n"
	"  --data-key-file F     key that encrypts the CVs (default on SQLite: PATH.key)\n"
	"                        env: OFFERAPI_DATA_KEY_FILE\n"
	"  --new-key-file F      the new key (rotate-key)\n"
	"  --user LOGIN          the account to export or erase (export, erase), or\n"
	"                        the viewer (access-log)\n"
	"  --out FILE            the archive to write, mode 0600 (export)\n"
	"  --format F            zip (default) or tar.gz (export)\n"
	"  --application ID      one application (access-log)\n"
	"  --since DATE          from DATE on, included (access-log)\n"
	"  --until DATE          before DATE (access-log)\n"
	"  --limit N             at most N records, default 1000 (access-log)\n"
	"  --retention-days N    days kept after the last activity (730)\n"
	"  --pool-days N         days more with the pool consent (730)\n"
	"  --unverified-days N   days an account never verified is kept (30)\n"
	"  --retention-warn-days N  days of notice by e-mail (30; 0: none)\n"
	"  --dry-run             count what would go, delete nothing (purge)\n"
	"  --login L             the account's login (user-create, user-set-role)\n"
	"  --role R              candidate, recruiter or admin (user-create,\n"
	"                        user-set-role; user-list: this role only)\n"
	"  --email E             its address; a verification link is sent to it\n"
	"  --display-name N      its display name (default: the login)\n"
	"  --lang fr|en          the language of its e-mails (default fr)\n"
	"  --password-file F     read the password from F (first line)\n"
	"  --json                print the result as JSON on standard output\n"
	"  --help, --version\n\n"
	"Exit status: 0 done; 1 the check found a problem; 2 usage error;\n"
	"3 the database or a key file could not be used; 4 no account has the\n"
	"login; 5 the output file could not be written; 6 the login or address\n"
	"is taken, or the role cannot change.\n";

static void usage(FILE *f, bool fr)
{
	fputs(fr ? usage_fr : usage_en, f);
}

/* A JSON string of @s (file names, messages: printable text). */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static int fail(const admin *a, const char *what)
{
	const char *msg = offerapi_error_last()->message;
	if (a->json) {
		printf("{\"ok\":false,\"error\":");
		json_str(msg);
		printf("}\n");
	}
	fprintf(stderr, "offerapi-admin: %s: %s\n", what, msg);
	return EXIT_STORE;
}

/* A usage error of command @cmd, in the user's language: exit status 2. */
static int usage_error(const admin *a, const char *cmd, const char *msg_fr, const char *msg_en)
{
	fprintf(stderr, "offerapi-admin: %s: %s\n", cmd, a->fr ? msg_fr : msg_en);
	return EXIT_USAGE;
}

static void lib_log(offerapi_log_level level, const char *msg, void *payload)
{
	(void)payload;
	fprintf(stderr, "offerapi-admin: %s: %s\n", level == OFFERAPI_LOG_ERROR ? "error" : "note",
	        msg);
}

static int open_store(const admin *a, offerapi_store **s)
{
	offerapi_store_options so = OFFERAPI_STORE_OPTIONS_INIT;
	so.pool_size = 2;
	so.data_key_file = a->key_file;
	if (offerapi_store_open(s, a->db_url, &so) < 0)
		return fail(a, a->fr ? "impossible d'ouvrir la base" : "cannot open the database");
	if (!offerapi_store_data_key_file(*s)) {
		offerapi_store_free(*s);
		fprintf(stderr, "offerapi-admin: %s\n",
		        a->fr ? "aucune clé de données : donnez --data-key-file"
		              : "no data key: give --data-key-file");
		return EXIT_STORE;
	}
	return EXIT_OK;
}

static int cmd_key_create(const admin *a, const char *path)
{
	if (offerapi_data_key_create(path) < 0)
		return fail(a, a->fr ? "création de la clé" : "key creation");
	if (a->json) {
		printf("{\"ok\":true,\"key_file\":");
		json_str(path);
		printf("}\n");
	} else {
		printf(a->fr ? "clé créée : %s (mode 0600) ; sauvegardez-la à part de la base\n"
		             : "key created: %s (mode 0600); back it up apart from the database\n",
		       path);
	}
	return EXIT_OK;
}

static int cmd_rotate(const admin *a)
{
	if (!a->new_key_file)
		return usage_error(a, "rotate-key", "--new-key-file manque",
		                   "--new-key-file is missing");
	offerapi_store *s;
	int rc = open_store(a, &s);
	if (rc != EXIT_OK)
		return rc;
	if (offerapi_store_rotate_key(s, a->new_key_file) < 0) {
		rc = fail(a, "rotate-key");
		offerapi_store_free(s);
		return rc;
	}
	offerapi_store_free(s);
	if (a->json) {
		printf("{\"ok\":true,\"key_file\":");
		json_str(a->new_key_file);
		printf("}\n");
	} else {
		printf(a->fr ? "clé de données rechiffrée sous %s : redémarrez les serveurs avec "
		               "ce fichier\n"
		             : "data key re-wrapped under %s: restart the servers with this file\n",
		       a->new_key_file);
	}
	return EXIT_OK;
}

static int cmd_check(const admin *a)
{
	offerapi_store *s;
	int rc = open_store(a, &s);
	if (rc != EXIT_OK)
		return rc;
	offerapi_cv_check c;
	if (offerapi_store_check_cvs(s, &c) < 0) {
		rc = fail(a, "check");
		offerapi_store_free(s);
		return rc;
	}
	offerapi_store_free(s);
	bool ok = c.damaged == 0 && c.plaintext == 0;
	if (a->json)
		printf("{\"ok\":%s,\"cvs_sealed\":%zu,\"cvs_damaged\":%zu,"
		       "\"first_damaged_application\":%lld,\"cvs_plaintext\":%zu}\n",
		       ok ? "true" : "false", c.sealed, c.damaged, (long long)c.first_damaged,
		       c.plaintext);
	else
		printf(a->fr ? "CV chiffrés : %zu ; endommagés : %zu%s ; en clair : %zu\n"
		             : "encrypted CVs: %zu; damaged: %zu%s; in plain text: %zu\n",
		       c.sealed, c.damaged,
		       c.damaged ? (a->fr ? " (voir --json)" : " (see --json)") : "", c.plaintext);
	return ok ? EXIT_OK : EXIT_FOUND;
}

/* The archive's file, written as the export goes. */
typedef struct out_file {
	int fd;
	int err; /* errno of the first failed write, or 0 */
} out_file;

static int write_out(const void *data, size_t len, void *payload)
{
	out_file *o = payload;
	const char *p = data;
	while (len > 0) {
		ssize_t n = write(o->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			o->err = n < 0 ? errno : EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The account of --user, or an exit status other than EXIT_OK (@cmd
 * names the command in the message). */
static int find_user(const admin *a, offerapi_store *s, const char *cmd, offerapi_user **u)
{
	int rc = offerapi_user_get_by_login(s, a->user, u);
	if (rc == 0)
		return EXIT_OK;
	const char *msg = offerapi_error_last()->message;
	if (a->json) {
		printf("{\"ok\":false,\"error\":");
		json_str(msg);
		printf("}\n");
	}
	fprintf(stderr, "offerapi-admin: %s: %s: %s\n", cmd, a->user, msg);
	return rc == OFFERAPI_ENOTFOUND                          ? EXIT_NOUSER
	       : rc == OFFERAPI_EINVAL || rc == OFFERAPI_ETOOBIG ? EXIT_USAGE
	                                                         : EXIT_STORE;
}

/* The output file @path failed with @err: EXIT_OUT, said on stderr (and
 * on stdout with --json). */
static int out_fail(const admin *a, const char *path, int err)
{
	if (a->json) {
		printf("{\"ok\":false,\"error\":");
		json_str(strerror(err));
		printf(",\"file\":");
		json_str(path);
		printf("}\n");
	}
	fprintf(stderr, "offerapi-admin: export: %s: %s\n", path, strerror(err));
	return EXIT_OUT;
}

/* Write the archive of @u to --out (created, never overwritten; removed
 * when the export fails). */
static int export_write(const admin *a, offerapi_store *s, const offerapi_user *u,
                        offerapi_export_format f)
{
	out_file o = { open(a->out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600), 0 };
	if (o.fd < 0)
		return out_fail(a, a->out, errno);
	int rc = offerapi_user_export(s, u->id, f, write_out, &o);
	if (rc == 0 && fsync(o.fd) < 0)
		o.err = errno;
	if (close(o.fd) < 0 && !o.err)
		o.err = errno;
	if (rc == 0 && !o.err)
		return EXIT_OK;
	unlink(a->out);
	if (o.err)
		return out_fail(a, a->out, o.err);
	char what[OFFERAPI_LOGIN_MAX + 32];
	snprintf(what, sizeof what, "export %s", u->login);
	return fail(a, what);
}

static int cmd_export(const admin *a)
{
	offerapi_export_format f;
	if (!a->user)
		return usage_error(a, "export", "--user manque", "--user is missing");
	if (!a->out)
		return usage_error(a, "export", "--out manque", "--out is missing");
	if (offerapi_export_format_parse(&f, a->format) < 0)
		return usage_error(a, "export", "--format : zip ou tar.gz",
		                   "--format: zip or tar.gz");
	offerapi_store *s;
	int rc = open_store(a, &s);
	if (rc != EXIT_OK)
		return rc;
	offerapi_user *u = NULL;
	if ((rc = find_user(a, s, "export", &u)) == EXIT_OK)
		rc = export_write(a, s, u, f);
	if (rc == EXIT_OK) {
		if (a->json) {
			printf("{\"ok\":true,\"user\":");
			json_str(u->login);
			printf(",\"file\":");
			json_str(a->out);
			printf(",\"format\":\"%s\"}\n", offerapi_export_format_name(f));
		} else {
			printf(a->fr ? "données de %s écrites dans %s (%s, mode 0600)\n"
			             : "data of %s written to %s (%s, mode 0600)\n",
			       u->login, a->out, offerapi_export_format_name(f));
		}
	}
	offerapi_user_free(u);
	offerapi_store_free(s);
	return rc;
}

static int log_usage(const admin *a, const char *msg_fr, const char *msg_en, const char *v)
{
	fprintf(stderr, "offerapi-admin: access-log: %s%s%s\n", a->fr ? msg_fr : msg_en,
	        v ? ": " : "", v ? v : "");
	return EXIT_USAGE;
}

/* @s as Unix time: YYYY-MM-DD (midnight) or YYYY-MM-DDTHH:MM:SS with an
 * optional Z, in UTC. -1 when it is neither or not a real date. */
static int64_t parse_iso(const char *s)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	size_t len = strlen(s);
	if (len == 10) {
		if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
			return -1;
	} else if (len == 19 || (len == 20 && s[19] == 'Z')) {
		if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
		    n != 19)
			return -1;
	} else {
		return -1;
	}
	/* digits where digits go: sscanf would take a sign or a space */
	const char *shape = "dddd-dd-ddTdd:dd:dd";
	for (size_t i = 0; i < 19 && i < len; i++)
		if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != shape[i])
			return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59)
		return -1;
	struct tm tm = { .tm_year = y - 1900,
		         .tm_mon = mo - 1,
		         .tm_mday = d,
		         .tm_hour = h,
		         .tm_min = mi,
		         .tm_sec = sec };
	time_t t = timegm(&tm);
	if (t < 0 || tm.tm_mday != d) /* 31 February rolls over: refused */
		return -1;
	return (int64_t)t;
}

static void iso_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm))
		strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	else
		snprintf(out, 32, "%lld", (long long)t);
}

/* Print the records of @l: TSV with a header line, or --json. */
static void log_print(const admin *a, const offerapi_access_list *l)
{
	if (a->json)
		printf("{\"ok\":true,\"count\":%zu,\"truncated\":%s,\"records\":[", l->count,
		       l->truncated ? "true" : "false");
	else
		printf("%s\n", a->fr ? "date\tcandidature\toffre\tquoi\tpar\tnom\tadresse"
		                     : "time\tapplication\toffer\tkind\tviewer\tname\taddress");
	for (size_t i = 0; i < l->count; i++) {
		const offerapi_access *v = &l->items[i];
		char at[32];
		iso_time(v->at, at);
		const char *kind = offerapi_access_kind_name(v->kind);
		if (a->json) {
			printf("%s{\"id\":%lld,\"at\":\"%s\",\"application_id\":%lld,"
			       "\"offer_id\":%lld,\"kind\":\"%s\",\"user_id\":",
			       i ? "," : "", (long long)v->id, at, (long long)v->application_id,
			       (long long)v->offer_id, kind ? kind : "?");
			if (v->user_id)
				printf("%lld", (long long)v->user_id);
			else
				printf("null");
			printf(",\"login\":");
			json_str(v->viewer_login);
			printf(",\"name\":");
			json_str(v->viewer_name);
			printf(",\"address\":");
			json_str(v->address);
			printf("}");
		} else {
			/* a display name may hold a tab: shown as a space */
			printf("%s\t%lld\t%lld\t%s\t%s\t", at, (long long)v->application_id,
			       (long long)v->offer_id, kind ? kind : "?",
			       *v->viewer_login ? v->viewer_login : "-");
			for (const char *p = v->viewer_name; *p; p++)
				putchar((unsigned char)*p < ' ' ? ' ' : *p);
			printf("\t%s\n", v->address);
		}
	}
	if (a->json)
		printf("]}\n");
	else if (l->truncated)
		fprintf(stderr, "offerapi-admin: access-log: %s\n",
		        a->fr ? "d'autres lignes correspondent : resserrez la recherche ou --limit"
		              : "more records match: narrow the search or raise --limit");
}

static int cmd_access_log(const admin *a)
{
	offerapi_access_query q = OFFERAPI_ACCESS_QUERY_INIT;
	char *end;
	if (a->application) {
		long long id = strtoll(a->application, &end, 10);
		if (*end || end == a->application || id <= 0)
			return log_usage(a, "--application : un numéro de candidature",
			                 "--application: an application number", a->application);
		q.application_id = id;
	}
	if (a->since && (q.since = parse_iso(a->since)) < 0)
		return log_usage(a, "--since : AAAA-MM-JJ ou AAAA-MM-JJTHH:MM:SSZ",
		                 "--since: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ", a->since);
	if (a->until && (q.until = parse_iso(a->until)) < 0)
		return log_usage(a, "--until : AAAA-MM-JJ ou AAAA-MM-JJTHH:MM:SSZ",
		                 "--until: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ", a->until);
	if (a->since && a->until && q.since > q.until)
		return log_usage(a, "--since après --until", "--since is after --until", NULL);
	if (a->limit) {
		long long n = strtoll(a->limit, &end, 10);
		if (*end || end == a->limit || n < 1 || n > OFFERAPI_ACCESS_SEARCH_MAX)
			return log_usage(a, "--limit : de 1 à 100000", "--limit: 1 to 100000",
			                 a->limit);
		q.limit = (size_t)n;
	}
	offerapi_store *s;
	int rc = open_store(a, &s);
	if (rc != EXIT_OK)
		return rc;
	offerapi_user *u = NULL;
	if (a->user && (rc = find_user(a, s, "access-log", &u)) != EXIT_OK) {
		offerapi_store_free(s);
		return rc;
	}
	q.user_id = u ? u->id : 0;
	offerapi_user_free(u);
	offerapi_access_list *l = NULL;
	if (offerapi_access_search(s, &q, &l) < 0)
		rc = fail(a, "access-log");
	else
		log_print(a, l);
	offerapi_access_list_free(l);
	offerapi_store_free(s);
	return rc;
}

static int cmd_erase(const admin *a)
{
	if (!a->user)
		return usage_error(a, "erase", "--user manque", "--user is missing");
	offerapi_store *s;
	int rc = open_store(a, &s);
	if (rc != EXIT_OK)
		return rc;
	offerapi_user *u = NULL;
	offerapi_erase_info info;
	if ((rc = find_user(a, s, "erase", &u)) == EXIT_OK &&
	    offerapi_user_erase(s, u->id, &info) < 0) {
		char what[OFFERAPI_LOGIN_MAX + 32];
		snprintf(what, sizeof what, "erase %s", u->login);
		rc = fail(a, what);
	}
	if (rc == EXIT_OK) {
		if (a->json) {
			printf("{\"ok\":true,\"user\":");
			json_str(u->login);
			printf(",\"applications\":%lld,\"offers_kept\":%lld,\"messages\":%lld}\n",
			       (long long)info.applications, (long long)info.offers_kept,
			       (long long)info.messages);
		} else {
			printf(a->fr ? "compte %s effacé : %lld candidature(s) supprimée(s), %lld offre(s) "
			               "gardée(s) au nom d'un ancien recruteur, %lld message(s) "
			               "supprimé(s)\n"
			             : "account %s erased: %lld application(s) removed, %lld offer(s) "
			               "kept as a former recruiter's, %lld message(s) removed\n",
			       u->login, (long long)info.applications, (long long)info.offers_kept,
			       (long long)info.messages);
		}
	}
	offerapi_user_free(u);
	offerapi_store_free(s);
	return rc;
}

static int cmd_erase_due(const admin *a)
{
	offerapi_store *s;
	int rc = open_store(a, &s);
	if (rc != EXIT_OK)
		return rc;
	int64_t n = 0;
	if (offerapi_user_erase_due(s, (int64_t)time(NULL), &n) < 0)
		rc = fail(a, "erase-due");
	offerapi_store_free(s);
	if (rc == EXIT_OK) {
		if (a->json)
			printf("{\"ok\":true,\"erased\":%lld}\n", (long long)n);
		else
			printf(a->fr ? "comptes effacés : %lld\n" : "accounts erased: %lld\n",
			       (long long)n);
	}
	return rc;
}

/* @v (an option's value, NULL: @def) as a number of days from @lo to @hi
 * into *@out; false with a message. */
static bool days_arg(const admin *a, const char *opt, const char *v, unsigned def, unsigned lo,
                     unsigned hi, unsigned *out)
{
	*out = def;
	if (!v)
		return true;
	char *end;
	long long n = strtoll(v, &end, 10);
	if (*end || end == v || n < lo || n > hi) {
		fprintf(stderr,
		        a->fr ? "offerapi-admin: purge: %s : de %u à %u jours, pas %s\n"
		              : "offerapi-admin: purge: %s: %u to %u days, not %s\n",
		        opt, lo, hi, v);
		return false;
	}
	*out = (unsigned)n;
	return true;
}

static void purge_print(const admin *a, const offerapi_retention_counts *n)
{
	if (a->json) {
		printf("{\"ok\":true,\"dry_run\":%s,\"applications\":%lld,\"warned\":%lld,"
		       "\"accounts\":%lld,\"sessions\":%lld,\"tokens\":%lld}\n",
		       a->dry_run ? "true" : "false", (long long)n->applications,
		       (long long)n->warned, (long long)n->accounts, (long long)n->sessions,
		       (long long)n->tokens);
		return;
	}
	printf(a->fr ? "%s : %lld candidature(s), %lld préavis envoyé(s), %lld compte(s) non "
	               "vérifié(s), %lld session(s), %lld jeton(s)\n"
	             : "%s: %lld application(s), %lld warning(s) sent, %lld unverified "
	               "account(s), %lld session(s), %lld token(s)\n",
	       a->dry_run
	               ? (a->fr ? "purge à blanc (rien n'est effacé)" : "dry run (nothing deleted)")
	               : (a->fr ? "purge faite" : "purged"),
	       (long long)n->applications, (long long)n->warned, (long long)n->accounts,
	       (long long)n->sessions, (long long)n->tokens);
}

static int cmd_purge(const admin *a)
{
	offerapi_retention_policy p = OFFERAPI_RETENTION_POLICY_INIT;
	if (!days_arg(a, "--retention-days", a->retention_days, p.application_days, 1,
	              OFFERAPI_RETENTION_DAYS_MAX, &p.application_days) ||
	    !days_arg(a, "--pool-days", a->pool_days, p.pool_days, 0, OFFERAPI_RETENTION_DAYS_MAX,
	              &p.pool_days) ||
	    !days_arg(a, "--unverified-days", a->unverified_days, p.unverified_days, 1,
	              OFFERAPI_RETENTION_DAYS_MAX, &p.unverified_days) ||
	    !days_arg(a, "--retention-warn-days", a->warn_days, p.warn_days, 0, 365, &p.warn_days))
		return EXIT_USAGE;
	p.dry_run = a->dry_run;
	offerapi_store *s;
	int rc = open_store(a, &s);
	if (rc != EXIT_OK)
		return rc;
	offerapi_retention_counts n;
	if (offerapi_retention_purge(s, &p, (int64_t)time(NULL), &n) < 0)
		rc = fail(a, "purge");
	offerapi_store_free(s);
	if (rc == EXIT_OK)
		purge_print(a, &n);
	return rc;
}

/* ---- accounts: user-create, user-list, user-set-role ---- */

/* A library error of @cmd as an exit status: a field refused is a usage
 * error, a taken login or address or a role that cannot change is 6. */
static int user_fail(const admin *a, const char *cmd, int rc)
{
	int code = fail(a, cmd);
	if (rc == OFFERAPI_EINVAL || rc == OFFERAPI_ETOOBIG)
		return EXIT_USAGE;
	if (rc == OFFERAPI_EEXISTS || rc == OFFERAPI_ECONFLICT)
		return EXIT_TAKEN;
	if (rc == OFFERAPI_ENOTFOUND)
		return EXIT_NOUSER;
	return code;
}

/* Read the first line of @f into @pw (its end of line removed): 0, or -1
 * when there is none or it is longer than OFFERAPI_PASSWORD_MAX. */
static int read_line(FILE *f, char pw[OFFERAPI_PASSWORD_MAX + 2])
{
	if (!fgets(pw, OFFERAPI_PASSWORD_MAX + 2, f))
		return -1;
	size_t n = strlen(pw);
	bool eol = n > 0 && pw[n - 1] == '\n';
	if (eol)
		pw[--n] = '\0';
	if (n > 0 && pw[n - 1] == '\r')
		pw[--n] = '\0';
	if (!eol && n > OFFERAPI_PASSWORD_MAX)
		return -1;
	return 0;
}

/* The password of user-create: from --password-file, or standard input
 * (not echoed when it is a terminal). */
static int read_password(const admin *a, char pw[OFFERAPI_PASSWORD_MAX + 2])
{
	if (a->password_file) {
		FILE *f = fopen(a->password_file, "r");
		if (!f) {
			fprintf(stderr, "offerapi-admin: user-create: %s: %s\n", a->password_file,
			        strerror(errno));
			return EXIT_USAGE;
		}
		int rc = read_line(f, pw);
		fclose(f);
		return rc < 0 ? usage_error(a, "user-create",
		                            "le fichier n'a pas de mot de passe, ou trop long",
		                            "the file holds no password, or one too long")
		              : EXIT_OK;
	}
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	if (tty) {
		fputs(a->fr ? "Mot de passe : " : "Password: ", stderr);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	int rc = read_line(stdin, pw);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	return rc < 0 ? usage_error(a, "user-create",
	                            "aucun mot de passe sur l'entrée standard, ou trop long",
	                            "no password on standard input, or one too long")
	              : EXIT_OK;
}

static void user_json(const offerapi_user *u)
{
	printf("{\"id\":%lld,\"login\":", (long long)u->id);
	json_str(u->login);
	printf(",\"display_name\":");
	json_str(u->display_name);
	printf(",\"role\":\"%s\",\"email\":", offerapi_role_name(u->role));
	if (u->email)
		json_str(u->email);
	else
		printf("null");
	printf(",\"email_verified\":%s,\"created_at\":%lld}",
	       u->email_verified_at ? "true" : "false", (long long)u->created_at);
}

static int user_create(const admin *a, offerapi_store *s, offerapi_role role, const char *pw)
{
	const char *name = a->display_name ? a->display_name : a->login;
	offerapi_user *u = NULL;
	int rc = a->email ? offerapi_user_create_with_email(s, a->login, name, pw, role, a->email,
	                                                    a->lang ? a->lang : "fr", &u)
	                  : offerapi_user_create(s, a->login, name, pw, role, &u);
	if (rc < 0)
		return user_fail(a, "user-create", rc);
	if (a->json) {
		printf("{\"ok\":true,\"user\":");
		user_json(u);
		printf("}\n");
	} else {
		printf(a->fr ? "compte créé : %s (%s, n° %lld)\n"
		             : "account created: %s (%s, #%lld)\n",
		       u->login, offerapi_role_name(u->role), (long long)u->id);
	}
	offerapi_user_free(u);
	return EXIT_OK;
}

/* The --login and --role that @cmd needs (the role into *@role), or a
 * usage error. */
static int login_and_role(const admin *a, const char *cmd, offerapi_role *role)
{
	if (!a->login)
		return usage_error(a, cmd, "--login manque", "--login is missing");
	if (!a->role || offerapi_role_parse(role, a->role) < 0)
		return usage_error(a, cmd, "--role : candidate, recruiter ou admin",
		                   "--role: candidate, recruiter or admin");
	return EXIT_OK;
}

static int cmd_user_create(const admin *a)
{
	offerapi_role role;
	int rc = login_and_role(a, "user-create", &role);
	if (rc != EXIT_OK)
		return rc;
	if (a->lang && !a->email)
		return usage_error(a, "user-create", "--lang va avec --email",
		                   "--lang goes with --email");
	char pw[OFFERAPI_PASSWORD_MAX + 2];
	rc = read_password(a, pw);
	offerapi_store *s = NULL;
	if (rc == EXIT_OK)
		rc = open_store(a, &s);
	if (rc == EXIT_OK)
		rc = user_create(a, s, role, pw);
	explicit_bzero(pw, sizeof pw);
	offerapi_store_free(s);
	return rc;
}

/* Print one account: TSV (id, login, role, name, address, created). */
static void user_row(const offerapi_user *u)
{
	char at[32];
	iso_time(u->created_at, at);
	printf("%lld\t%s\t%s\t", (long long)u->id, u->login, offerapi_role_name(u->role));
	for (const char *p = u->display_name; *p; p++)
		putchar((unsigned char)*p < ' ' ? ' ' : *p);
	printf("\t%s\t%s\n", u->email ? u->email : "-", at);
}

static int cmd_user_list(const admin *a)
{
	offerapi_role role = 0;
	if (a->role && offerapi_role_parse(&role, a->role) < 0)
		return usage_error(a, "user-list", "--role : candidate, recruiter ou admin",
		                   "--role: candidate, recruiter or admin");
	offerapi_store *s;
	int rc = open_store(a, &s);
	if (rc != EXIT_OK)
		return rc;
	offerapi_page page = OFFERAPI_PAGE_INIT;
	page.limit = OFFERAPI_PAGE_MAX;
	char cursor[OFFERAPI_CURSOR_MAX];
	size_t n = 0;
	for (;;) {
		offerapi_user_list *l = NULL;
		if (offerapi_user_list_page(s, role, &page, &l) < 0) {
			/* after the first page, with --json, the array begun is
			 * left open: stdout is not JSON then, the exit status
			 * says so */
			rc = fail(a, "user-list");
			break;
		}
		if (!page.cursor && a->json)
			printf("{\"ok\":true,\"users\":[");
		else if (!page.cursor)
			printf("%s\n", a->fr ? "n°\tidentifiant\trôle\tnom\tadresse\tcréé"
			                     : "id\tlogin\trole\tname\temail\tcreated");
		for (size_t i = 0; i < l->count; i++, n++) {
			if (a->json) {
				printf(n ? "," : "");
				user_json(l->items[i]);
			} else {
				user_row(l->items[i]);
			}
		}
		bool more = l->next != NULL;
		if (more)
			snprintf(cursor, sizeof cursor, "%s", l->next);
		offerapi_user_list_free(l);
		if (!more)
			break;
		page.cursor = cursor;
	}
	if (rc == EXIT_OK && a->json)
		printf("],\"count\":%zu}\n", n);
	offerapi_store_free(s);
	return rc;
}

static int cmd_user_set_role(const admin *a)
{
	offerapi_role role;
	int rc = login_and_role(a, "user-set-role", &role);
	if (rc != EXIT_OK)
		return rc;
	offerapi_store *s;
	if ((rc = open_store(a, &s)) != EXIT_OK)
		return rc;
	offerapi_user *u = NULL;
	admin b = *a;
	b.user = a->login;
	if ((rc = find_user(&b, s, "user-set-role", &u)) == EXIT_OK) {
		int lr = offerapi_user_set_role(s, u->id, role);
		if (lr < 0)
			rc = user_fail(a, "user-set-role", lr);
	}
	if (rc == EXIT_OK) {
		if (a->json)
			printf("{\"ok\":true,\"login\":\"%s\",\"role\":\"%s\"}\n", u->login,
			       offerapi_role_name(role));
		else
			printf(a->fr ? "%s est maintenant %s\n" : "%s is now %s\n", u->login,
			       offerapi_role_name(role));
	}
	offerapi_user_free(u);
	offerapi_store_free(s);
	return rc;
}

/* The value of option @argv[*i] (advancing *i), or NULL with a message. */
static const char *value(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc) {
		fprintf(stderr, "offerapi-admin: %s needs a value\n", argv[*i]);
		return NULL;
	}
	return argv[++*i];
}

/* The options that take a value, and where it goes. */
static const char **option_slot(admin *a, const char *o)
{
	static const struct {
		const char *name;
		size_t off;
	} opts[] = {
		{ "--database", offsetof(admin, db_url) },
		{ "--data-key-file", offsetof(admin, key_file) },
		{ "--new-key-file", offsetof(admin, new_key_file) },
		{ "--user", offsetof(admin, user) },
		{ "--out", offsetof(admin, out) },
		{ "--format", offsetof(admin, format) },
		{ "--application", offsetof(admin, application) },
		{ "--since", offsetof(admin, since) },
		{ "--until", offsetof(admin, until) },
		{ "--limit", offsetof(admin, limit) },
		{ "--retention-days", offsetof(admin, retention_days) },
		{ "--pool-days", offsetof(admin, pool_days) },
		{ "--unverified-days", offsetof(admin, unverified_days) },
		{ "--retention-warn-days", offsetof(admin, warn_days) },
		{ "--login", offsetof(admin, login) },
		{ "--role", offsetof(admin, role) },
		{ "--email", offsetof(admin, email) },
		{ "--display-name", offsetof(admin, display_name) },
		{ "--lang", offsetof(admin, lang) },
		{ "--password-file", offsetof(admin, password_file) },
	};
	for (size_t i = 0; i < sizeof opts / sizeof *opts; i++)
		if (!strcmp(o, opts[i].name))
			return (const char **)(void *)((char *)a + opts[i].off);
	return NULL;
}

/* The commands but key-create (which takes a file name). */
static const struct {
	const char *name;
	int (*run)(const admin *a);
} commands[] = {
	{ "rotate-key", cmd_rotate },   { "check", cmd_check },
	{ "export", cmd_export },       { "erase", cmd_erase },
	{ "erase-due", cmd_erase_due }, { "access-log", cmd_access_log },
	{ "purge", cmd_purge },         { "user-create", cmd_user_create },
	{ "user-list", cmd_user_list }, { "user-set-role", cmd_user_set_role },
};

/* Parse the command line into @a, *@cmd and *@arg: -1 to go on, else the
 * exit status (--help, --version, a usage error). */
static int parse_args(admin *a, int argc, char **argv, const char **cmd, const char **arg)
{
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		const char **dst = option_slot(a, o);
		if (dst) {
			if (!(*dst = value(argc, argv, &i)))
				return EXIT_USAGE;
		} else if (!strcmp(o, "--json")) {
			a->json = true;
		} else if (!strcmp(o, "--dry-run")) {
			a->dry_run = true;
		} else if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
			usage(stdout, a->fr);
			return EXIT_OK;
		} else if (!strcmp(o, "--version")) {
			printf("offerapi-admin %s\n", offerapi_version());
			return EXIT_OK;
		} else if (o[0] == '-' || (*cmd && *arg)) {
			fprintf(stderr, "offerapi-admin: %s: %s\n",
			        a->fr ? "argument inconnu" : "unknown argument", o);
			usage(stderr, a->fr);
			return EXIT_USAGE;
		} else if (!*cmd) {
			*cmd = o;
		} else {
			*arg = o;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	admin a = { .db_url = getenv("OFFERAPI_DATABASE_URL"),
		    .key_file = getenv("OFFERAPI_DATA_KEY_FILE"),
		    .fr = oa_env_french() };
	if (!a.db_url || !*a.db_url)
		a.db_url = "sqlite:offerapi.db";
	if (a.key_file && !*a.key_file)
		a.key_file = NULL;
	const char *cmd = NULL, *arg = NULL;
	int rc = parse_args(&a, argc, argv, &cmd, &arg);
	if (rc >= 0)
		return rc;
	offerapi_set_log(OFFERAPI_LOG_WARNING, lib_log, NULL);
	if (cmd && !strcmp(cmd, "key-create") && arg)
		return cmd_key_create(&a, arg);
	for (size_t i = 0; cmd && !arg && i < sizeof commands / sizeof *commands; i++)
		if (!strcmp(cmd, commands[i].name))
			return commands[i].run(&a);
	fprintf(stderr, "offerapi-admin: %s\n",
	        a.fr ? "commande manquante ou inconnue" : "missing or unknown command");
	usage(stderr, a.fr);
	return EXIT_USAGE;
}
