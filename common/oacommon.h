/*
 * oacommon.h - small helpers that the library, the server, the plugins and
 * the tools share. Built as a static, position-independent archive and
 * linked into each of them (a plugin stays one .so with no new runtime
 * dependency); never installed, never part of any exported ABI.
 */
#ifndef OFFERAPI_OACOMMON_H
#define OFFERAPI_OACOMMON_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* printf-style checking of a function's format, as OFFERAPI_PRINTF does
 * in the public headers (which plugins and tools need not include). */
#if defined(__GNUC__) || defined(__clang__)
#define OA_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define OA_PRINTF(fmt, args)
#endif

/* True when the @len bytes at @s are strict UTF-8: no overlong forms, no
 * surrogates, nothing above U+10FFFF, and no NUL byte (text is handled as
 * C strings everywhere). */
bool oa_utf8_valid(const char *s, size_t len);

/* The number of bytes of @s, at most @max, that end on a character
 * boundary: for "%.*s" in bounded messages. */
int oa_utf8_fit(const char *s, size_t max);

/* ---- logfmt (logfmt.c) ---------------------------------------------------- */

/* @src (NULL: "") as a quoted logfmt value into @dst of @cap bytes: between
 * double quotes, with '"' and '\\' escaped by a backslash, newline, return
 * and tab as \n, \r, \t, other control bytes as \u00XX, so that one
 * message stays one field of one line whatever it holds. Cut to fit @cap
 * (never inside an escape or a UTF-8 character), always closed and
 * NUL-terminated when @cap >= 3 (else ""). Returns the length written. */
size_t oa_logfmt_quote(char *dst, size_t cap, const char *src);

/* oa_logfmt_quote() that returns @dst, for a printf argument list. */
const char *oa_logfmt_q(char *dst, size_t cap, const char *src);

/* ---- growing strings (buf.c) --------------------------------------------- */

/* A growing string, zero-initialised: @p holds @len bytes and a NUL once
 * anything was added. After a failed allocation @failed is set and later
 * additions do nothing, so the caller checks once, at the end. */
typedef struct oa_buf {
	char *p;
	size_t len, cap;
	bool failed;
} oa_buf;

/* Append the @n bytes at @s. */
void oa_buf_add(oa_buf *b, const char *s, size_t n);

/* Append the string @s. */
void oa_buf_str(oa_buf *b, const char *s);

/* Append what printf would write, whatever its length. */
void oa_buf_printf(oa_buf *b, const char *fmt, ...) OA_PRINTF(2, 3);

/* Free the bytes and zero @b, ready to be used again. */
void oa_buf_free(oa_buf *b);

/* ---- language (lang.c) --------------------------------------------------- */

/* The @n @items as a person lists them, "a, b or c": ", " between them
 * and @last (" or ", " ou ") before the last one; into @dst of @cap bytes
 * (cut to fit, always ended); returns @dst. */
const char *oa_list_join(char *dst, size_t cap, const char *const *items, size_t n,
                         const char *last);

/* True when the environment asks for French, as setlocale would read it:
 * the first of LC_ALL, LC_MESSAGES and LANG that is set and not empty is
 * "fr", or starts with "fr_", "fr." or "fr@". */
bool oa_env_french(void);

/* ---- command-line options (opts.c) ---------------------------------------- */

/* What an option's value is, and where it goes in the configuration. */
typedef enum oa_opt_type {
	OA_OPT_STR, /* text, into a char array of @size bytes */
	OA_OPT_UINT, /* a number in [lo, hi], into an unsigned int */
	OA_OPT_SIZE, /* a number in [lo, hi], into a size_t */
	OA_OPT_ULL, /* a number in [lo, hi], into an unsigned long long */
	OA_OPT_BOOL, /* a switch, into a bool; as a variable: 1/true/yes/on/"" */
	OA_OPT_ACTION, /* --help, --version...: parsing stops, the caller acts */
} oa_opt_type;

/* One option of a program: the one place that says its flag, variable,
 * type, field, range, default and help. */
typedef struct oa_opt {
	const char *flag; /* long option, without "--" */
	const char *env; /* its environment variable; NULL: none */
	const char *arg; /* the value's placeholder in --help; NULL for a switch */
	oa_opt_type type;
	size_t off, size; /* the field in the configuration struct: OA_OPT_FIELD() */
	unsigned long long lo, hi; /* range of a number */
	const char *def; /* default, parsed like any value; NULL: none (zero) */
	const char *help; /* one line, English */
	const char *help_fr; /* the same in French; NULL: @help in both */
} oa_opt;

/* The offset and size of @field in the struct @type, for oa_opt. */
#define OA_OPT_FIELD(type, field) offsetof(type, field), sizeof(((type *)0)->field)
/* A number macro as a string, for a default: OA_STR(OFFERAPI_JOB_LEASE_S_DEFAULT)
 * is "300". */
#define OA_STR(x) OA_STR_(x)
#define OA_STR_(x) #x

/* Fill the configuration @cfg (zeroed by the caller) from the @n options
 * of @opts: every default, then every variable, then the flags of @argv;
 * a flag wins over its variable, -h is --help. A value not of its type or
 * range, an unknown option or a stray argument prints one line on stderr
 * that names @prog and the flag, the variable or the default at fault, and
 * returns -1. An OA_OPT_ACTION flag stops the parse and returns 1 with
 * *@action set to it. Otherwise 0. Not thread-safe (getopt_long). */
int oa_opts_parse(const char *prog, const oa_opt *opts, size_t n, void *cfg, int argc, char **argv,
                  const oa_opt **action);

