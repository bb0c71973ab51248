/*
 * offerapi/scorers.h - loading and calling scorer plugins (host side).
 *
 * A set of scorers is built once at start-up:
 *
 *     offerapi_scorers *set;
 *     offerapi_scorers_new(&set);
 *     offerapi_scorers_allow(set, "random,similarity");   // optional
 *     offerapi_scorers_set(set, "random", "seed", "42");   // optional
 *     if (offerapi_scorers_load_dir(set, "/usr/lib/x86_64-linux-gnu/offerapi/scorers") < 0)
 *         fprintf(stderr, "%s\n", offerapi_error_last()->message);
 *     for (size_t i = 0; i < offerapi_scorers_count(set); i++) {
 *         double score; char expl[256];
 *         if (offerapi_scorers_score(set, i, &input, &score, expl, sizeof expl) == 0)
 *             ...
 *     }
 *     offerapi_scorers_free(set);
 *
 * Settings. When a plugin is loaded, its create() receives as key/value
 * settings, in this order of precedence:
 *   1. the values given with offerapi_scorers_set() for its name;
 *   2. every environment variable OFFERAPI_SCORER_<NAME>_<KEY>, where <NAME>
 *      is the scorer name upper-cased with '-' turned into '_' (scorer "llm"
 *      -> OFFERAPI_SCORER_LLM_URL); the key is passed lower-cased ("url").
 * Settings must be in place before the plugin is loaded.
 *
 * Threads. Loading, offerapi_scorers_allow/set and offerapi_scorers_free must
 * not run concurrently with anything else on the set. Once loaded, the
 * read-only getters and offerapi_scorers_score() may be called from any
 * number of threads: the set serialises the calls of a plugin that does not
 * declare OFFERAPI_SCORER_THREADSAFE.
 *
 * Plugins stay loaded (dlopen'ed) until offerapi_scorers_free().
 */
#ifndef OFFERAPI_SCORERS_H
#define OFFERAPI_SCORERS_H

#include "common.h"
#include "errors.h"
#include "scorer.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An opaque set of loaded scorer plugins. */
typedef struct offerapi_scorers offerapi_scorers;

/** What was loaded; all strings are borrowed from the set. */
typedef struct offerapi_scorer_info {
	const char *name; /**< unique scorer name ("random") */
	const char *version; /**< scorer version, stored with each score */
	const char *description; /**< one line */
	const char *file; /**< path of the shared object it came from */
	uint32_t flags; /**< OFFERAPI_SCORER_THREADSAFE, ..._DETERMINISTIC */
} offerapi_scorer_info;

/** Create an empty set. @return 0 or OFFERAPI_ENOMEM. */
OFFERAPI_EXTERN int offerapi_scorers_new(offerapi_scorers **out);

/** Destroy every instance (destroy()), unload every plugin, free the set.
 *  NULL is ignored. */
OFFERAPI_EXTERN void offerapi_scorers_free(offerapi_scorers *set);

/**
 * Restrict later loads to the scorers named in @p names, a list separated
 * by commas and/or spaces ("random,similarity"); NULL or "" lifts the
 * restriction. Plugins of other names found by offerapi_scorers_load_dir()
 * are unloaded without being created.
 * @return 0, OFFERAPI_EINVAL (a name that cannot be a scorer name) or
 *         OFFERAPI_ENOMEM
 */
OFFERAPI_EXTERN int offerapi_scorers_allow(offerapi_scorers *set, const char *names);

/**
 * Defer each later-loaded plugin's create() to its first score (when @p
 * defer is non-zero): loading then opens the file and checks its
 * descriptor, name and version only. For a process that may never score
 * (a server whose scoring runs in offerapi-worker processes) it spares the
 * memory an instance builds (the similarity scorer's lexicon: about 5 MiB).
 * A create() that fails then fails that score call (OFFERAPI_EPLUGIN), and
 * the next score call tries again. Off by default: create() runs at load,
 * so a misconfigured scorer stops the start-up.
 * @return 0, or OFFERAPI_EINVAL when @p set is NULL
 */
OFFERAPI_EXTERN int offerapi_scorers_defer_create(offerapi_scorers *set, int defer);

/**
 * Give setting @p key = @p value to the scorer @p name when it is loaded; it
 * overrides OFFERAPI_SCORER_<NAME>_<KEY>. Setting a key twice keeps the last.
 * @return 0, OFFERAPI_EINVAL (bad name or empty key) or OFFERAPI_ENOMEM
 */
