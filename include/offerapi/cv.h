/*
 * offerapi/cv.h - text extraction from PDF CVs (MuPDF inside).
 *
 * Thread safety: offerapi_cv_extract() may be called from several threads at
 * once; each call uses its own MuPDF context.
 */
#ifndef OFFERAPI_CV_H
#define OFFERAPI_CV_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Version of offerapi_cv_limits; set .version to this. Version 1 ended
 * after max_text; version 2 appended max_cpu_ms. The library accepts both
 * (a version-1 struct gets the default time budget).
 */
#define OFFERAPI_CV_LIMITS_VERSION 2

/** Bounds on one extraction. A zero field takes its default. */
typedef struct offerapi_cv_limits {
	unsigned int version; /**< OFFERAPI_CV_LIMITS_VERSION */
	size_t max_bytes; /**< largest accepted PDF; default 10 MiB */
	unsigned int max_pages; /**< most pages read; default 50 */
	size_t max_text; /**< longest text kept, in bytes; default 1 MiB.
				    Longer text is cut at a UTF-8 boundary. */
	unsigned int max_cpu_ms; /**< (version 2) processor time one extraction
				      may use, in milliseconds of the calling
				      thread's CPU time; default 3000. Past it
				      the call stops and fails with
				      OFFERAPI_EPDFTOOCOMPLEX. */
} offerapi_cv_limits;

/** Initialiser giving every default. */
#define OFFERAPI_CV_LIMITS_INIT                                                                    \
	{                                                                                          \
		OFFERAPI_CV_LIMITS_VERSION, 0, 0, 0, 0                                             \
	}

#define OFFERAPI_CV_DEFAULT_MAX_BYTES ((size_t)10 * 1024 * 1024)
#define OFFERAPI_CV_DEFAULT_MAX_PAGES 50u
#define OFFERAPI_CV_DEFAULT_MAX_TEXT ((size_t)1024 * 1024)
#define OFFERAPI_CV_DEFAULT_MAX_CPU_MS 3000u

/**
 * Extract the text of a PDF as UTF-8.
 *
 * Words split by a hyphen at the end of a line are joined, runs of spaces and
 * tabs become one space, lines are trimmed, and runs of blank lines become one.
 *
 * @param out      receives a NUL-terminated UTF-8 string; free it with
 *                 offerapi_free()
 * @param out_len  if not NULL, receives strlen(*out)
 * @param pdf      the bytes of the file
 * @param len      their number
 * @param limits   NULL for the defaults
 * Time is bounded as well as memory: the call reads the calling thread's
 * processor time as it goes and gives up once max_cpu_ms is spent (a deflate
 * bomb of whitespace would otherwise take a core for seconds per upload).
 * Processor time, not wall time, so a busy machine does not refuse a CV
 * that an idle one reads.
 *
 * @return 0, or OFFERAPI_ETOOBIG (larger than max_bytes, or needing more
 *         than 64 MiB of memory to read), OFFERAPI_ENOTPDF (not a PDF, or
 *         empty), OFFERAPI_EPDFDAMAGED, OFFERAPI_EPDFENCRYPTED,
 *         OFFERAPI_ETOOMANYPAGES, OFFERAPI_ENOTEXT, OFFERAPI_EPDFTOOCOMPLEX
 *         (max_cpu_ms spent), OFFERAPI_ENOMEM, OFFERAPI_EINVAL (NULL
 *         arguments or a bad limits version).
 */
OFFERAPI_EXTERN int offerapi_cv_extract(char **out, size_t *out_len, const void *pdf, size_t len,
                                        const offerapi_cv_limits *limits);

#ifdef __cplusplus
}
#endif
#endif