/* The options part of --help: each flag with its placeholder and help (the
 * flags in a column @width wide), then its default, its range and its
 * variable; the help and the labels in French when @fr. */
void oa_opts_print(FILE *f, const oa_opt *opts, size_t n, int width, bool fr);

/* Whether @listen has the shape HOST:PORT that CivetWeb 1.15 takes here:
 * no IPv6 (brackets), no list (commas), a port of 1 to 65535 in decimal at
 * the end (docs/dependencies.md). The host is left to CivetWeb, which
 * refuses at start what it cannot use. */
bool oa_listen_valid(const char *listen);

/* ---- URLs (url.c) --------------------------------------------------------- */

/* @url with any password in its userinfo replaced by "***" (and a user
 * without password by "***"), for messages and logs. malloc'd; NULL on
 * out of memory. */
char *oa_url_redact(const char *url);

/* ---- plugin settings (settings.c) ----------------------------------------- */

typedef enum oa_setting_kind {
	OA_SETTING_REAL, /* a double in [min, max] */
	OA_SETTING_COUNT, /* an integer in [lo, hi], into a field of size 4 or 8 */
	OA_SETTING_BOOL, /* 1/0, true/false, yes/no, into a bool */
	OA_SETTING_TEXT, /* a borrowed const char * of lo..hi bytes */
	OA_SETTING_CHOICE, /* the index of the value in choices, into an int */
	OA_SETTING_REFUSE, /* never accepted: reason says why */
} oa_setting_kind;

/* One setting a plugin accepts: its key, kind, field and bounds. */
typedef struct oa_setting {
	const char *key;
	oa_setting_kind kind;
	size_t offset, size; /* the field in the plugin's state, and its size */
	double min, max; /* REAL */
	unsigned long long lo, hi; /* COUNT; TEXT: length in bytes */
	const char *const *choices; /* CHOICE: NULL-terminated */
	const char *reason; /* REFUSE */
} oa_setting;

struct offerapi_host_v1;

/* Apply the NULL-terminated key/value list @kv (as a plugin's create()
 * receives it) to @state by @table. A key not in the table is ignored with
 * a warning through @host's log (@host may be NULL). Returns 0, or -1 with
 * one line in @err naming the key and the value at fault. Values of TEXT
 * settings stay borrowed from @kv: copy what must outlive create(). */
int oa_settings_apply(const oa_setting *table, size_t n, void *state, const char *const *kv,
                      const struct offerapi_host_v1 *host, char *err, size_t errsz);

/* ---- arrays (array.c) ----------------------------------------------------- */

/* Room for @need elements of @elem bytes in the array @p (NULL when it has
 * none) that has room for *@cap elements. Returns @p itself when *@cap >=
 * @need; otherwise @p reallocated to *@cap doubled (or to @first when *@cap
 * is 0), doubled again until it holds @need, and *@cap set to that. Returns
 * NULL on out of memory or size overflow, with @p still valid and *@cap
 * unchanged: the caller keeps owning @p. @need is at least 1. Doubling
 * keeps n appends O(n).
 *
 *     tok *v = oa_grow(w->toks, &w->tokcap, w->ntoks + 1, sizeof *v, 1024);
 *     if (!v)
 *             return false;
 *     w->toks = v;
 */
void *oa_grow(void *p, size_t *cap, size_t need, size_t elem, size_t first);

/* ---- hashing (hash.c) ----------------------------------------------------- */

/* The FNV-1a offset basis: the @h to start a hash with. */
#define OA_FNV1A_BASIS UINT64_C(0xCBF29CE484222325)

/* FNV-1a (64 bits) of the @len bytes at @data, continuing from @h
 * (OA_FNV1A_BASIS to start), so that several pieces hash as one. Not for
 * keys an attacker chooses to collide. */
uint64_t oa_fnv1a(uint64_t h, const void *data, size_t len);

/* ---- time (clock.c) ------------------------------------------------------- */

/* Milliseconds on the monotonic clock (CLOCK_MONOTONIC): only differences
 * between two calls mean something. */
double oa_mono_ms(void);

/* The time @ms milliseconds from now on @clock, as pthread_cond_timedwait()
 * takes it: CLOCK_MONOTONIC for a condition made by
 * oa_cond_init_monotonic(), CLOCK_REALTIME for one made the default way. */
struct timespec oa_deadline_ms(clockid_t clock, unsigned int ms);

/* pthread_cond_init() on CLOCK_MONOTONIC, so that a step of the wall clock
 * neither stretches nor cuts a timed wait. */
void oa_cond_init_monotonic(pthread_cond_t *c);

/* ---- PDF (pdf.c) ---------------------------------------------------------- */

/* A PDF of @npages pages, each showing the @nlines @lines in Helvetica
 * (WinAnsiEncoding: Latin-1 bytes for accents), with a correct
 * cross-reference table; ( ) and \ in the lines are escaped. Returns
 * malloc'd bytes and their count in *@len, or NULL on out of memory. */
char *oa_pdf_text(const char *const *lines, size_t nlines, unsigned npages, size_t *len);

/* The same PDF with one more object: an unreferenced stream of @pad bytes
 * of pseudo-random data drawn from @seed, standing for the fonts and images
 * that make a real CV weigh tens of kilobytes. Readers never open it, so the
 * text is that of oa_pdf_text(); the file is @pad bytes (and a few more)
 * larger and does not compress. */
char *oa_pdf_text_padded(const char *const *lines, size_t nlines, unsigned npages, size_t pad,
                         unsigned seed, size_t *len);

#endif
