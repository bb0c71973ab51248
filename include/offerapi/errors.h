/*
 * offerapi/errors.h - error codes and the per-thread last error.
 *
 * Convention (as libgit2): every function that can fail returns an int, 0 on
 * success or a negative OFFERAPI_E* code. The detail, one line a person can
 * read and that names the field, file or value at fault, is kept per thread
 * and read with offerapi_error_last() until the next failing call on that
 * thread.
 */
#ifndef OFFERAPI_ERRORS_H
#define OFFERAPI_ERRORS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Error codes. Values are stable; new codes are only appended. */
typedef enum offerapi_error_code {
	OFFERAPI_OK = 0,
	OFFERAPI_ERROR = -1, /**< unexpected failure (see message) */
	OFFERAPI_ENOMEM = -2, /**< out of memory */
	OFFERAPI_EINVAL = -3, /**< invalid input: the message names the field */
	OFFERAPI_ENOTFOUND = -4, /**< no such user, offer or application */
	OFFERAPI_EEXISTS = -5, /**< already exists (login taken, applied twice) */
	OFFERAPI_EPERM = -6, /**< this user may not do that */
	OFFERAPI_EAUTH = -7, /**< wrong login or password, unknown or expired session */
	OFFERAPI_ETOOBIG = -8, /**< input over a configured bound */
	OFFERAPI_ENOTPDF = -9, /**< the file is not a PDF */
	OFFERAPI_EPDFDAMAGED = -10, /**< the PDF is damaged beyond repair */
	OFFERAPI_EPDFENCRYPTED = -11, /**< the PDF is encrypted / password protected */
	OFFERAPI_ETOOMANYPAGES = -12, /**< the PDF has more pages than allowed */
	OFFERAPI_ENOTEXT = -13, /**< no extractable text (a scanned image?) */
	OFFERAPI_ECLOSED = -14, /**< the offer is closed to applications */
	OFFERAPI_EUNAVAILABLE = -15, /**< the database cannot be reached; retry later */
	OFFERAPI_EBUSY = -16, /**< the database is locked or too busy; retry later */
	OFFERAPI_EREADONLY = -17, /**< the database refuses writes (read-only file) */
	OFFERAPI_EPLUGIN = -18, /**< a scorer plugin was refused or failed */
	OFFERAPI_ETIMEOUT = -19, /**< an operation took longer than allowed */
	OFFERAPI_EPDFTOOCOMPLEX = -20, /**< the PDF needs more processor time to read
					   than allowed (offerapi_cv_limits.max_cpu_ms):
					   a property of the file, retrying is useless */
	OFFERAPI_ECONFLICT = -21 /**< the state of the object forbids the change (an
				   application's stage), or it changed meanwhile */
} offerapi_error_code;

/** The last error of the calling thread. */
typedef struct offerapi_error {
	int code; /**< an offerapi_error_code */
	const char *message; /**< one line of valid UTF-8 without control
				   characters, never NULL, owned by the library */
} offerapi_error;

/**
 * The last error raised on the calling thread. Never NULL: when no error was
 * raised the code is OFFERAPI_OK and the message is "no error". The returned
 * struct is valid until the next library call on this thread.
 */
OFFERAPI_EXTERN const offerapi_error *offerapi_error_last(void);

/** Reset the calling thread's last error to OFFERAPI_OK. */
OFFERAPI_EXTERN void offerapi_error_clear(void);

/** A static, generic description of @p code ("not a PDF", ...). */
OFFERAPI_EXTERN const char *offerapi_strerror(int code);

#ifdef __cplusplus
}
#endif
#endif
