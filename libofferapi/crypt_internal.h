/*
 * crypt_internal.h - CVs encrypted at rest (never installed).
 *
 * Envelope encryption with libsodium:
 *   - the data key (DK): 32 random bytes, made once per store, kept in the
 *     table data_keys wrapped (crypto_secretbox) by the key-encryption key;
 *   - the key-encryption key (KEK): 32 bytes read from the data key file
 *     (offerapi_store_options.data_key_file), never written to the database;
 *   - each CV's PDF and text: crypto_secretbox under a subkey derived from the
 *     DK for that application and field (crypto_kdf), so that a sealed value
 *     moved to another row or column no longer opens.
 * Rotating the KEK re-wraps the DK only; no CV is re-encrypted.
 *
 * A sealed value: 1 byte format (1), 24 bytes nonce, 16 bytes MAC, the
 * ciphertext. A wrapped DK has the same layout around 32 bytes.
 */
#ifndef OFFERAPI_CRYPT_INTERNAL_H
#define OFFERAPI_CRYPT_INTERNAL_H

#include <stddef.h>

#include "offerapi/common.h"

struct offerapi_store;
struct db_conn;

/* Which part of a CV a sealed value holds (part of the subkey). */
enum cv_field { CV_PDF = 0, CV_TEXT = 1 };

/* After the migrations: load the KEK, unwrap (or make) the DK, and seal the
 * plaintext CVs an older store left in application_cvs. */
int crypt_store_open(struct offerapi_store *s, const char *url);

/* Forget the DK (wiped). */
void crypt_store_close(struct offerapi_store *s);

/* Seal @len bytes for application @app: *out (malloc'd, *out_len bytes). */
int cv_seal(struct offerapi_store *s, offerapi_id app, enum cv_field f, const void *in, size_t len,
            unsigned char **out, size_t *out_len);

/* Open a sealed value: *out is malloc'd with a NUL after its *out_len bytes.
 * OFFERAPI_ERROR naming the application when the MAC fails (damaged or
 * moved), OFFERAPI_EINVAL without a data key. */
int cv_open(struct offerapi_store *s, offerapi_id app, enum cv_field f, const void *in, size_t len,
            char **out, size_t *out_len);

/* The store's data key id, for the key_id column (EINVAL without a key). */
int cv_key_id(struct offerapi_store *s, offerapi_id *out);

#endif
