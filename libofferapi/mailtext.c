/*
 * mailtext.c - the text of each kind of message, in French and English
 * (offerapi/mail.h). A body is paragraphs separated by blank lines;
 * {name}, {offer} and {link} are replaced by the message's fields. The
 * HTML part is made from the same paragraphs (mime.c), so both parts
 * always say the same thing.
 */
#include <string.h>

#include "mail_internal.h"

static const mail_template templates[] = {
	{ "verify-email", "fr", "/verify-email?token=", false,
	  "Confirmez votre adresse e-mail sur OffreAPI",
	  "Bonjour {name},\n\n"
	  "Pour confirmer votre adresse e-mail sur OffreAPI, ouvrez ce lien (valable 48 heures) "
	  ":\n\n{link}\n\n"
	  "Vous pouvez déjà vous connecter et postuler ; ce lien confirme seulement que cette "
	  "adresse est bien la vôtre.\n\n"
	  "Si vous n'avez pas créé de compte sur OffreAPI, ignorez ce message." },
	{ "verify-email", "en", "/verify-email?token=", false,
	  "Confirm your e-mail address on OffreAPI",
	  "Hello {name},\n\n"
	  "To confirm your e-mail address on OffreAPI, open this link (valid for 48 hours):\n\n"
	  "{link}\n\n"
	  "You may already log in and apply; this link only confirms that this address is "
	  "yours.\n\n"
	  "If you did not create an account on OffreAPI, ignore this message." },
	{ "password-reset", "fr", "/reset-password?token=", false,
	  "Réinitialisation de votre mot de passe OffreAPI",
	  "Bonjour {name},\n\n"
	  "Quelqu'un (vous, sans doute) a demandé à réinitialiser le mot de passe de votre compte "
	  "OffreAPI. Pour choisir un nouveau mot de passe, ouvrez ce lien (valable une heure, "
	  "une seule fois) :\n\n{link}\n\n"
	  "Toutes vos sessions ouvertes seront fermées.\n\n"
	  "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas." },
	{ "password-reset", "en", "/reset-password?token=", false, "Reset your OffreAPI password",
	  "Hello {name},\n\n"
	  "Someone (you, most likely) asked to reset the password of your OffreAPI account. To "
	  "choose a new password, open this link (valid for one hour, once):\n\n{link}\n\n"
	  "Every session you have open will be logged out.\n\n"
	  "If you did not ask for this, ignore this message: your password does not change." },
};

const mail_template *mail_template_find(const char *kind, const char *lang)
{
	const char *l = lang && !strcmp(lang, "en") ? "en" : "fr";
	for (size_t i = 0; i < sizeof templates / sizeof *templates; i++)
		if (kind && !strcmp(templates[i].kind, kind) && !strcmp(templates[i].lang, l))
			return &templates[i];
	return NULL;
}
