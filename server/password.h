/*
 * password.h - the policy for new passwords (password.c): NIST SP 800-63B
 * with libpwquality and cracklib's dictionary.
 */
#ifndef OFFERAPI_SERVER_PASSWORD_H
#define OFFERAPI_SERVER_PASSWORD_H

/* Check that the checker works (its dictionary is installed) before
 * serving; prints why not and returns -1 otherwise. */
int password_init(void);

/* Why @password may not be chosen by the account @login named @name: the
 * i18n key of the reason ("err.pw_dictionary"...), or NULL when it may.
 * Lengths outside the library's bounds return NULL: the library refuses
 * them with its own message. Thread-safe. */
const char *password_refusal(const char *password, const char *login, const char *name);

#endif
