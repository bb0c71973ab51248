/*
 * loader.c - scorer plugins: dlopen, descriptor checks, settings, and the
 * guarded scoring call (API in offerapi/scorers.h, ABI in offerapi/scorer.h).
 *
 * The loader trusts nothing a plugin hands back: it checks every descriptor
 * field before use, reads only fields inside struct_size, gives the plugin
 * buffers with guard bytes behind them, and turns NaN, out-of-range scores
 * and messageless errors into OFFERAPI_EPLUGIN errors ("contract
 * violations") instead of storing them.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "explain.h"
#include "internal.h"
#include "offerapi/application.h"
#include "offerapi/scorers.h"

_Static_assert(OFFERAPI_SCORER_LOG_ERROR == (int)OFFERAPI_LOG_ERROR &&
                       OFFERAPI_SCORER_LOG_WARNING == (int)OFFERAPI_LOG_WARNING &&
                       OFFERAPI_SCORER_LOG_INFO == (int)OFFERAPI_LOG_INFO &&
                       OFFERAPI_SCORER_LOG_DEBUG == (int)OFFERAPI_LOG_DEBUG,
               "scorer.h log levels must equal offerapi_log_level");

#define NAME_MAX_LEN 32
#define VERSION_MAX_LEN 32
#define DESCRIPTION_MAX_LEN 200
/* Bytes written behind the buffers given to a plugin; any change to them
 * means the plugin wrote past the size it was told. */
#define GUARD_LEN 16
#define GUARD_BYTE 0xA5
#define PLUGIN_ERR_SIZE 512
/* Explanations up to this size go through a guarded buffer of our own. */
#define EXPL_GUARDED_MAX 4096

/* Version-1 size of offerapi_score_input: the host requires at least this. */
#define SCORE_INPUT_V1_SIZE (offsetof(offerapi_score_input, application_id) + sizeof(int64_t))

typedef struct plugin {
	offerapi_scorer_info info; /* strings owned below */
	char *name, *version, *description, *file;
	void *dl; /* dlopen handle, closed in free */
	const offerapi_scorer_v1 *desc;
	void *self; /* the instance create() returned */
	atomic_bool created; /* self is valid (set once, under lock) */
	bool serialize; /* no THREADSAFE flag: one call at a time */
	pthread_mutex_t lock;
	offerapi_host_v1 host; /* stable address: plugins may keep it */
	atomic_uint_least64_t violations;
} plugin;

typedef struct setting {
	char *name, *key, *value;
} setting;

struct offerapi_scorers {
	plugin **items;
	size_t count, cap;
	char **allow; /* NULL: no restriction */
	size_t nallow;
	setting *settings;
	size_t nsettings;
	bool defer; /* create() on the first score, not at load */
};

/* ---- small helpers ---- */

static bool valid_name(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > NAME_MAX_LEN || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static bool valid_version(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > VERSION_MAX_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7F)
			return false;
	return true;
}

static bool valid_line(const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);
	if (n > max || !oa_utf8_valid(s, n))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
			return false;
	return true;
}

/* Make a plugin-written buffer of @p size bytes one printable line of valid
 * UTF-8: force the terminator, fold control characters to spaces, and cut
 * at the first invalid UTF-8 sequence (a plugin that truncated mid-char). */
static void sanitize_line(char *buf, size_t size)
{
	if (size == 0)
		return;
	buf[size - 1] = '\0';
	size_t n = strlen(buf);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7F)
			buf[i] = ' ';
	/* cut at the first byte that does not start a valid sequence */
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)buf[i];
		size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
		if (i + len > n || !oa_utf8_valid(buf + i, len))
			break;
		i += len;
	}
	buf[i] = '\0';
}

static bool guard_intact(const unsigned char *g)
{
	for (size_t i = 0; i < GUARD_LEN; i++)
		if (g[i] != GUARD_BYTE)
			return false;
	return true;
}

