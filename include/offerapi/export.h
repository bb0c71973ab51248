/*
 * offerapi/export.h - a person's data in one archive: the rights of access
 * and portability (GDPR articles 15 and 20; docs/privacy.md).
 *
 * offerapi_user_export() writes a zip (the default) or a tar.gz archive
 * through the caller's write function, as it goes. It holds:
 *
 *   README.txt              what each file is, in French and in English
 *   account.json            the account: login, display name, role, e-mail
 *                           address and whether it is verified, language,
 *                           creation date, live sessions
 *   applications.json       a candidate's applications: offer id and title,
 *                           date, the offer's state, answers with their
 *                           questions, scores with the scorer's name,
 *                           version and explanation, scoring job states,
 *                           and the names of the two files below
 *   cv/application-ID.pdf   a candidate's CV as uploaded (decrypted)
 *   cv/application-ID.txt   the text extracted from it
 *   offers.json             a recruiter's offers: open, closed and archived
 *                           (archived_at set)
 *
 * Dates are ISO 8601 in UTC ("2026-12-06T03:21:28Z"). Memory is bounded:
 * one CV at a time, plus applications.json or offers.json, which are built
 * whole (their size is written before their data in a tar) and may not
 * exceed OFFERAPI_EXPORT_JSON_MAX. Nothing is written before the account
 * has been read and the format checked, so a caller that has written
 * nothing when an error comes back may still answer with that error.
 */
#ifndef OFFERAPI_EXPORT_H
#define OFFERAPI_EXPORT_H

#include <stddef.h>

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The archive formats. */
typedef enum offerapi_export_format {
	OFFERAPI_EXPORT_ZIP = 0, /**< zip, deflated (the default) */
	OFFERAPI_EXPORT_TAR_GZ = 1 /**< POSIX tar compressed with gzip */
} offerapi_export_format;

/** The largest applications.json or offers.json an export builds (bytes);
 *  beyond it the export stops with OFFERAPI_ETOOBIG naming the file. */
#define OFFERAPI_EXPORT_JSON_MAX (64u * 1024u * 1024u)

/**
 * Parse a format name: "zip" or "tar.gz"; NULL or "" is the default, zip.
 * @return 0, or OFFERAPI_EINVAL whose message names "format" and the
 *         accepted values
 */
OFFERAPI_EXTERN int offerapi_export_format_parse(offerapi_export_format *out, const char *name);

/** The file name extension of @p format without a dot ("zip", "tar.gz"),
 *  or NULL for an unknown value. Static. */
OFFERAPI_EXTERN const char *offerapi_export_format_name(offerapi_export_format format);

/** The media type of @p format ("application/zip", "application/gzip"),
 *  or NULL for an unknown value. Static. */
OFFERAPI_EXTERN const char *offerapi_export_format_media_type(offerapi_export_format format);

/**
 * Where the archive goes: called with each piece, in order, on the calling
 * thread. Return 0 to go on, anything else to stop the export (which then
 * returns OFFERAPI_ERROR, "export: the output refused the archive").
 */
typedef int (*offerapi_export_write_fn)(const void *data, size_t len, void *payload);

/**
 * Write every piece of data the store holds about user @p user_id as an
 * archive (see the top of this file) through @p write. A candidate's
 * archive holds their account and applications with their CVs; a
 * recruiter's, their account and offers. No other person's data is in it
 * beyond what they see on their own pages (the recruiter's name on an
 * offer). This checks no actor: the caller decides who may export whom
 * (the server: the user themself; offerapi-admin: the operator).
 * @return 0; OFFERAPI_EINVAL (@p format unknown, @p write NULL),
 *         OFFERAPI_ENOTFOUND (no such user), OFFERAPI_ETOOBIG (a JSON file
 *         over OFFERAPI_EXPORT_JSON_MAX, named), OFFERAPI_ERROR (the
 *         archive library or @p write failed), any error of reading a CV
 *         (a missing or wrong data key), or a database error. On an error
 *         the bytes already written are not a whole archive.
 */
OFFERAPI_EXTERN int offerapi_user_export(offerapi_store *store, offerapi_id user_id,
                                         offerapi_export_format format,
                                         offerapi_export_write_fn write, void *payload);

#ifdef __cplusplus
}
#endif
#endif