OFFERAPI_EXTERN int offerapi_scorers_set(offerapi_scorers *set, const char *name, const char *key,
                                         const char *value);

/**
 * Load every regular file whose name ends in ".so" in directory @p dir, in
 * byte order of file names (so the order of scorers is deterministic). A file
 * that is refused does not stop the others: each refusal is logged at
 * OFFERAPI_LOG_ERROR and the first one is returned.
 * @return 0 when every file loaded (or was skipped by the allow-list) and
 *         every allowed name was found; OFFERAPI_EPLUGIN (first refusal,
 *         naming file and reason); OFFERAPI_ENOTFOUND (no such directory, or
 *         an allowed name that no file provides); OFFERAPI_ENOMEM
 */
OFFERAPI_EXTERN int offerapi_scorers_load_dir(offerapi_scorers *set, const char *dir);

/**
 * Load one plugin file, whatever the allow-list says (an explicit file is
 * explicitly wanted).
 * @return 0; OFFERAPI_EPLUGIN with a message naming @p path and the reason:
 *         not a shared object (dlerror quoted), missing entry symbol, another
 *         ABI version, struct_size too small, a NULL field, a bad name,
 *         version or description, a name already loaded, or create() failing
 *         (its message quoted); OFFERAPI_ENOMEM
 */
OFFERAPI_EXTERN int offerapi_scorers_load_file(offerapi_scorers *set, const char *path);

/** Number of scorers loaded. */
OFFERAPI_EXTERN size_t offerapi_scorers_count(const offerapi_scorers *set);

/** Scorer number @p index (0 .. count-1, in load order), or NULL. Borrowed:
 *  valid until offerapi_scorers_free(). */
OFFERAPI_EXTERN const offerapi_scorer_info *offerapi_scorers_info(const offerapi_scorers *set,
                                                                  size_t index);

/** Find a scorer by name. @return 0 and its index in @p out_index, or
 *  OFFERAPI_ENOTFOUND. */
OFFERAPI_EXTERN int offerapi_scorers_find(const offerapi_scorers *set, const char *name,
                                          size_t *out_index);

/**
 * Score one pair with scorer number @p index.
 *
 * NULL strings in @p in are passed to the plugin as ""; in->struct_size must
 * be at least sizeof(offerapi_score_input) of version 1.
 * @param expl   receives the plugin's explanation, one line of UTF-8 (or "");
 *               may be NULL when @p explsz is 0
 * @return 0 and a score in [0, 1] in @p out_score; OFFERAPI_EINVAL (bad index
 *         or input); OFFERAPI_EPLUGIN with "name: message" when the plugin
 *         failed or broke the contract (NaN, a score outside [0, 1], an error
 *         without a message, a buffer overrun) - *out_score is then untouched
 */
OFFERAPI_EXTERN int offerapi_scorers_score(offerapi_scorers *set, size_t index,
                                           const offerapi_score_input *in, double *out_score,
                                           char *expl, size_t explsz);

/**
 * Score one pair like offerapi_scorers_score(), and give the explanation as
 * the library stores it: when the plugin reported details through
 * in->report (ABI 1, revision 2), the versioned JSON document that
 * offerapi_explanation_parse() (scoring.h) reads, holding the plugin's
 * sentence, the skills it judged and its sub-scores; otherwise the
 * plugin's sentence as plain text. A report that breaks its contract (a
 * skill index out of range, a credit or sub-score outside [0, 1], a bad
 * name) is left out and counted as a contract violation; the score stands.
 * @param doc    receives the explanation; with OFFERAPI_EXPLANATION_MAX + 1
 *               bytes (application.h) the details of up to
 *               OFFERAPI_SKILLS_MAX skills always fit; details that do not
 *               fit are dropped (logged) and the sentence is kept
 * @return as offerapi_scorers_score()
 */
OFFERAPI_EXTERN int offerapi_scorers_score_explained(offerapi_scorers *set, size_t index,
                                                     const offerapi_score_input *in,
                                                     double *out_score, char *doc, size_t docsz);

/**
 * Number of contract violations (NaN, out-of-range score, error without a
 * message, buffer overrun) scorer @p index committed since it was loaded.
 * Each is also returned as an OFFERAPI_EPLUGIN error. Conformance tools and
 * metrics use it to tell a plugin bug from a plugin's reported failure.
 */
OFFERAPI_EXTERN uint64_t offerapi_scorers_violations(const offerapi_scorers *set, size_t index);

#ifdef __cplusplus
}
#endif
#endif
