/*
 * offerapi/scorer.h - the scorer plugin ABI, version 1.
 *
 * This is the only header a scorer plugin needs. A plugin does not link with
 * libofferapi: it is a shared object that exports exactly one symbol,
 * offerapi_scorer_entry(), which returns a constant descriptor. The host
 * (libofferapi's loader, see scorers.h) dlopen()s the file, checks the
 * descriptor, creates one instance with the plugin's settings, and calls
 * score() for every (offer, CV text) pair it wants scored.
 *
 * A minimal plugin:
 *
 *     #include <offerapi/scorer.h>
 *
 *     static int my_create(void **out, const offerapi_host_v1 *host,
 *                          const char *const *kv, char *err, size_t errsz)
 *     { *out = NULL; return 0; }
 *     static int my_score(void *self, const offerapi_score_input *in,
 *                         double *out_score, char *expl, size_t explsz,
 *                         char *err, size_t errsz)
 *     {
 *         *out_score = in->cv_len > 0 ? 1.0 : 0.0;
 *         // optional: the details as data, when the host collects them
 *         if (OFFERAPI_SCORER_HAS_FIELD(in, offerapi_score_input, report) &&
 *             in->report)
 *             in->report->subscore(in->report, "text", *out_score);
 *         return 0;
 *     }
 *     static void my_destroy(void *self) { }
 *
 *     static const offerapi_scorer_v1 desc = {
 *         .abi_version = OFFERAPI_SCORER_ABI,
 *         .struct_size = sizeof(offerapi_scorer_v1),
 *         .name = "nonempty", .version = "1.0.0",
 *         .description = "1 for any CV text, 0 for none",
 *         .flags = OFFERAPI_SCORER_THREADSAFE | OFFERAPI_SCORER_DETERMINISTIC,
 *         .create = my_create, .score = my_score, .destroy = my_destroy,
 *     };
 *     OFFERAPI_SCORER_DEFINE(desc)
 *
 * Build it with -fvisibility=hidden so that only the entry symbol is
 * exported, and check it with `offerapi-scorer-check ./nonempty.so`.
 * docs/writing-a-scorer.md tells the whole story.
 *
 * Revisions of ABI 1 (each only appends fields):
 *  - revision 1: the descriptor, the host and the input as first published;
 *  - revision 2: offerapi_score_input.report, through which a plugin
 *    reports matched and missing skills and sub-scores as data. A plugin
 *    built against revision 1 runs unchanged: its explanation is stored as
 *    plain text, as before.
 *
 * Compatibility rules (the ABI is a product):
 *  - Every struct of this header starts with its own size in bytes. Fields
 *    are only ever appended, never removed, reordered or retyped. A reader
 *    reads a field only when the size says the field is present (see
 *    OFFERAPI_SCORER_HAS_FIELD), so an old plugin works with a new host and
 *    a new plugin can detect an old host.
 *  - OFFERAPI_SCORER_ABI changes only for an incompatible change; the host
 *    refuses a plugin built for another ABI number.
 */
#ifndef OFFERAPI_SCORER_H
#define OFFERAPI_SCORER_H

#include <stddef.h> /* size_t, offsetof */
#include <stdint.h> /* uint32_t, int64_t */

