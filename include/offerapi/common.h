/*
 * offerapi/common.h - export macro, version, logging and memory helpers.
 *
 * Every public function of libofferapi is declared with OFFERAPI_EXTERN; the
 * library is built with -fvisibility=hidden, so nothing else is exported.
 */
#ifndef OFFERAPI_COMMON_H
#define OFFERAPI_COMMON_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define OFFERAPI_EXTERN __attribute__((visibility("default")))
#define OFFERAPI_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define OFFERAPI_EXTERN
#define OFFERAPI_PRINTF(fmt, args)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Version of the headers, "MAJOR.MINOR.PATCH". */
#define OFFERAPI_VERSION "0.1.0"

/** Version of the library actually linked (may differ from OFFERAPI_VERSION). */
OFFERAPI_EXTERN const char *offerapi_version(void);

/** Database row identifier: positive when valid, 0 means "none". */
typedef int64_t offerapi_id;

/** Log levels, from most to least severe. */
typedef enum offerapi_log_level {
	OFFERAPI_LOG_ERROR = 0,
	OFFERAPI_LOG_WARNING = 1,
	OFFERAPI_LOG_INFO = 2,
	OFFERAPI_LOG_DEBUG = 3
} offerapi_log_level;

/**
 * Log callback: receives one line without a trailing newline. It may be
 * called from any thread that calls into the library.
 */
typedef void (*offerapi_log_fn)(offerapi_log_level level, const char *message, void *payload);

/**
 * Install a log callback for messages at @p max_level or more severe.
 * The library is silent until this is called. Pass NULL to silence it again.
 * Call it once at start-up, before other threads use the library.
 */
OFFERAPI_EXTERN void offerapi_set_log(offerapi_log_level max_level, offerapi_log_fn fn,
                                      void *payload);

/** Free memory that the library returned as a plain buffer or string. */
OFFERAPI_EXTERN void offerapi_free(void *ptr);

#ifdef __cplusplus
}
#endif
#endif