static void host_log(const offerapi_host_v1 *host, int level, const char *msg)
{
	const plugin *p = host ? host->host_private : NULL;
	if (level < OFFERAPI_SCORER_LOG_ERROR)
		level = OFFERAPI_SCORER_LOG_ERROR;
	if (level > OFFERAPI_SCORER_LOG_DEBUG)
		level = OFFERAPI_SCORER_LOG_DEBUG;
	oa_log((offerapi_log_level)level, "scorer %s: %s", p ? p->name : "?", msg ? msg : "(null)");
}

static void plugin_free(plugin *p)
{
	if (!p)
		return;
	if (atomic_load(&p->created) && p->desc && p->desc->destroy)
		p->desc->destroy(p->self);
	if (p->dl)
		dlclose(p->dl);
	pthread_mutex_destroy(&p->lock);
	free(p->name);
	free(p->version);
	free(p->description);
	free(p->file);
	free(p);
}

/* ---- the set ---- */

int offerapi_scorers_new(offerapi_scorers **out)
{
	if (!out)
		return oa_error(OFFERAPI_EINVAL, "scorers: out is NULL");
	*out = calloc(1, sizeof **out);
	if (!*out)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	return 0;
}

static void free_allow(offerapi_scorers *set)
{
	for (size_t i = 0; i < set->nallow; i++)
		free(set->allow[i]);
	free(set->allow);
	set->allow = NULL;
	set->nallow = 0;
}

void offerapi_scorers_free(offerapi_scorers *set)
{
	if (!set)
		return;
	/* destroy in reverse load order, as a stack of resources */
	for (size_t i = set->count; i-- > 0;)
		plugin_free(set->items[i]);
	free(set->items);
	free_allow(set);
	for (size_t i = 0; i < set->nsettings; i++) {
		free(set->settings[i].name);
		free(set->settings[i].key);
		free(set->settings[i].value);
	}
	free(set->settings);
	free(set);
}

int offerapi_scorers_allow(offerapi_scorers *set, const char *names)
{
	if (!set)
		return oa_error(OFFERAPI_EINVAL, "scorers: set is NULL");
	free_allow(set);
	if (!names || !*names)
		return 0;
	/* at most one name per separator + 1; the separators are exactly those
	 * of the strcspn() below (a tab counted nowhere overflowed the array:
	 * found by fuzz/fuzz_settings.c) */
	static const char seps[] = ", \t";
	size_t max = 1;
	for (const char *p = names; *p; p++)
		if (strchr(seps, *p))
			max++;
	char **allow = calloc(max, sizeof *allow);
	if (!allow)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	size_t n = 0;
	const char *p = names;
	while (*p) {
		size_t len = strcspn(p, seps);
		if (len > 0) {
			char *name = oa_strndup(p, len);
			if (!name)
				goto fail_nomem;
			if (!valid_name(name)) {
				int rc = oa_error(OFFERAPI_EINVAL,
				                  "enabled scorers: '%s' is not a scorer name "
				                  "(1 to %d characters from a-z, 0-9 and '-')",
				                  name, NAME_MAX_LEN);
				free(name);
				for (size_t i = 0; i < n; i++)
					free(allow[i]);
				free(allow);
				return rc;
			}
			allow[n++] = name;
		}
		p += len;
		if (*p)
			p++;
	}
	set->allow = allow;
	set->nallow = n;
	if (n == 0) { /* only separators: no restriction */
		free(allow);
		set->allow = NULL;
	}
	return 0;
fail_nomem:
	for (size_t i = 0; i < n; i++)
		free(allow[i]);
	free(allow);
	return OFFERAPI_ENOMEM;
}

int offerapi_scorers_defer_create(offerapi_scorers *set, int defer)
{
	if (!set)
		return oa_error(OFFERAPI_EINVAL, "scorers: no set");
	set->defer = defer != 0;
	return 0;
}