#ifdef __cplusplus
extern "C" {
#endif

/** The ABI number a plugin built against this header speaks. */
#define OFFERAPI_SCORER_ABI 1

/** The revision of ABI 1 this header describes (fields appended). */
#define OFFERAPI_SCORER_ABI_REVISION 2

/** Name of the one symbol a plugin exports (for dlsym). */
#define OFFERAPI_SCORER_ENTRY_SYMBOL "offerapi_scorer_entry"

/** Flag: score() may run on several threads at once on one instance.
 *  Without it the host never calls score() concurrently on an instance. */
#define OFFERAPI_SCORER_THREADSAFE (1u << 0)

/** Flag: with the default settings, the same input always gives the same
 *  score and explanation (the checker verifies it, also across reloads). */
#define OFFERAPI_SCORER_DETERMINISTIC (1u << 1)

/** Log levels for offerapi_host_v1.log (same values as offerapi_log_level). */
#define OFFERAPI_SCORER_LOG_ERROR 0 /**< something failed */
#define OFFERAPI_SCORER_LOG_WARNING 1 /**< something looks wrong (unknown setting, ...) */
#define OFFERAPI_SCORER_LOG_INFO 2 /**< one-off facts (settings in use, ...) */
#define OFFERAPI_SCORER_LOG_DEBUG 3 /**< details for developers */

/** Suggested size of the err buffers the host passes (it may pass more or
 *  less: always honour errsz). */
#define OFFERAPI_SCORER_ERR_SIZE 256

/**
 * True when the struct at @p ptr (whose first field is its uint32_t
 * struct_size) is large enough to contain @p field of @p type. Use it before
 * reading any field added after version 1 of a struct.
 */
#define OFFERAPI_SCORER_HAS_FIELD(ptr, type, field)                                                \
	((size_t)(ptr)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

/** The host's services to a plugin (defined just below). */
typedef struct offerapi_host_v1 offerapi_host_v1;

/** Where a plugin reports the details of one score (defined below). */
typedef struct offerapi_score_report offerapi_score_report;

/** Longest sub-score name a report accepts (bytes, [a-z0-9_]). */
#define OFFERAPI_SCORER_SUBSCORE_NAME_MAX 32
/** Most sub-scores a report keeps for one score. */
#define OFFERAPI_SCORER_SUBSCORES_MAX 8

/**
 * What the host offers to a plugin. Given to create(); the pointer stays
 * valid until destroy() of the instance returns, so an instance may keep it.
 */
struct offerapi_host_v1 {
	/** sizeof(offerapi_host_v1) as the host knows it; fields past it are absent. */
	uint32_t struct_size;
	/** The host's OFFERAPI_SCORER_ABI. */
	uint32_t abi_version;
	/** Version of the host library, "MAJOR.MINOR.PATCH". Never NULL. */
	const char *host_version;
	/**
	 * Write one line to the host's log. The host prefixes the plugin name;
	 * @p msg has no newline and must never contain secrets (API keys).
	 * Thread-safe; may be called from create(), score() and destroy().
	 * @param host  the pointer given to create()
	 * @param level an OFFERAPI_SCORER_LOG_* value
	 * @param msg   a NUL-terminated line, UTF-8
	 */
	void (*log)(const offerapi_host_v1 *host, int level, const char *msg);
	/** Reserved for the host; a plugin never reads or writes it. */
	void *host_private;
};

/**
 * One (offer, CV) pair to score. Owned by the host and valid only during the
 * score() call: copy what you keep (an offer cache, say).
 *
 * Strings are never NULL (an absent field is ""). The offer fields are
 * NUL-terminated UTF-8 as the library validated them. The CV text is NOT
 * trusted: use cv_len, and tolerate invalid UTF-8, NUL bytes, empty text and
 * megabytes of text.
 */
typedef struct offerapi_score_input {
	/** sizeof(offerapi_score_input) as the host knows it. */
	uint32_t struct_size;
	/** Id of the offer; stable across restarts; 0 when unknown (a preview). */
	int64_t offer_id;
	/** Title of the offer, one line. */
	const char *offer_title;
	/** Description of the offer, several lines. */
	const char *offer_description;
	/** Location of the offer, "" when none. */
	const char *offer_location;
	/** The skills listed in the offer ("C", "PostgreSQL", "gestion de projet"):
	 *  skill_count NUL-terminated strings; NULL only when skill_count is 0. */
	const char *const *skills;
	/** Number of entries in skills. */
	size_t skill_count;
	/** The text extracted from the CV: cv_len bytes, not necessarily
	 *  NUL-terminated, any bytes at all. Never NULL (may be "" with length 0). */
	const char *cv_text;
	/** Length of cv_text in bytes. */
	size_t cv_len;
	/** Id of the application; stable across restarts; 0 when unknown. A
	 *  scorer that draws random numbers can derive them from it so that a
	 *  dashboard does not reshuffle on every reload. */
	int64_t application_id;
	/* ---- appended in ABI 1, revision 2 (read it only when
	 * OFFERAPI_SCORER_HAS_FIELD(in, offerapi_score_input, report)) ---- */
	/** Where to report the details of this score as data (which of the
	 *  offer's skills the CV shows, sub-scores), so that the host shows them
	 *  in its reader's language instead of the English of @p expl; NULL when
	 *  the host does not collect them. Valid during this score() call only,
	 *  from the calling thread. A plugin that ignores it stays correct. */
	offerapi_score_report *report;
} offerapi_score_input;

/**
 * The details of one score, reported by the plugin during score() (ABI 1,
 * revision 2). Owned by the host. Every function returns 0, or -1 when an
 * argument breaks its contract: the report is then ignored and counted as
 * a plugin bug (the score itself still counts).
 */
struct offerapi_score_report {
	/** sizeof(offerapi_score_report) as the host knows it. */
	uint32_t struct_size;
	/**
	 * How much of the offer's skill number @p index the CV shows.
	 * @param r      the report (in->report)
	 * @param index  0 .. in->skill_count - 1; a later call for the same
	 *               index replaces the earlier one
	 * @param credit in [0, 1]: 1 the skill is there, 0 it is missing, in
	 *               between partly (one part of "Docker (Kubernetes)", the
	 *               words far apart...). Hosts show 0.75 and more as
	 *               matched, 0 as missing, the rest as partly.
	 */
	int (*skill)(offerapi_score_report *r, size_t index, double credit);
	/**
	 * A named part of the score ("text", "title", "skills", "cosine").
	 * @param name   1 to OFFERAPI_SCORER_SUBSCORE_NAME_MAX characters from
	 *               [a-z0-9_]; a later call with the same name replaces the
	 *               value; at most OFFERAPI_SCORER_SUBSCORES_MAX names
	 * @param value  in [0, 1]
	 */
	int (*subscore)(offerapi_score_report *r, const char *name, double value);
	/** Reserved for the host; a plugin never reads or writes it. */
	void *host_private;
};

/**
 * The descriptor a plugin returns from offerapi_scorer_entry(). It must be a
 * constant with static storage: the host reads it at load time and keeps
 * the pointer until it unloads the plugin.
 */
typedef struct offerapi_scorer_v1 {
	/** OFFERAPI_SCORER_ABI of the header the plugin was built with. */
	uint32_t abi_version;
	/** sizeof(offerapi_scorer_v1) of that header; the host refuses less. */
	uint32_t struct_size;
	/** Unique name of the scorer: 1 to 32 characters from [a-z0-9-],
	 *  starting with a letter or digit ("random", "llm"). It names the
	 *  scorer in settings, logs, metrics and every stored score. */
	const char *name;
	/** Version of the scorer, stored with every score it gives so that a new
	 *  version can rescore ("1.2.0"): 1 to 32 printable ASCII characters. */
	const char *version;
	/** One line (at most 200 bytes, UTF-8) that says what it does. */
	const char *description;
	/** OFFERAPI_SCORER_THREADSAFE and/or OFFERAPI_SCORER_DETERMINISTIC. */
	uint32_t flags;
	/**
	 * Create an instance. Called once per load, never concurrently with
	 * another create(), destroy() or score() of the same plugin.
	 * @param out   receives the instance (may be NULL if the plugin needs no
	 *              state); passed back as @p self to score() and destroy()
	 * @param host  services of the host, valid until destroy() returns
	 * @param kv    the settings: a NULL-terminated array "key", "value",
	 *              "key", "value", ..., NULL. Keys are lower case; values are
	 *              strings (parse and range-check them). Never NULL.
	 * @param err   on failure, write one line without the plugin name and
	 *              without a newline (the host adds "name: "), NUL-terminated,
	 *              at most errsz bytes including the NUL
	 * @return 0 on success; nonzero (with a message in err) to refuse to
	 *         load, for instance for a missing or invalid setting. On
	 *         failure create() frees what it allocated: destroy() is not
	 *         called.
	 */
	int (*create)(void **out, const offerapi_host_v1 *host, const char *const *kv, char *err,
	              size_t errsz);
	/**
	 * Score one pair. Runs concurrently on the same instance only when
	 * flags has OFFERAPI_SCORER_THREADSAFE.
	 * @param self       the instance from create()
	 * @param in         the pair; see offerapi_score_input
	 * @param out_score  on success, a score in [0, 1]: 1 is the best fit.
	 *                   NaN or a value outside [0, 1] is a plugin bug that
	 *                   the host reports as an error, never stores.
	 * @param expl       optional explanation for people ("matched: C, SQL;
	 *                   missing: Go"): one line of UTF-8, NUL-terminated, at
	 *                   most explsz bytes including the NUL; leave "" for none.
	 *                   Cut it at a character boundary.
	 * @param explsz     size of expl (at least 1)
	 * @param err        on failure, one line as for create()
	 * @param errsz      size of err (at least 1)
	 * @return 0 on success, nonzero on failure with a message in err. A
	 *         failure is never a score of 0: the host records it as an error.
	 */
	int (*score)(void *self, const offerapi_score_input *in, double *out_score, char *expl,
	             size_t explsz, char *err, size_t errsz);
	/**
	 * Free an instance. Called once, after the last score() has returned.
	 * Must accept whatever create() put in *out (even NULL).
	 */
	void (*destroy)(void *self);
} offerapi_scorer_v1;

/** Smallest struct_size a version-1 descriptor may have. */
#define OFFERAPI_SCORER_V1_SIZE (offsetof(offerapi_scorer_v1, destroy) + sizeof(void (*)(void *)))

/** Export attribute for the entry symbol (build the rest hidden). */
#if defined(__GNUC__) || defined(__clang__)
#define OFFERAPI_SCORER_EXPORT __attribute__((visibility("default")))
#else
#define OFFERAPI_SCORER_EXPORT
#endif

/** C linkage for the entry point when a plugin is written in C++. */
#ifdef __cplusplus
#define OFFERAPI_SCORER_EXTERN_C extern "C"
#else
#define OFFERAPI_SCORER_EXTERN_C
#endif

/**
 * Define the entry point of a plugin: put it once, at file scope, after the
 * descriptor @p desc (an offerapi_scorer_v1 object, not a pointer). It
 * expands to the exported function
 *     const offerapi_scorer_v1 *offerapi_scorer_entry(void)
 * which returns &desc.
 */
#define OFFERAPI_SCORER_DEFINE(desc)                                                               \
	OFFERAPI_SCORER_EXTERN_C OFFERAPI_SCORER_EXPORT const offerapi_scorer_v1 *                 \
	offerapi_scorer_entry(void);                                                               \
	OFFERAPI_SCORER_EXTERN_C OFFERAPI_SCORER_EXPORT const offerapi_scorer_v1 *                 \
	offerapi_scorer_entry(void)                                                                \
	{                                                                                          \
		return &(desc);                                                                    \
	}

/** Type of offerapi_scorer_entry, for hosts that dlsym() it. */
typedef const offerapi_scorer_v1 *(*offerapi_scorer_entry_fn)(void);

#ifdef __cplusplus
}
#endif
#endif
