/*
 * internal.h - helpers shared inside libofferapi; never installed.
 */
#ifndef OFFERAPI_INTERNAL_H
#define OFFERAPI_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "offerapi/common.h"
#include "offerapi/errors.h"
#include "oacommon.h"

/*
 * Set the calling thread's last error and return @p code, so that a failing
 * path reads "return oa_error(OFFERAPI_EINVAL, "title: too long");".
 * The message is one line, no trailing period, naming what is at fault.
 */
int oa_error(int code, const char *fmt, ...) OFFERAPI_PRINTF(2, 3);
int oa_verror(int code, const char *fmt, va_list ap) OFFERAPI_PRINTF(2, 0);

/* Log through the callback installed with offerapi_set_log(), if any. */
void oa_log(offerapi_log_level level, const char *fmt, ...) OFFERAPI_PRINTF(2, 3);

/* True when the @p len bytes at @p s are valid UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF) and contain no NUL byte. */

/* Check a text field: not NULL (unless @p optional), valid UTF-8, at most
 * @p max bytes, at least @p min, and no control characters other than \n,
 * \r and \t when @p multiline (none at all otherwise). On failure sets an
 * error naming @p field and returns OFFERAPI_EINVAL or OFFERAPI_ETOOBIG. */
int oa_check_text(const char *field, const char *s, size_t min, size_t max, bool multiline,
                  bool optional);

/* Name tables: @names[v] is the name of value v, for @first <= v < @n.
 * oa_name_of(): that name, or NULL for any other @v. oa_index_of(): the v
 * whose name is @name, or -1 (a NULL @name too). oa_bit_name(): for a
 * table of flags (@names[i] names 1u << i), the name of the one flag
 * @bit, or NULL. */
const char *oa_name_of(const char *const *names, int n, int first, int v);
int oa_index_of(const char *const *names, int n, int first, const char *name);
const char *oa_bit_name(const char *const *names, int n, unsigned bit);
/* The names @names[@first..@n) as a person reads them, "a, b or c", into
 * @dst of @cap bytes (cut to fit); @dst. */
const char *oa_name_list(char *dst, size_t cap, const char *const *names, int n, int first);
/* OFFERAPI_EINVAL with the one message of a value outside a name table,
 * its names written from the table: `field: "value" unknown (a, b or c)`;
 * `field: unknown value (a, b or c)` when @value is NULL (a number the
 * caller gave, not a name). */
int oa_name_error(const char *field, const char *const *names, int n, int first, const char *value);
/* oa_index_of() into *@out, else oa_name_error() for @name. */
int oa_name_parse(const char *field, const char *const *names, int n, int first, const char *name,
                  int *out);

/* Check the version of a struct the caller filled (options, query,
 * page): 1 to @max, else EINVAL "@what: version V, this library knows 1
 * to @max". */
int oa_check_version(const char *what, unsigned version, unsigned max);

/* Wipe a secret string (a password, a signing secret, a link with a
 * token) and free it. NULL is ignored. */
void oa_free_secret(char *s);

/* oa_buf, the growing string: oacommon.h. */

/* strdup/strndup that set OFFERAPI_ENOMEM on failure. */
char *oa_strdup(const char *s);
char *oa_strndup(const char *s, size_t n);

/* Monotonic and wall-clock time in seconds; wall-clock in milliseconds. */
double oa_monotonic(void);
int64_t oa_now(void);
int64_t oa_now_ms(void);

/* Tests only (they link the internal static library): move the wall clock
 * that oa_now() and oa_now_ms() read by @ms, so leases, backoff and windows
 * can be tested without sleeping; returns the total offset now in force.
 * Hidden: never exported. */
int64_t oa_test_clock_advance(int64_t ms);

#endif

/* Fold text for search: Unicode case folding, accents removed (NFD then
 * combining marks dropped). "Développeur Élève" -> "developpeur eleve".
 * Returns a malloc'd string, or NULL with OFFERAPI_ENOMEM / OFFERAPI_EINVAL. */
char *oa_fold(const char *s);