int offerapi_scorers_set(offerapi_scorers *set, const char *name, const char *key,
                         const char *value)
{
	if (!set || !name || !key || !value)
		return oa_error(OFFERAPI_EINVAL, "scorer setting: NULL argument");
	if (!valid_name(name))
		return oa_error(OFFERAPI_EINVAL, "scorer setting: '%s' is not a scorer name", name);
	if (!*key || strchr(key, '='))
		return oa_error(OFFERAPI_EINVAL, "scorer setting for %s: empty key or key with '='",
		                name);
	char *lkey = oa_strdup(key);
	if (!lkey)
		return OFFERAPI_ENOMEM;
	for (char *c = lkey; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	char *v = oa_strdup(value);
	if (!v) {
		free(lkey);
		return OFFERAPI_ENOMEM;
	}
	for (size_t i = 0; i < set->nsettings; i++) {
		setting *s = &set->settings[i];
		if (!strcmp(s->name, name) && !strcmp(s->key, lkey)) {
			free(s->value);
			s->value = v;
			free(lkey);
			return 0;
		}
	}
	char *n = oa_strdup(name);
	setting *grown = n ? realloc(set->settings, (set->nsettings + 1) * sizeof *grown) : NULL;
	if (!grown) {
		free(n);
		free(lkey);
		free(v);
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	set->settings = grown;
	set->settings[set->nsettings++] = (setting){ n, lkey, v };
	return 0;
}

/* The environment prefix of scorer @p name: "OFFERAPI_SCORER_" NAME "_". */
static void env_prefix(const char *name, char *buf, size_t size)
{
	int n = snprintf(buf, size, "OFFERAPI_SCORER_");
	for (const char *c = name; *c && (size_t)n + 2 < size; c++)
		buf[n++] = *c == '-' ? '_' : (char)((*c >= 'a' && *c <= 'z') ? *c - 'a' + 'A' : *c);
	buf[n++] = '_';
	buf[n] = '\0';
}

extern char **environ;

/* Build the NULL-terminated key/value list for scorer @p name: explicit
 * settings first, then environment variables for keys not set explicitly.
 * Strings are borrowed from the set or from environ except env keys, which
 * are lower-cased copies listed in *owned (free them with the array). */
static int build_kv(const offerapi_scorers *set, const char *name, const char ***out, char ***owned)
{
	char prefix[NAME_MAX_LEN + 32];
	env_prefix(name, prefix, sizeof prefix);
	size_t plen = strlen(prefix);
	size_t max = set->nsettings;
	for (char **e = environ; e && *e; e++)
		max++;
	const char **kv = calloc(2 * max + 1, sizeof *kv);
	char **keys = calloc(max + 1, sizeof *keys);
	if (!kv || !keys) {
		free(kv);
		free(keys);
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	size_t n = 0, nk = 0;
	for (size_t i = 0; i < set->nsettings; i++) {
		if (strcmp(set->settings[i].name, name))
			continue;
		kv[n++] = set->settings[i].key;
		kv[n++] = set->settings[i].value;
	}
	size_t nexplicit = n;
	for (char **e = environ; e && *e; e++) {
		if (strncmp(*e, prefix, plen))
			continue;
		const char *rest = *e + plen;
		const char *eq = strchr(rest, '=');
		if (!eq || eq == rest)
			continue;
		char *key = oa_strndup(rest, (size_t)(eq - rest));
		if (!key)
			goto nomem;
		for (char *c = key; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		bool overridden = false;
		for (size_t i = 0; i < nexplicit; i += 2)
			if (!strcmp(kv[i], key))
				overridden = true;
		if (overridden) {
			free(key);
			continue;
		}
		keys[nk++] = key;
		kv[n++] = key;
		kv[n++] = eq + 1;
	}
	kv[n] = NULL;
	*out = kv;
	*owned = keys;
	return 0;
nomem:
	for (size_t i = 0; i < nk; i++)
		free(keys[i]);
	free(keys);
	free(kv);
	return oa_error(OFFERAPI_ENOMEM, "out of memory");
}

static bool allowed(const offerapi_scorers *set, const char *name)
{
	if (!set->allow)
		return true;
	for (size_t i = 0; i < set->nallow; i++)
		if (!strcmp(set->allow[i], name))
			return true;
	return false;
}

/* The file name dlopen() is to get for @p path: dlopen() searches the
 * library path for a name without a '/', and a plugin file is always meant
 * relative to the working directory. malloc'd; NULL on out of memory. */
static char *plugin_path(const char *path)
{
	if (strchr(path, '/'))
		return oa_strdup(path);
	char *file = malloc(strlen(path) + 3);
	if (file)
		sprintf(file, "./%s", path);
	return file;
}

/* Open @p p->file and call its entry point: *@p out is the descriptor it
 * returned (not checked yet). Returns 0 or OFFERAPI_EPLUGIN naming the file. */
static int plugin_open(plugin *p, const offerapi_scorer_v1 **out)
{
	const char *file = p->file;
	struct stat st;
	if (stat(file, &st) != 0)
		return oa_error(OFFERAPI_EPLUGIN, "%s: cannot load scorer plugin: %s", file,
		                strerror(errno));
	dlerror();
	p->dl = dlopen(file, RTLD_NOW | RTLD_LOCAL);
	if (!p->dl) {
		const char *why = dlerror();
		return oa_error(OFFERAPI_EPLUGIN,
		                "%s: not a loadable shared object: %s (check it with `ldd %s`)",
		                file, why ? why : "unknown dlopen error", file);
	}
	dlerror();
	void *sym = dlsym(p->dl, OFFERAPI_SCORER_ENTRY_SYMBOL);
	if (!sym)
		return oa_error(OFFERAPI_EPLUGIN,
		                "%s: no %s symbol: not a scorer plugin, or built without "
		                "OFFERAPI_SCORER_DEFINE",
		                file, OFFERAPI_SCORER_ENTRY_SYMBOL);
	/* ISO C forbids object-to-function pointer casts; POSIX allows them
	 * for dlsym, so copy the bits. */
	offerapi_scorer_entry_fn entry;
	_Static_assert(sizeof entry == sizeof sym, "function and data pointers differ");
	memcpy(&entry, &sym, sizeof entry);
	*out = entry();
	if (!*out)
		return oa_error(OFFERAPI_EPLUGIN, "%s: %s() returned NULL", file,
		                OFFERAPI_SCORER_ENTRY_SYMBOL);
	return 0;
}

/* Check the descriptor @p d that @p file's entry point returned: ABI,
 * size, no NULL field, name, version and description. Returns 0 or
 * OFFERAPI_EPLUGIN naming the file and the field at fault. */
static int check_descriptor(const char *file, const offerapi_scorer_v1 *d)
{
	/* abi_version and struct_size are the first 8 bytes of every version */
	if (d->abi_version != OFFERAPI_SCORER_ABI)
		return oa_error(OFFERAPI_EPLUGIN,
		                "%s: built for scorer ABI %u, this host speaks ABI %d "
		                "(rebuild it against this offerapi/scorer.h)",
		                file, (unsigned)d->abi_version, OFFERAPI_SCORER_ABI);
	if (d->struct_size < OFFERAPI_SCORER_V1_SIZE)
		return oa_error(OFFERAPI_EPLUGIN,
		                "%s: descriptor struct_size %u is smaller than version 1's %zu",
		                file, (unsigned)d->struct_size, (size_t)OFFERAPI_SCORER_V1_SIZE);
	/* every field read below lies inside OFFERAPI_SCORER_V1_SIZE */
	const char *null_field = !d->name          ? "name"
	                         : !d->version     ? "version"
	                         : !d->description ? "description"
	                         : !d->create      ? "create"
	                         : !d->score       ? "score"
	                         : !d->destroy     ? "destroy"
	                                           : NULL;
	if (null_field)
		return oa_error(OFFERAPI_EPLUGIN, "%s: descriptor field '%s' is NULL", file,
		                null_field);
	if (!valid_name(d->name)) {
		char shown[48];
		snprintf(shown, sizeof shown, "%s", d->name);
		sanitize_line(shown, sizeof shown);
		return oa_error(OFFERAPI_EPLUGIN,
		                "%s: bad scorer name '%s' (1 to %d characters from a-z, 0-9 "
		                "and '-', not starting with '-')",
		                file, shown, NAME_MAX_LEN);
	}
	if (!valid_version(d->version))
		return oa_error(OFFERAPI_EPLUGIN,
		                "%s: scorer %s: bad version string (1 to %d printable ASCII "
		                "characters, no spaces)",
		                file, d->name, VERSION_MAX_LEN);
	if (!valid_line(d->description, DESCRIPTION_MAX_LEN))
		return oa_error(OFFERAPI_EPLUGIN,
		                "%s: scorer %s: bad description (one line of UTF-8, at most %d "
		                "bytes)",
		                file, d->name, DESCRIPTION_MAX_LEN);
	return 0;
}

/* Make @p p the plugin of the checked descriptor @p d: copies of its
 * strings, the info callers see, the host it gets. */
static int plugin_adopt(plugin *p, const offerapi_scorer_v1 *d)
{
	p->desc = d;
	p->name = oa_strdup(d->name);
	p->version = oa_strdup(d->version);
	p->description = oa_strdup(d->description);
	if (!p->name || !p->version || !p->description)
		return OFFERAPI_ENOMEM;
	p->serialize = !(d->flags & OFFERAPI_SCORER_THREADSAFE);
	p->info = (offerapi_scorer_info){
		.name = p->name,
		.version = p->version,
		.description = p->description,
		.file = p->file,
		.flags = d->flags & (OFFERAPI_SCORER_THREADSAFE | OFFERAPI_SCORER_DETERMINISTIC),
	};
	p->host = (offerapi_host_v1){
		.struct_size = sizeof(offerapi_host_v1),
		.abi_version = OFFERAPI_SCORER_ABI,
		.host_version = OFFERAPI_VERSION,
		.log = host_log,
		.host_private = p,
	};
	atomic_init(&p->violations, 0);
	return 0;
}

/* Call the create() of the adopted plugin @p p with its settings from @p
 * set and the environment, through an error buffer with guard bytes.
 * Returns 0 (p->self is the instance) or OFFERAPI_EPLUGIN with the
 * plugin's own message. */
static int plugin_create(const offerapi_scorers *set, plugin *p)
{
	const offerapi_scorer_v1 *d = p->desc;
	const char **kv = NULL;
	char **owned = NULL;
	int rc = build_kv(set, d->name, &kv, &owned);
	if (rc < 0)
		return rc;
	unsigned char errbuf[PLUGIN_ERR_SIZE + GUARD_LEN];
	errbuf[0] = '\0';
	memset(errbuf + PLUGIN_ERR_SIZE, GUARD_BYTE, GUARD_LEN);
	p->self = NULL;
	int crc = d->create(&p->self, &p->host, (const char *const *)kv, (char *)errbuf,
	                    PLUGIN_ERR_SIZE);
	for (char **k = owned; *k; k++)
		free(*k);
	free(owned);
	free(kv);
	bool overrun = !guard_intact(errbuf + PLUGIN_ERR_SIZE);
	sanitize_line((char *)errbuf, PLUGIN_ERR_SIZE);
	if (crc != 0)
		return oa_error(OFFERAPI_EPLUGIN, "%s: scorer %s refused to start: %s%s", p->file,
		                d->name, errbuf[0] ? (char *)errbuf : "(no message: a plugin bug)",
		                overrun ? " (and it overran its error buffer)" : "");
	if (overrun) {
		/* created fine but scribbled past the buffer: do not trust it */
		d->destroy(p->self);
		return oa_error(OFFERAPI_EPLUGIN,
		                "%s: scorer %s wrote past the error buffer in create()", p->file,
		                d->name);
	}
	return 0;
}

/*
 * Load one file. @p use_allow: skip (return 1, nothing loaded) a plugin whose
 * name the allow-list does not contain. Returns 0 when loaded, 1 when
 * skipped, a negative code when refused.
 */
static int load_one(offerapi_scorers *set, const char *path, bool use_allow)
{
	if (!set || !path || !*path)
		return oa_error(OFFERAPI_EINVAL, "scorer plugin: no file given");
	char *file = plugin_path(path);
	if (!file)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	plugin *p = calloc(1, sizeof *p);
	if (!p) {
		free(file);
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	p->file = file;
	atomic_init(&p->created, false);
	pthread_mutex_init(&p->lock, NULL);

	const offerapi_scorer_v1 *d = NULL;
	int rc = plugin_open(p, &d);
	if (rc == 0)
		rc = check_descriptor(file, d);
	if (rc < 0)
		goto refuse;
	if (use_allow && !allowed(set, d->name)) {
		oa_log(OFFERAPI_LOG_DEBUG, "%s: scorer %s is not enabled, skipped", file, d->name);
		plugin_free(p);
		return 1;
	}
	for (size_t i = 0; i < set->count; i++) {
		if (!strcmp(set->items[i]->name, d->name)) {
			rc = oa_error(OFFERAPI_EPLUGIN,
			              "%s: scorer name '%s' is already taken by %s", file, d->name,
			              set->items[i]->file);
			goto refuse;
		}
	}
	rc = plugin_adopt(p, d);
	if (rc < 0)
		goto refuse;
	plugin **items = oa_grow(set->items, &set->cap, set->count + 1, sizeof *items, 4);
	if (!items) {
		rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
		goto refuse;
	}
	set->items = items;
	if (!set->defer) {
		if ((rc = plugin_create(set, p)) < 0)
			goto refuse;
		atomic_store(&p->created, true);
	}
	set->items[set->count++] = p;
	oa_log(OFFERAPI_LOG_INFO, "scorer %s %s loaded from %s%s", p->name, p->version, p->file,
	       set->defer ? " (created on its first score)" : "");
	return 0;

refuse:
	plugin_free(p);
	return rc;
}

int offerapi_scorers_load_file(offerapi_scorers *set, const char *path)
{
	int rc = load_one(set, path, false);
	return rc > 0 ? 0 : rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int offerapi_scorers_load_dir(offerapi_scorers *set, const char *dir)
{
	if (!set || !dir || !*dir)
		return oa_error(OFFERAPI_EINVAL, "scorer directory: none given");
	DIR *d = opendir(dir);
	if (!d)
		return oa_error(errno == ENOENT ? OFFERAPI_ENOTFOUND : OFFERAPI_EPLUGIN,
		                "scorer directory %s: %s", dir, strerror(errno));
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 4 || strcmp(e->d_name + len - 3, ".so"))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			char **grown = realloc(names, cap * sizeof *grown);
			if (!grown) {
				rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
				break;
			}
			names = grown;
		}
		size_t dlen = strlen(dir);
		char *path = malloc(dlen + len + 2);
		if (!path) {
			rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
			break;
		}
		snprintf(path, dlen + len + 2, "%s%s%s", dir, dir[dlen - 1] == '/' ? "" : "/",
		         e->d_name);
		names[n++] = path;
	}
	closedir(d);
	if (rc < 0)
		goto out;
	qsort(names, n, sizeof *names, cmp_str);

	char first[512] = "";
	int first_rc = 0;
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(names[i], &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		int r = load_one(set, names[i], true);
		if (r < 0) {
			const char *msg = offerapi_error_last()->message;
			oa_log(OFFERAPI_LOG_ERROR, "%s", msg);
			if (!first_rc) {
				first_rc = r;
				snprintf(first, sizeof first, "%s", msg);
			}
			if (r == OFFERAPI_ENOMEM)
				break;
		}
	}
	for (size_t i = 0; !first_rc && i < set->nallow; i++) {
		size_t idx;
		if (offerapi_scorers_find(set, set->allow[i], &idx) < 0) {
			first_rc = OFFERAPI_ENOTFOUND;
			snprintf(first, sizeof first,
			         "scorer '%s' is enabled but no plugin in %s provides it",
			         set->allow[i], dir);
		}
	}
	if (first_rc)
		rc = oa_error(first_rc, "%s", first);
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

size_t offerapi_scorers_count(const offerapi_scorers *set)
{
	return set ? set->count : 0;
}

const offerapi_scorer_info *offerapi_scorers_info(const offerapi_scorers *set, size_t index)
{
	if (!set || index >= set->count)
		return NULL;
	return &set->items[index]->info;
}

int offerapi_scorers_find(const offerapi_scorers *set, const char *name, size_t *out_index)
{
	if (set && name)
		for (size_t i = 0; i < set->count; i++)
			if (!strcmp(set->items[i]->name, name)) {
				if (out_index)
					*out_index = i;
				return 0;
			}
	return oa_error(OFFERAPI_ENOTFOUND, "no scorer named '%s' is loaded", name ? name : "");
}

uint64_t offerapi_scorers_violations(const offerapi_scorers *set, size_t index)
{
	if (!set || index >= set->count)
		return 0;
	return atomic_load(&set->items[index]->violations);
}

static int violation(plugin *p, const char *fmt, ...) OFFERAPI_PRINTF(2, 3);

/* Count a contract violation of @p p and set "name: what (plugin bug)". */
static int violation(plugin *p, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	atomic_fetch_add(&p->violations, 1);
	return oa_error(OFFERAPI_EPLUGIN, "%s: %s (plugin bug)", p->name, what);
}

/* Check the caller's input and copy it into @p v, a current-revision input
 * with no NULL strings, whatever revision the caller built. */
static int check_input(const offerapi_scorers *set, size_t index, const offerapi_score_input *in,
                       const double *out_score, const char *expl, size_t explsz,
                       offerapi_score_input *v)
{
	if (!set || index >= set->count)
		return oa_error(OFFERAPI_EINVAL, "scorer index %zu out of range (%zu loaded)",
		                index, set ? set->count : 0);
	if (!in || !out_score || (!expl && explsz))
		return oa_error(OFFERAPI_EINVAL, "score: NULL input, score or explanation");
	if (in->struct_size < SCORE_INPUT_V1_SIZE)
		return oa_error(OFFERAPI_EINVAL,
		                "score: input struct_size %u below version 1's %zu",
		                (unsigned)in->struct_size, (size_t)SCORE_INPUT_V1_SIZE);
	if ((in->skill_count && !in->skills) || (in->cv_len && !in->cv_text))
		return oa_error(OFFERAPI_EINVAL, "score: NULL skills or CV text with a length");
	for (size_t i = 0; i < in->skill_count; i++)
		if (!in->skills[i])
			return oa_error(OFFERAPI_EINVAL, "score: skill %zu is NULL", i);
	*v = (offerapi_score_input){
		.struct_size = sizeof *v,
		.offer_id = in->offer_id,
		.offer_title = in->offer_title ? in->offer_title : "",
		.offer_description = in->offer_description ? in->offer_description : "",
		.offer_location = in->offer_location ? in->offer_location : "",
		.skills = in->skill_count ? in->skills : NULL,
		.skill_count = in->skill_count,
		.cv_text = in->cv_text ? in->cv_text : "",
		.cv_len = in->cv_text ? in->cv_len : 0,
		.application_id = in->application_id,
		.report = NULL, /* the host's own, set by the caller of call_plugin */
	};
	return 0;
}

/* Call the plugin's score() on @p v with guarded buffers and check what it
 * gave back. */
static int call_plugin(plugin *p, const offerapi_score_input *v, double *out_score, char *expl,
                       size_t explsz)
{
	unsigned char err[PLUGIN_ERR_SIZE + GUARD_LEN];
	err[0] = '\0';
	memset(err + PLUGIN_ERR_SIZE, GUARD_BYTE, GUARD_LEN);
	unsigned char ebuf[EXPL_GUARDED_MAX + GUARD_LEN];
	/* small explanation buffers go through ebuf, so an overrun hits our
	 * guard instead of the caller's stack; big ones are passed as they are */
	bool guarded = explsz <= EXPL_GUARDED_MAX;
	char *pexpl = guarded ? (char *)ebuf : expl;
	size_t pexplsz = explsz ? explsz : 1; /* the plugin always gets >= 1 byte */
	if (guarded) {
		memset(ebuf + pexplsz, GUARD_BYTE, GUARD_LEN);
		ebuf[0] = '\0';
	} else {
		expl[0] = '\0';
	}

	double score = NAN;
	if (p->serialize)
		pthread_mutex_lock(&p->lock);
	int rc = p->desc->score(p->self, v, &score, pexpl, pexplsz, (char *)err, PLUGIN_ERR_SIZE);
	if (p->serialize)
		pthread_mutex_unlock(&p->lock);

	if (!guard_intact(err + PLUGIN_ERR_SIZE))
		return violation(p, "wrote past the error buffer");
	if (guarded && !guard_intact(ebuf + pexplsz))
		return violation(p, "wrote past the explanation buffer");
	if (rc != 0) {
		sanitize_line((char *)err, PLUGIN_ERR_SIZE);
		if (!err[0])
			return violation(p, "failed without an error message");
		return oa_error(OFFERAPI_EPLUGIN, "%s: %s", p->name, (char *)err);
	}
	if (isnan(score))
		return violation(p, "returned NaN");
	if (!(score >= 0.0 && score <= 1.0))
		return violation(p, "returned a score %g, outside [0, 1]", score);
	sanitize_line(pexpl, pexplsz);
	if (guarded && explsz)
		memcpy(expl, ebuf, strlen((char *)ebuf) + 1);
	*out_score = score;
	return 0;
}

/* The instance of @p p, created now if its creation was deferred
 * (offerapi_scorers_defer_create). One thread creates; the others wait on
 * the plugin's lock. */
static int ensure_created(const offerapi_scorers *set, plugin *p)
{
	if (atomic_load(&p->created))
		return 0;
	pthread_mutex_lock(&p->lock);
	int rc = 0;
	if (!atomic_load(&p->created)) {
		rc = plugin_create(set, p);
		if (rc == 0) {
			atomic_store(&p->created, true);
			oa_log(OFFERAPI_LOG_INFO, "scorer %s created on its first score", p->name);
		}
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}

int offerapi_scorers_score(offerapi_scorers *set, size_t index, const offerapi_score_input *in,
                           double *out_score, char *expl, size_t explsz)
{
	offerapi_score_input v;
	int rc = check_input(set, index, in, out_score, expl, explsz, &v);
	if (rc == 0)
		rc = ensure_created(set, set->items[index]);
	return rc < 0 ? rc : call_plugin(set->items[index], &v, out_score, expl, explsz);
}

int offerapi_scorers_score_explained(offerapi_scorers *set, size_t index,
                                     const offerapi_score_input *in, double *out_score, char *doc,
                                     size_t docsz)
{
	offerapi_score_input v;
	int rc = check_input(set, index, in, out_score, doc, docsz, &v);
	if (rc < 0)
		return rc;
	if (docsz == 0)
		return oa_error(OFFERAPI_EINVAL, "score: no room for the explanation");
	plugin *p = set->items[index];
	if ((rc = ensure_created(set, p)) < 0)
		return rc;
	oa_report report;
	if ((rc = oa_report_init(&report, v.skill_count)) < 0)
		return rc;
	v.report = &report.abi;
	char text[OFFERAPI_EXPLANATION_TEXT_MAX + 1];
	double score = 0;
	rc = call_plugin(p, &v, &score, text, sizeof text);
	if (rc == 0 && report.bad) {
		atomic_fetch_add(&p->violations, report.bad);
		oa_log(OFFERAPI_LOG_WARNING,
		       "scorer %s: %u detail(s) of its report broke the contract and were left out "
		       "(plugin bug)",
		       p->name, report.bad);
	}
	if (rc == 0 && oa_report_any(&report)) {
		rc = oa_report_compose(&report, v.skills, text, doc, docsz);
		if (rc == OFFERAPI_ETOOBIG)
			oa_log(OFFERAPI_LOG_INFO,
			       "scorer %s: details of %zu skills do not fit in %zu bytes: "
			       "stored as its sentence only",
			       p->name, v.skill_count, docsz - 1);
	}
	if (rc == OFFERAPI_ETOOBIG || (rc == 0 && !oa_report_any(&report))) {
		rc = 0;
		size_t n = strlen(text);
		if (n >= docsz) { /* cut at a character boundary */
			n = docsz - 1;
			while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
				n--;
		}
		memcpy(doc, text, n);
		doc[n] = '\0';
	}
	oa_report_fini(&report);
	if (rc == 0)
		*out_score = score;
	return rc;
}
