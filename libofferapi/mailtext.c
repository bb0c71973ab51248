/*
 * mailtext.c - the text of each kind of message, in French and English
 * (offerapi/mail.h). A body is paragraphs separated by blank lines;
 * {name}, {offer}, {reason}, {who}, {date} and {link} are replaced by the
 * message's fields, {list} by a digest's applications (one a line). The
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

	/* stages of an application (stages.c): to the candidate... */
	{ "stage-interview", "fr", "/me/applications", true,
	  "Votre candidature « {offer} » : entretien",
	  "Bonjour {name},\n\n"
	  "Bonne nouvelle : le recruteur de l'offre « {offer} » souhaite vous rencontrer en "
	  "entretien. Il vous contactera pour convenir d'un rendez-vous.\n\n"
	  "Vos candidatures et leur étape :\n\n{link}" },
	{ "stage-interview", "en", "/me/applications", true,
	  "Your application for \"{offer}\": interview",
	  "Hello {name},\n\n"
	  "Good news: the recruiter of the offer \"{offer}\" would like to meet you for an "
	  "interview. They will contact you to arrange it.\n\n"
	  "Your applications and their stage:\n\n{link}" },
	{ "stage-offer", "fr", "/me/applications", true,
	  "Votre candidature « {offer} » : proposition",
	  "Bonjour {name},\n\n"
	  "Le recruteur de l'offre « {offer} » vous fait une proposition. Il vous en donnera le "
	  "détail directement.\n\n"
	  "Vos candidatures et leur étape :\n\n{link}" },
	{ "stage-offer", "en", "/me/applications", true,
	  "Your application for \"{offer}\": an offer",
	  "Hello {name},\n\n"
	  "The recruiter of the offer \"{offer}\" is making you an offer. They will give you the "
	  "details directly.\n\n"
	  "Your applications and their stage:\n\n{link}" },
	{ "stage-hired", "fr", "/me/applications", true, "Votre candidature « {offer} » : embauche",
	  "Bonjour {name},\n\n"
	  "Félicitations : votre embauche pour l'offre « {offer} » est confirmée.\n\n"
	  "Vos candidatures et leur étape :\n\n{link}" },
	{ "stage-hired", "en", "/me/applications", true, "Your application for \"{offer}\": hired",
	  "Hello {name},\n\n"
	  "Congratulations: you are hired for the offer \"{offer}\".\n\n"
	  "Your applications and their stage:\n\n{link}" },
	{ "stage-rejected", "fr", "/me/applications", true, "Votre candidature « {offer} »",
	  "Bonjour {name},\n\n"
	  "Nous sommes désolés : votre candidature à l'offre « {offer} » n'a pas été retenue.\n\n"
	  "Merci de l'intérêt que vous lui avez porté. Vos candidatures :\n\n{link}" },
	{ "stage-rejected", "en", "/me/applications", true, "Your application for \"{offer}\"",
	  "Hello {name},\n\n"
	  "We are sorry: your application to the offer \"{offer}\" was not selected.\n\n"
	  "Thank you for your interest. Your applications:\n\n{link}" },
	{ "stage-rejected-reason", "fr", "/me/applications", true, "Votre candidature « {offer} »",
	  "Bonjour {name},\n\n"
	  "Nous sommes désolés : votre candidature à l'offre « {offer} » n'a pas été retenue.\n\n"
	  "Motif : {reason}\n\n"
	  "Merci de l'intérêt que vous lui avez porté. Vos candidatures :\n\n{link}" },
	{ "stage-rejected-reason", "en", "/me/applications", true,
	  "Your application for \"{offer}\"",
	  "Hello {name},\n\n"
	  "We are sorry: your application to the offer \"{offer}\" was not selected.\n\n"
	  "Reason: {reason}\n\n"
	  "Thank you for your interest. Your applications:\n\n{link}" },
	/* ... and to the recruiter */
	{ "application-withdrawn", "fr", "/applications/", true,
	  "Candidature retirée : « {offer} »",
	  "Bonjour {name},\n\n"
	  "Un candidat a retiré sa candidature à votre offre « {offer} ».\n\n"
	  "La candidature :\n\n{link}" },
	{ "application-withdrawn", "en", "/applications/", true,
	  "Application withdrawn: \"{offer}\"",
	  "Hello {name},\n\n"
	  "A candidate withdrew their application to your offer \"{offer}\".\n\n"
	  "The application:\n\n{link}" },
	{ "application-received", "fr", "/applications/", true,
	  "Nouvelle candidature : « {offer} »",
	  "Bonjour {name},\n\n"
	  "{who} a postulé à votre offre « {offer} ».\n\n"
	  "La candidature :\n\n{link}\n\n"
	  "Un e-mail par candidature, un résumé quotidien ou aucun : choisissez-le dans "
	  "le formulaire de l'offre." },
	{ "application-received", "en", "/applications/", true, "New application: \"{offer}\"",
	  "Hello {name},\n\n"
	  "{who} applied to your offer \"{offer}\".\n\n"
	  "The application:\n\n{link}\n\n"
	  "One e-mail per application, a daily digest or none: choose in the offer's form." },
	/* the retention purge's notice, a month before (retention.c) */
	{ "retention-warning", "fr", "/me/applications", false,
	  "Votre candidature « {offer} » sera effacée le {date}",
	  "Bonjour {name},\n\n"
	  "Votre candidature à l'offre « {offer} » n'a pas eu de suite depuis longtemps. Comme "
	  "annoncé quand vous l'avez envoyée, elle sera effacée à partir du {date} : votre CV, son "
	  "texte, vos réponses et son historique. Votre compte reste.\n\n"
	  "Pour garder une copie, téléchargez vos données depuis votre compte avant cette date. "
	  "Vos candidatures :\n\n{link}" },
	{ "retention-warning", "en", "/me/applications", false,
	  "Your application for \"{offer}\" will be deleted on {date}",
	  "Hello {name},\n\n"
	  "Your application to the offer \"{offer}\" has had no activity for a long time. As "
	  "announced when you sent it, it will be deleted from {date} on: your CV, its text, your "
	  "answers and its history. Your account stays.\n\n"
	  "To keep a copy, download your data from your account before that date. Your "
	  "applications:\n\n{link}" },
	{ "application-digest", "fr", NULL, true, "Vos nouvelles candidatures du jour",
	  "Bonjour {name},\n\n"
	  "Voici les candidatures reçues depuis votre dernier résumé :\n\n{list}\n\n"
	  "Un e-mail par candidature, un résumé quotidien ou aucun : choisissez-le dans "
	  "le formulaire de chaque offre." },
	{ "application-digest", "en", NULL, true, "Your new applications of the day",
	  "Hello {name},\n\n"
	  "Here are the applications received since your last digest:\n\n{list}\n\n"
	  "One e-mail per application, a daily digest or none: choose in each offer's form." },
};

/* The reasons of a rejection as a candidate reads them, by
 * offerapi_reject_reason, French then English. */
static const char *const reason_labels[OFFERAPI_NREASONS][2] = {
	{ "", "" },
	{ "votre profil ne correspond pas au poste", "your profile does not match the position" },
	{ "l'expérience demandée n'est pas atteinte", "the experience required is not met" },
	{ "le poste a été pourvu", "the position has been filled" },
	{ "autre", "other" },
};

const char *mail_reason_label(offerapi_reject_reason reason, const char *lang)
{
	int en = lang && !strcmp(lang, "en");
	return (unsigned)reason < OFFERAPI_NREASONS ? reason_labels[reason][en] : "";
}

const mail_template *mail_template_find(const char *kind, const char *lang)
{
	const char *l = lang && !strcmp(lang, "en") ? "en" : "fr";
	for (size_t i = 0; i < sizeof templates / sizeof *templates; i++)
		if (kind && !strcmp(templates[i].kind, kind) && !strcmp(templates[i].lang, l))
			return &templates[i];
	return NULL;
}
