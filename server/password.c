/*
 * password.c - which new passwords are refused (NIST SP 800-63B, 5.1.1.2):
 * no composition rules, 8 characters at least, long passphrases welcome
 * (up to OFFERAPI_PASSWORD_MAX bytes), but not a word of the dictionary or
 * a light variation of one, not a simple sequence or repetition, not the
 * login or the display name.
 *
 * The checks are libpwquality's with cracklib's dictionary (Debian's
 * cracklib-runtime builds it from every word list in /usr/share/dict:
 * cracklib-small, and wfrench for French words). Configured here, not from
 * /etc/security/pwquality.conf, so that every machine applies the same
 * policy. cracklib opens its dictionary on every check and is not known to
 * be thread-safe: checks run one at a time (sign-ups are rare, and the
 * Argon2id hash after the check takes longer).
 *
 * libpwquality 1.4.5 recurses once per character of the password: 1 024
 * characters overflow a CivetWeb worker's 100 KiB stack (found by
 * tests/server/test_accounts.py). Only the first CHECKED_MAX bytes are
 * checked; a longer passphrase is not a dictionary word anyway.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <pwquality.h>

#include "app.h"
#include "password.h"

#define CHECKED_MAX 128

static pthread_mutex_t pwq_lock = PTHREAD_MUTEX_INITIALIZER;

/* The display name's words of 3 bytes or more, lower-cased, as the
 * "badwords" setting wants them (space-separated). */
static void name_words(const char *name, char *out, size_t outsz)
{
	size_t j = 0, start = 0;
	for (size_t i = 0;; i++) {
		unsigned char c = (unsigned char)name[i];
		bool word = c && (isalnum(c) || c >= 0x80);
		if (word && j + 1 < outsz) {
			out[j++] = (char)tolower(c);
			continue;
		}
		if (j - start < 3) /* too short to mean anything: drop it */
			j = start;
		else if (j + 1 < outsz)
			out[j++] = ' ';
		start = j;
		if (!c)
			break;
	}
	while (j > 0 && out[j - 1] == ' ')
		j--;
	out[j] = '\0';
}

/* One check with the policy's settings; the libpwquality code (0: good). */
static int check(const char *pw, const char *login, const char *name, char *why, size_t whysz)
{
	pwquality_settings_t *s = pwquality_default_settings();
	if (!s)
		return PWQ_ERROR_MEM_ALLOC;
	char words[OFFERAPI_NAME_MAX + 16], opt[OFFERAPI_NAME_MAX + 48];
	name_words(name ? name : "", words, sizeof words);
	snprintf(opt, sizeof opt, "badwords=%s", words);
	/* 8 characters, no credits nor classes (NIST: no composition rules);
	 * the dictionary, and the login, on */
	static const char *const policy[] = { "minlen=8",    "dcredit=0",   "ucredit=0",
		                              "lcredit=0",   "ocredit=0",   "minclass=0",
		                              "dictcheck=1", "usercheck=1", "enforcing=1" };
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof policy / sizeof policy[0]; i++)
		rc = pwquality_set_option(s, policy[i]);
	if (rc == 0 && words[0])
		rc = pwquality_set_option(s, opt);
	if (rc == 0) {
		void *aux = NULL;
		pthread_mutex_lock(&pwq_lock);
		rc = pwquality_check(s, pw, NULL, login && login[0] ? login : NULL, &aux);
		pthread_mutex_unlock(&pwq_lock);
		if (rc < 0) /* the text also frees what libpwquality allocated for it */
			snprintf(why, whysz, "%s", pwquality_strerror(NULL, 0, rc, aux));
		else
			rc = 0;
	}
	pwquality_free_settings(s);
	return rc;
}

/* @pw with the usual digit and symbol stand-ins for letters put back
 * ("P@ssw0rd" -> "Password"), which cracklib's rules do not all undo.
 * Returns whether anything changed. */
static bool unleet(const char *pw, char *out, size_t outsz)
{
	static const char from[] = "@4310$5!7", to[] = "aaeiosslt";
	bool changed = false;
	size_t j = 0;
	for (; pw[j] && j + 1 < outsz; j++) {
		const char *p = strchr(from, pw[j]);
		out[j] = p ? to[p - from] : pw[j];
		changed |= p != NULL;
	}
	out[j] = '\0';
	return changed;
}

const char *password_refusal(const char *password, const char *login, const char *name)
{
	size_t n = password ? strlen(password) : 0;
	if (n < OFFERAPI_PASSWORD_MIN || n > OFFERAPI_PASSWORD_MAX)
		return NULL; /* the library refuses it and says why */
	char why[256] = "", head[CHECKED_MAX + 1], plain[CHECKED_MAX + 1];
	size_t hn = n < CHECKED_MAX ? n : CHECKED_MAX;
	memcpy(head, password, hn);
	head[hn] = '\0';
	int rc = check(head, login, name, why, sizeof why);
	if (rc == 0 && unleet(head, plain, sizeof plain))
		rc = check(plain, login, name, why, sizeof why);
	switch (rc) {
	case 0: return NULL;
	case PWQ_ERROR_MIN_LENGTH: return "err.pw_short";
	case PWQ_ERROR_USER_CHECK: return "err.pw_login";
	case PWQ_ERROR_BAD_WORDS: return "err.pw_name";
	case PWQ_ERROR_PALINDROME: return "err.pw_palindrome";
	case PWQ_ERROR_CRACKLIB_CHECK:
		if (strstr(why, "dictionary"))
			return "err.pw_dictionary";
		if (strstr(why, "DIFFERENT") || strstr(why, "simplistic") ||
		    strstr(why, "whitespace"))
			return "err.pw_simple";
		if (strstr(why, "username"))
			return "err.pw_login";
		if (strstr(why, "short"))
			return "err.pw_short";
		return "err.pw_guessable";
	default:
		/* a failure of the check itself: refuse rather than let it pass */
		fprintf(stderr, "level=error msg=\"password check failed\" code=%d detail=\"%s\"\n",
		        rc, why);
		return "err.pw_guessable";
	}
}

int password_init(void)
{
	char why[256] = "";
	/* "password" must be refused as a dictionary word: otherwise cracklib
	 * has no dictionary and every password would pass */
	int rc = check("password", NULL, NULL, why, sizeof why);
	if (rc == PWQ_ERROR_CRACKLIB_CHECK && strstr(why, "dictionary"))
		return 0;
	fprintf(stderr,
	        "offerapi-server: the password check does not work (%s): install Debian's "
	        "cracklib-runtime, whose dictionary libpwquality reads (/var/cache/cracklib)\n",
	        rc == 0 ? "\"password\" passes" : why);
	return -1;
}
