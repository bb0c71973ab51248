/*
 * i18n.c - the French and English texts of the pages. French is the
 * default (as in the original); English when the oa_lang cookie or
 * Accept-Language asks for it. Texts are trusted markup-free strings, but
 * the pages still print them unescaped only where they are literals here.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "i18n.h"

typedef struct msg {
	const char *key;
	const char *text[2]; /* fr, en */
} msg;

static msg msgs[] = {
	{ "problem.invalid", { "Données invalides", "Invalid data" } },
	{ "problem.bad_json", { "JSON mal formé", "Malformed JSON" } },
	{ "problem.bad_request", { "Requête illisible", "Unreadable request" } },
	{ "problem.bad_query", { "Paramètre d'adresse invalide", "Invalid query parameter" } },
	{ "problem.unauthenticated", { "Authentification requise", "Authentication required" } },
	{ "problem.invalid_token", { "Jeton invalide ou expiré", "Invalid or expired token" } },
	{ "problem.forbidden", { "Action interdite", "Forbidden" } },
	{ "problem.csrf",
	  { "En-tête X-Requested-With requis", "X-Requested-With header required" } },
	{ "problem.not_found", { "Introuvable", "Not found" } },
	{ "problem.method_not_allowed", { "Méthode non autorisée", "Method not allowed" } },
	{ "problem.exists", { "Existe déjà", "Already exists" } },
	{ "problem.closed", { "Offre fermée", "Offer closed" } },
	{ "problem.conflict", { "Conflit avec l'état actuel", "Conflict with the current state" } },
	{ "problem.too_big", { "Trop volumineux", "Too large" } },
	{ "problem.not_pdf", { "Pas un PDF", "Not a PDF" } },
	{ "problem.unsupported_media_type",
	  { "Type de contenu non pris en charge", "Unsupported media type" } },
	{ "problem.pdf_damaged", { "PDF endommagé", "Damaged PDF" } },
	{ "problem.pdf_encrypted", { "PDF protégé par mot de passe", "Password-protected PDF" } },
	{ "problem.too_many_pages", { "PDF trop long", "Too many pages" } },
	{ "problem.no_text", { "PDF sans texte", "PDF without text" } },
	{ "problem.pdf_too_complex", { "PDF trop complexe", "PDF too complex" } },
	{ "problem.weak_password", { "Mot de passe trop faible", "Password too weak" } },
	{ "problem.uri_too_long", { "Adresse trop longue", "URI too long" } },
	{ "problem.request_timeout", { "Envoi trop lent", "Request body too slow" } },
	{ "problem.rate_limited", { "Trop de tentatives", "Too many attempts" } },
	{ "problem.internal", { "Erreur interne", "Internal error" } },
	{ "problem.unavailable", { "Service indisponible", "Service unavailable" } },
	{ "problem.busy", { "Base de données occupée", "Database busy" } },
	{ "problem.read_only", { "Base de données en lecture seule", "Database read-only" } },
	{ "problem.timeout", { "Délai dépassé", "Timed out" } },
	{ "err.invalid_token",
	  { "Ce jeton est invalide ou a expiré : ouvrez une nouvelle session (POST /api/v1/sessions).",
	    "This token is not valid or has expired: open a new session (POST /api/v1/sessions)." } },
	{ "err.api_csrf",
	  { "Avec le cookie de session, une requête qui modifie doit porter l'en-tête X-Requested-With (ou utilisez Authorization: Bearer).",
	    "With the session cookie, changing requests need an X-Requested-With header (or use Authorization: Bearer)." } },
	{ "err.no_route", { "Aucune ressource à cette adresse.", "No such route." } },
	{ "problem.idempotency_mismatch",
	  { "Clé d'idempotence déjà utilisée", "Idempotency key already used" } },
	{ "problem.idempotency_in_progress",
	  { "Requête déjà en cours", "Request already in progress" } },
	{ "err.offer_archived",
	  { "Cette offre a été archivée par son recruteur.",
	    "This offer was archived by its recruiter." } },
	{ "err.idem_key",
	  { "Idempotency-Key : de 1 à 255 caractères ASCII imprimables",
	    "Idempotency-Key: 1 to 255 printable ASCII characters" } },
	{ "err.idem_mismatch",
	  { "cette Idempotency-Key a servi à une autre requête (autre adresse ou autre corps)",
	    "this Idempotency-Key was used for another request (another path or body)" } },
	{ "err.idem_running",
	  { "la première requête avec cette Idempotency-Key est encore en cours : "
	    "réessayez dans un instant",
	    "the first request with this Idempotency-Key is still running: try again shortly" } },
	{ "problem.precondition_failed", { "Précondition non remplie", "Precondition failed" } },
	{ "err.token_days",
	  { "La durée du jeton va de 1 à 3650 jours, ou sans fin.",
	    "A token lasts 1 to 3650 days, or has no end." } },
	{ "err.token_many",
	  { "Ce compte a déjà 20 jetons : révoquez-en un d'abord.",
	    "This account already holds 20 tokens: revoke one first." } },
	{ "err.no_token",
	  { "Aucun jeton de ce compte ne porte ce numéro.",
	    "This account has no token with that number." } },
	{ "err.webhook_many",
	  { "Ce compte a déjà 10 adresses de webhook : supprimez-en une d'abord.",
	    "This account already has 10 webhook endpoints: remove one first." } },
	{ "err.no_webhook",
	  { "Aucune adresse de webhook de ce compte ne porte ce numéro.",
	    "This account has no webhook endpoint with that number." } },
	{ "problem.insufficient_scope", { "Jeton sans ce droit", "Token lacks this scope" } },
	{ "err.scope_missing",
	  { "Ce jeton d'accès n'a pas le droit qu'il faut ici : ",
	    "This access token lacks the scope this needs: " } },
	{ "err.scope_account",
	  { "Les jetons d'accès ne servent pas pour le compte lui-même (sessions, adresse, jetons, export) : connectez-vous avec votre mot de passe.",
	    "Access tokens cannot manage the account itself (sessions, address, tokens, export): log in with your password." } },
	{ "err.precondition",
	  { "La ressource a changé depuis votre lecture (If-Match) : relisez-la et réessayez.",
	    "The resource has changed since you read it (If-Match): read it again and retry." } },
	{ "field.missing", { "champ requis", "required" } },
	{ "field.string", { "doit être une chaîne", "must be a string" } },
	{ "field.keep_reject", { "doit valoir keep ou reject", "must be keep or reject" } },
	{ "err.close_if_match",
	  { "If-Match ne s'emploie pas pour fermer en refusant les candidatures : envoyez la demande "
	    "sans If-Match.",
	    "If-Match does not apply to closing while rejecting the applications: send the request "
	    "without If-Match." } },
	{ "field.boolean", { "doit être true ou false", "must be true or false" } },
	{ "err.stage_missing", { "stage : champ requis", "stage: required" } },
	{ "err.stage_from",
	  { "from : étape inconnue ({stage})", "from: unknown stage ({stage})" } },
	{ "err.bad_dialect",
	  { "dialect : rfc4180 (par défaut) ou excel (Excel en français : « ; » et virgule "
	    "décimale)",
	    "dialect: rfc4180 (the default) or excel (French Excel: ';' and decimal commas)" } },
	{ "err.bad_stage",
	  { "stage : étape inconnue ({stage})", "stage: unknown stage ({stage})" } },
	{ "stage.received", { "Reçue", "Received" } },
	{ "stage.reviewed", { "Examinée", "Reviewed" } },
	{ "stage.interview", { "Entretien", "Interview" } },
	{ "stage.offer", { "Proposition", "Offer" } },
	{ "stage.hired", { "Embauche", "Hired" } },
	{ "stage.rejected", { "Non retenue", "Rejected" } },
	{ "stage.withdrawn", { "Retirée", "Withdrawn" } },
	{ "act.reviewed", { "Marquer examinée", "Mark as reviewed" } },
	{ "act.interview", { "Proposer un entretien", "Invite to an interview" } },
	{ "act.offer", { "Faire une proposition", "Make an offer" } },
	{ "act.hired", { "Confirmer l'embauche", "Confirm the hiring" } },
	{ "act.rejected", { "Ne pas retenir", "Reject" } },
	{ "act.withdraw", { "Retirer ma candidature", "Withdraw my application" } },
	{ "reason.profile", { "Profil", "Profile" } },
	{ "reason.experience", { "Expérience", "Experience" } },
	{ "reason.position_filled", { "Poste pourvu", "Position filled" } },
	{ "reason.other", { "Autre", "Other" } },
	{ "col.stage", { "Étape", "Stage" } },
	{ "col.login", { "Identifiant", "Login" } },
	{ "col.email", { "Adresse e-mail", "E-mail address" } },
	{ "col.reason", { "Motif", "Reason" } },
	{ "app.reason", { "Motif", "Reason" } },
	{ "app.reason_text", { "Précision (facultative)", "Details (optional)" } },
	{ "app.show_reason",
	  { "Montrer le motif au candidat", "Show the reason to the candidate" } },
	{ "app.reason_shown", { "motif montré au candidat", "reason shown to the candidate" } },
	{ "app.reason_hidden",
	  { "motif non montré au candidat", "reason not shown to the candidate" } },
	{ "app.actions", { "Étape suivante", "Next stage" } },
	{ "app.move", { "Avancer la candidature", "Move the application forward" } },
	{ "app.history", { "Historique", "History" } },
	{ "app.history_none", { "Aucun changement d'étape.", "No change of stage yet." } },
	{ "app.scores", { "Scores et explications", "Scores and explanations" } },
	{ "app.no_scores", { "Pas encore de score.", "No score yet." } },
	{ "app.no_answers", { "Aucune question.", "No question." } },
	{ "app.notes", { "Notes", "Notes" } },
	{ "app.notes_private",
	  { "Visibles par vous seul, jamais par le candidat.",
	    "Seen by you only, never by the candidate." } },
	{ "app.notes_more", { "Notes plus anciennes", "Older notes" } },
	{ "app.notes_newer", { "Notes plus récentes", "Newer notes" } },
	{ "app.note_new", { "Nouvelle note", "New note" } },
	{ "app.note_add", { "Ajouter la note", "Add the note" } },
	{ "app.now_at", { "Étape actuelle :", "Current stage:" } },
	{ "app.open", { "Voir la candidature", "Open the application" } },
	{ "app.withdrawn_done", { "Candidature retirée.", "Application withdrawn." } },
	{ "col.actions", { "Actions", "Actions" } },
	{ "bulk.select", { "Sélectionner", "Select" } },
	{ "bulk.col", { "Sélection et rang", "Selection and rank" } },
	{ "bulk.legend",
	  { "Avec les candidatures sélectionnées", "With the selected applications" } },
	{ "bulk.hint",
	  { "Cochez des candidatures dans le tableau (500 au plus), puis déplacez-les ou "
	    "refusez-les en une fois : toutes changent, ou aucune.",
	    "Tick applications in the table (500 at most), then move or reject them at once: all "
	    "change, or none." } },
	{ "bulk.move_to", { "Déplacer vers l'étape", "Move to the stage" } },
	{ "bulk.move", { "Déplacer", "Move" } },
	{ "bulk.reject_reason", { "Ou refuser, avec le motif", "Or reject, with the reason" } },
	{ "bulk.reason_none", { "(choisir un motif)", "(choose a reason)" } },
	{ "bulk.message", { "Message (facultatif)", "Message (optional)" } },
	{ "bulk.message_hint",
	  { "Le même pour chaque candidat, qui le lit seulement si vous lui montrez le motif.",
	    "The same for every candidate, who reads it only if you show them the reason." } },
	{ "bulk.reject", { "Refuser la sélection", "Reject the selection" } },
	{ "bulk.moved", { "%ld candidatures déplacées.", "%ld applications moved." } },
	{ "bulk.moved_one", { "%ld candidature déplacée.", "%ld application moved." } },
	{ "bulk.none",
	  { "Sélectionnez au moins une candidature dans le tableau.",
	    "Select at least one application in the table." } },
	{ "bulk.too_many",
	  { "%d candidatures au plus à la fois : rien n'a été changé.",
	    "%d applications at most at once: nothing was changed." } },
	{ "bulk.reason_missing",
	  { "Motif : choisissez-en un pour refuser. Rien n'a été changé.",
	    "Reason: choose one to reject. Nothing was changed." } },
	{ "bulk.conflict",
	  { "%s est à l'étape « %s » et ne peut pas passer à « %s » : rien n'a été changé.",
	    "%s is at the stage “%s” and cannot move to “%s”: nothing was "
	    "changed." } },
	{ "bulk.conflict_other",
	  { "%s ne peut pas faire ce changement d'étape : rien n'a été changé.",
	    "%s cannot make this change of stage: nothing was changed." } },
	{ "bulk.not_here",
	  { "%s n'est pas une candidature à cette offre : rien n'a été changé.",
	    "%s is not an application to this offer: nothing was changed." } },
	{ "field.id_array",
	  { "doit être un tableau de 1 à 500 identifiants de candidature",
	    "must be an array of 1 to 500 application ids" } },
	{ "field.ids_too_many",
	  { "500 candidatures au plus à la fois", "500 applications at most at once" } },
	{ "field.app_id",
	  { "doit être un identifiant de candidature (un entier positif)",
	    "must be an application id (a positive integer)" } },
	{ "err.bulk_one",
	  { "Une candidature empêche le changement (voir errors) : rien n'a été changé.",
	    "One application stops the change (see errors): nothing was changed." } },
	{ "dash.stage_filter", { "Étape", "Stage" } },
	{ "dash.stage_all", { "Toutes", "All" } },
	{ "err.note_missing", { "note : champ requis", "note: required" } },
	{ "field.array", { "doit être un tableau de chaînes", "must be an array of strings" } },
	{ "field.too_many", { "trop d'éléments", "too many items" } },
	{ "field.token_days",
	  { "un nombre entier de 1 à 3650, ou null (sans fin)",
	    "a whole number from 1 to 3650, or null (no end)" } },
	{ "field.too_long", { "trop long", "too long" } },
	{ "field.empty", { "ne doit pas être vide", "must not be empty" } },
	{ "field.control",
	  { "contient un caractère de contrôle", "contains a control character" } },
	{ "field.utf8", { "texte UTF-8 invalide", "not valid UTF-8 text" } },
	{ "field.short", { "trop court", "too short" } },
	{ "field.at_least", { "au moins", "at least" } },
	{ "field.characters", { "caractères", "characters" } },
	{ "field.pool_consent_false",
	  { "seule la valeur false est permise : le consentement se donne en postulant",
	    "only false is allowed: consent is given on applying" } },
	{ "field.unknown_member",
	  { "ce champ ne se modifie pas ici", "not a member this operation changes" } },
	{ "field.unknown_param",
	  { "paramètre inconnu de cette liste", "not a parameter of this list" } },
	{ "field.limit", { "un nombre entier de 1 à 500", "a whole number from 1 to 500" } },
	{ "field.cursor",
	  { "curseur invalide : reprenez le next ou le prev d'une page de cette liste",
	    "invalid cursor: use the next or prev of a page of this list" } },
	{ "field.format",
	  { "format inconnu ; valeurs permises : voir allowed",
	    "unknown format; allowed values: see allowed" } },
	{ "erase.title", { "Supprimer mon compte", "Delete my account" } },
	{ "erase.teaser",
	  { "Vous pouvez supprimer votre compte et toutes vos données (droit à l'effacement).",
	    "You can delete your account and all your data (right to erasure)." } },
	{ "erase.link", { "Supprimer mon compte…", "Delete my account…" } },
	{ "erase.what_candidate",
	  { "Seront supprimés : votre compte (identifiant, nom, adresse e-mail, mot de passe), vos "
	    "sessions et jetons d'accès, toutes vos candidatures avec leurs CV (le PDF et le texte "
	    "qui en est tiré), vos réponses, leurs scores, l'historique de leurs étapes, les notes "
	    "des recruteurs sur elles, vos réglages de notification et les e-mails qui vous sont "
	    "destinés.",
	    "Removed: your account (login, name, e-mail address, password), your sessions and "
	    "access tokens, all your applications with their CVs (the PDF and the text taken from "
	    "it), your answers, their scores, the history of their stages, the recruiters' notes "
	    "on them, your notification settings and the e-mails meant for you." } },
	{ "erase.what_recruiter",
	  { "Seront supprimés : votre compte (identifiant, nom, adresse e-mail, mot de passe), vos "
	    "sessions, jetons d'accès, webhooks, réglages de notification et les e-mails qui vous "
	    "sont destinés.",
	    "Removed: your account (login, name, e-mail address, password), your sessions, access "
	    "tokens, webhooks, notification settings and the e-mails meant for you." } },
	{ "erase.kept_candidate",
	  { "Rien ne reste qui vous désigne.", "Nothing that names you is kept." } },
	{ "erase.kept_recruiter",
	  { "Vos offres restent, fermées, au nom d'« un ancien recruteur », avec leurs "
	    "candidatures ; vos notes et vos changements d'étape restent sans votre nom.",
	    "Your offers stay, closed, shown as “a former recruiter”'s, with their "
	    "applications; your notes and stage changes stay without your name." } },
	{ "erase.grace",
	  { "Votre compte sera désactivé tout de suite (plus de connexion possible) et effacé "
	    "dans %u jour(s), le %s.",
	    "Your account will be disabled at once (no more login) and erased in %u day(s), on "
	    "%s." } },
	{ "erase.now",
	  { "L'effacement est immédiat et ne peut pas être annulé.",
	    "The erasure is immediate and cannot be undone." } },
	{ "erase.export",
	  { "Vous pouvez d'abord télécharger vos données :",
	    "You may first download your data:" } },
	{ "erase.hint",
	  { "Votre mot de passe actuel, pour confirmer que c'est bien vous.",
	    "Your current password, to confirm it is you." } },
	{ "erase.password", { "Mot de passe actuel", "Current password" } },
	{ "erase.submit", { "Supprimer définitivement mon compte", "Delete my account for good" } },
	{ "erase.cancel",
	  { "Annuler et revenir à mes sessions", "Cancel and go back to my sessions" } },
	{ "erase.done_title", { "Compte supprimé", "Account deleted" } },
	{ "erase.done",
	  { "Votre compte et vos données ont été effacés.",
	    "Your account and your data have been erased." } },
	{ "erase.scheduled", { "Votre compte est désactivé.", "Your account is disabled." } },
	{ "erase.scheduled_on",
	  { "Il sera effacé avec toutes vos données le %s.",
	    "It will be erased with all your data on %s." } },
	{ "erase.home", { "Retour à l'accueil", "Back to the home page" } },
	{ "offer.former_recruiter", { "un ancien recruteur", "a former recruiter" } },
	{ "err.erase_password",
	  { "Donnez votre mot de passe pour confirmer.", "Give your password to confirm." } },
	{ "err.erase_bad_password",
	  { "Mot de passe incorrect : le compte n'a pas été supprimé.",
	    "Wrong password: the account was not deleted." } },
	{ "ferr.erase_password", { "donnez-le pour confirmer.", "give it to confirm." } },
	{ "ferr.erase_bad_password",
	  { "incorrect : le compte n'a pas été supprimé.",
	    "wrong: the account was not deleted." } },
	{ "export.title", { "Mes données", "My data" } },
	{ "tokens.title", { "Jetons d'accès", "Access tokens" } },
	{ "tokens.intro",
	  { "Un jeton d'accès laisse un programme (un logiciel de recrutement, un script) utiliser l'API en votre nom, seulement pour les droits cochés. Il ne sert jamais à gérer le compte lui-même. Révoquez-le dès qu'il ne sert plus.",
	    "An access token lets a program (a recruiting system, a script) use the API on your behalf, only within the scopes ticked. It never manages the account itself. Revoke it as soon as it is no longer used." } },
	{ "tokens.name", { "Nom du jeton", "Token name" } },
	{ "tokens.name_hint",
	  { "À quoi il sert, pour le reconnaître plus tard.",
	    "What it is for, to know it again later." } },
	{ "tokens.scopes", { "Droits", "Scopes" } },
	{ "scope.offers_read", { "lire les offres", "read offers" } },
	{ "scope.offers_write",
	  { "publier, modifier et fermer des offres", "publish, edit and close offers" } },
	{ "scope.applications_read",
	  { "lire les candidatures, CV et tableaux de bord",
	    "read applications, CVs and dashboards" } },
	{ "scope.applications_write",
	  { "postuler, changer les étapes, écrire des notes",
	    "apply, change stages, write notes" } },
	{ "tokens.expiry", { "Durée", "Lifetime" } },
	{ "tokens.days", { "%d jours", "%d days" } },
	{ "tokens.no_end", { "sans fin", "no end" } },
	{ "tokens.create", { "Créer le jeton", "Create the token" } },
	{ "tokens.made",
	  { "Jeton créé. Copiez-le maintenant : il ne sera plus jamais affiché.",
	    "Token created. Copy it now: it will never be shown again." } },
	{ "tokens.secret", { "Votre jeton", "Your token" } },
	{ "tokens.live", { "Jetons actifs", "Live tokens" } },
	{ "tokens.created", { "Créé le", "Created" } },
	{ "tokens.last_used", { "Dernier usage", "Last used" } },
	{ "tokens.never_used", { "jamais", "never" } },
	{ "tokens.expires", { "Expire le", "Expires" } },
	{ "tokens.revoke", { "Révoquer", "Revoke" } },
	{ "tokens.revoked",
	  { "Jeton révoqué : il ne fonctionne plus.", "Token revoked: it no longer works." } },
	{ "tokens.none", { "Aucun jeton.", "No token." } },
	{ "tokens.link", { "Gérer les jetons d'accès à l'API", "Manage API access tokens" } },
	{ "export.intro",
	  { "Une archive de toutes les données que nous gardons sur vous : votre compte, vos "
	    "candidatures avec leurs CV, réponses et scores, ou vos offres ; un fichier README.txt "
	    "dit ce qu'est chaque fichier.",
	    "An archive of all the data we keep about you: your account, your applications with "
	    "their CVs, answers and scores, or your offers; a README.txt file says what each file "
	    "is." } },
	{ "export.zip", { "Télécharger mes données", "Download my data" } },
	{ "export.targz", { "Télécharger en tar.gz", "Download as tar.gz" } },
	{ "export.bad_format",
	  { "Format inconnu : choisissez zip ou tar.gz.",
	    "Unknown format: choose zip or tar.gz." } },
	{ "field.rank",
	  { "classement inconnu ; valeurs permises : voir allowed",
	    "unknown ranking; allowed values: see allowed" } },
	{ "err.invalid_fields",
	  { "Un ou plusieurs champs sont invalides : voir errors.",
	    "One or more fields are invalid: see errors." } },
	{ "apply.already",
	  { "Vous avez déjà postulé à cette offre.", "You have already applied to this offer." } },
	{ "apply.closed",
	  { "Cette offre est fermée aux candidatures.", "This offer is closed to applications." } },
	{ "apply.anon", { "Pour postuler,", "To apply," } },
	{ "apply.anon_login", { "connectez-vous", "log in" } },
	{ "apply.anon_or", { "ou", "or" } },
	{ "apply.anon_signup", { "créez un compte candidat", "create a candidate account" } },
	{ "apply.cv", { "Votre CV (PDF)", "Your CV (PDF)" } },
	{ "app.received", { "Reçue", "Received" } },
	{ "apply.done", { "Candidature envoyée. Merci !", "Application sent. Thank you!" } },
	{ "apply.go", { "Envoyer ma candidature", "Send my application" } },
	{ "apply.max",
	  { "Un PDF contenant du texte ; taille maximale :", "A PDF with text; largest size:" } },
	{ "apply.title", { "Postuler", "Apply" } },
	{ "privacy.title", { "Vos données : ce que nous gardons", "Your data: what we keep" } },
	{ "privacy.notice",
	  { "Ce que nous gardons : votre compte (identifiant, nom, adresse e-mail), le CV que "
	    "vous envoyez et le texte qui en est extrait, vos réponses aux questions de l'offre, "
	    "l'étape de votre candidature.\n\n"
	    "Pourquoi : pour ce recrutement, et seulement pour lui, sauf si vous acceptez de "
	    "rester dans le vivier pour d'autres offres.\n\n"
	    "Combien de temps : une candidature non retenue est effacée %s après le dernier "
	    "échange (dépôt, changement d'étape, note)%s%s. Un compte sans "
	    "candidature dont l'adresse e-mail n'a jamais été vérifiée est effacé après %s.\n\n"
	    "Qui les voit : le recruteur de l'offre et l'exploitant d'OffreAPI.\n\n"
	    "Vos droits : depuis votre compte, vous pouvez télécharger vos données, retirer votre "
	    "consentement au vivier et supprimer votre compte.",
	    "What we keep: your account (login, name, e-mail address), the CV you send and the "
	    "text extracted from it, your answers to the offer's questions, the stage of your "
	    "application.\n\n"
	    "Why: for this recruitment, and only for it, unless you agree to stay in the pool "
	    "for other offers.\n\n"
	    "How long: an application that is not successful is deleted %s after the last "
	    "activity (applying, a stage change, a note)%s%s. An account with no "
	    "application whose e-mail address was never verified is deleted after %s.\n\n"
	    "Who sees it: the offer's recruiter and the operator of OffreAPI.\n\n"
	    "Your rights: from your account you can download your data, withdraw your pool "
	    "consent and delete your account." } },
	{ "privacy.warn_clause",
	  { ", en vous prévenant par e-mail %s avant si votre adresse est vérifiée",
	    ", and you are told by e-mail %s before when your address is verified" } },
	{ "privacy.pool_clause",
	  { " ; %s de plus si vous acceptez le vivier", "; %s more if you agree to the pool" } },
	{ "privacy.pool",
	  { "Garder ma candidature dans le vivier pour d'autres offres pendant %s de plus",
	    "Keep my application in the pool for other offers for %s more" } },
	{ "privacy.version", { "Version de cette notice :", "Version of this notice:" } },
	{ "privacy.year", { "an", "year" } },
	{ "privacy.years", { "ans", "years" } },
	{ "privacy.day", { "jour", "day" } },
	{ "privacy.days", { "jours", "days" } },
	{ "dash.purged", { "Effacées (durée de conservation)", "Deleted (retention period)" } },
	{ "consent.col", { "Vivier", "Pool" } },
	{ "consent.yes", { "oui", "yes" } },
	{ "consent.no", { "non", "no" } },
	{ "consent.withdraw", { "Retirer mon consentement", "Withdraw my consent" } },
	{ "consent.withdrawn_done",
	  { "Consentement retiré : cette candidature ne restera pas dans le vivier.",
	    "Consent withdrawn: this application will not stay in the pool." } },
	{ "err.pool_consent",
	  { "pool_consent : true ou false attendu", "pool_consent: true or false expected" } },
	{ "back.home", { "Retour à l'accueil", "Back to the home page" } },
	{ "col.answers", { "Réponses", "Answers" } },
	{ "col.applied", { "Reçue le", "Received" } },
	{ "col.candidate", { "Candidat", "Candidate" } },
	{ "col.cv", { "CV", "CV" } },
	{ "col.explanation", { "Explication", "Explanation" } },
	{ "col.offer", { "Offre", "Offer" } },
	{ "col.status", { "Statut de l'offre", "Offer status" } },
	{ "col.received", { "Candidature", "Application" } },
	{ "dash.apply", { "Classer", "Rank" } },
	{ "dash.count", { "Candidatures", "Applications" } },
	{ "dash.csv", { "Exporter en CSV", "Export as CSV" } },
	{ "dash.csv_excel", { "CSV pour Excel (français)", "CSV for Excel (French)" } },
	{ "dash.distribution", { "Distribution des scores", "Distribution of scores" } },
	{ "dash.mean", { "Score moyen", "Mean score" } },
	{ "dash.none", { "Aucune candidature pour l'instant.", "No applications yet." } },
	{ "dash.rank_by", { "Classer par", "Rank by" } },
	{ "dash.ranking", { "Classement des candidats", "Ranking of the candidates" } },
	{ "dash.text", { "texte", "text" } },
	{ "expl.matched", { "Compétences présentes :", "Skills shown:" } },
	{ "expl.missing", { "Compétences absentes :", "Skills missing:" } },
	{ "expl.partly", { "En partie :", "Partly:" } },
	{ "expl.sub.embedding", { "Sens (LLM)", "Meaning (LLM)" } },
	{ "expl.sub.skills", { "Compétences", "Skills" } },
	{ "expl.sub.text", { "Texte", "Text" } },
	{ "expl.sub.title", { "Titre", "Title" } },
	{ "demo.label", { "Démo", "Demo" } },
	{ "demo.try", { "Essayez ces comptes :", "Try these accounts:" } },
	{ "err.bad_query",
	  { "Un paramètre de l'adresse est mal formé.",
	    "A query parameter is malformed (a bad %-escape or a NUL byte)." } },
	{ "err.body_timeout",
	  { "L'envoi a pris trop de temps : réessayez.", "Sending took too long: try again." } },
	{ "err.bad_request", { "Requête HTTP invalide.", "Malformed HTTP request." } },
	{ "err.bad_form", { "Le formulaire envoyé est invalide.", "The form sent is not valid." } },
	{ "err.bad_login",
	  { "Identifiant ou mot de passe incorrect.", "Wrong login or password." } },
	{ "err.candidates_only", { "Réservé aux candidats.", "For candidates only." } },
	{ "err.csrf",
	  { "Le formulaire a expiré ou ne vient pas de ce site : rechargez la page et réessayez.",
	    "The form has expired or does not come from this site: reload the page and try again." } },
	{ "err.file_too_big", { "Le fichier est trop volumineux.", "The file is too large." } },
	{ "err.form_too_big", { "Le formulaire est trop volumineux.", "The form is too large." } },
	{ "err.login_taken", { "Cet identifiant est déjà pris.", "This login is already taken." } },
	{ "err.bad_link",
	  { "Ce lien n'est pas valable (ou plus).", "This link is not valid (or no longer)." } },
	{ "err.email",
	  { "Adresse e-mail non valable (nom@exemple.fr).",
	    "Not a valid e-mail address (name@example.org)." } },
	{ "err.email_taken",
	  { "Un autre compte a déjà cette adresse e-mail.",
	    "Another account already has this e-mail address." } },
	{ "err.internal", { "Erreur interne.", "Internal error." } },
	{ "err.login_fields",
	  { "Indiquez votre identifiant et votre mot de passe.",
	    "Give your login and your password (strings)." } },
	{ "err.login_first",
	  { "Connectez-vous d'abord.",
	    "Log in first (POST /api/v1/sessions), then send the token as Authorization: Bearer." } },
	{ "err.signup_types",
	  { "Identifiant, nom, mot de passe et rôle doivent être du texte.",
	    "login, display_name, password and role must be strings." } },
	{ "err.method", { "Méthode non autorisée ici.", "Method not allowed here." } },
	{ "err.no_file", { "Joignez votre CV au format PDF.", "Attach your CV as a PDF." } },
	{ "err.not_yours", { "Cette offre n'est pas la vôtre.", "This offer is not yours." } },
	{ "err.no_session",
	  { "Cette session n'existe pas ou est déjà fermée.",
	    "This session does not exist or has already ended." } },
	{ "err.notfound", { "Page introuvable.", "Page not found." } },
	{ "err.page", { "Numéro de page invalide.", "Invalid page number." } },
	{ "err.retry_done",
	  { "Cette note est déjà calculée : rien à relancer.",
	    "This score is already computed: there is nothing to retry." } },
	{ "err.retry_scorer",
	  { "Indiquez le notateur à relancer (champ scorer).",
	    "Name the scorer to retry (field scorer)." } },
	{ "job.done", { "terminé", "done" } },
	{ "job.failed", { "échec", "failed" } },
	{ "job.pending", { "en attente", "pending" } },
	{ "job.retry", { "Relancer", "Retry" } },
	{ "err.login_wait",
	  { "Trop d'échecs de connexion depuis votre adresse : réessayez dans %u min, "
	    "ou choisissez un nouveau mot de passe (« Mot de passe oublié ? »).",
	    "Too many failed logins from your address: try again in %u min, or "
	    "choose a new password (\"Forgot your password?\")." } },
	{ "err.rate_limited",
	  { "Trop d'échecs de connexion : réessayez dans quelques minutes.",
	    "Too many failed logins: try again in a few minutes." } },
	{ "err.pw_dictionary",
	  { "Mot de passe refusé : il vient d'un mot du dictionnaire et se devine vite. Une phrase "
	    "de plusieurs mots fait un bon mot de passe.",
	    "Password refused: it comes from a dictionary word and is quickly guessed. A sentence "
	    "of several words makes a good password." } },
	{ "err.pw_guessable",
	  { "Mot de passe refusé : il se devine trop facilement.",
	    "Password refused: it is too easy to guess." } },
	{ "err.pw_login",
	  { "Mot de passe refusé : il contient votre identifiant.",
	    "Password refused: it contains your login." } },
	{ "err.pw_name",
	  { "Mot de passe refusé : il contient votre nom.",
	    "Password refused: it contains your name." } },
	{ "err.pw_palindrome",
	  { "Mot de passe refusé : il se lit pareil dans les deux sens.",
	    "Password refused: it reads the same both ways." } },
	{ "err.pw_short",
	  { "Mot de passe refusé : 8 caractères au moins.",
	    "Password refused: at least 8 characters." } },
	{ "err.pw_simple",
	  { "Mot de passe refusé : trop simple (une suite ou une répétition de caractères).",
	    "Password refused: too simple (a sequence or a repetition of characters)." } },
	{ "err.recruiters_only", { "Réservé aux recruteurs.", "For recruiters only." } },
	{ "err.role", { "Choisissez candidat ou recruteur.", "Choose candidate or recruiter." } },
	{ "err.signup_limited",
	  { "Trop d'inscriptions depuis votre adresse : réessayez dans une heure.",
	    "Too many sign-ups from your address: try again in an hour." } },
	{ "err.search_too_long", { "Recherche trop longue.", "Search too long." } },
	{ "err.search_words", { "Recherche : 8 mots au plus.", "Search: at most 8 words." } },
	{ "err.too_many_questions", { "Au plus 20 questions.", "At most 20 questions." } },
	{ "err.too_many_skills", { "Au plus 50 compétences.", "At most 50 skills." } },
	{ "err.uri_too_long", { "Adresse trop longue.", "Address too long." } },
	{ "err.utf8",
	  { "Le texte envoyé n'est pas de l'UTF-8 valide.", "The text sent is not valid UTF-8." } },
	{ "err.check_form",
	  { "Vérifiez les champs du formulaire : l'un d'eux n'est pas accepté.",
	    "Check the form's fields: one of them is not accepted." } },
	{ "ferr.control",
	  { "contient un caractère non autorisé (saut de ligne ou tabulation).",
	    "contains a character not allowed here (a line break or a tab)." } },
	{ "ferr.empty", { "à remplir.", "required." } },
	{ "ferr.file_big",
	  { "le fichier dépasse %s : envoyez un PDF plus léger (vos réponses sont gardées).",
	    "the file is over %s: send a lighter PDF (your answers are kept)." } },
	{ "ferr.login_chars",
	  { "lettres sans accent, chiffres et . @ _ + - seulement.",
	    "letters without accents, digits and . @ _ + - only." } },
	{ "ferr.many", { "erreurs à corriger :", "errors to fix:" } },
	{ "ferr.max", { "au plus %u caractères.", "at most %u characters." } },
	{ "ferr.min", { "au moins %u caractères.", "at least %u characters." } },
	{ "ferr.one", { "erreur à corriger :", "error to fix:" } },
	{ "ferr.verbatim", { "%s", "%s" } },
	{ "ferr.too_many", { "au plus %u.", "at most %u." } },
	{ "field.description", { "Description", "Description" } },
	{ "field.location", { "Lieu", "Location" } },
	{ "field.login", { "Identifiant", "Login" } },
	{ "field.name", { "Nom affiché", "Display name" } },
	{ "field.password",
	  { "Mot de passe (8 caractères au moins)", "Password (at least 8 characters)" } },
	{ "field.pw", { "Mot de passe", "Password" } },
	{ "field.questions",
	  { "Questions aux candidats (une par ligne)",
	    "Questions for candidates (one per line)" } },
	{ "field.role", { "Je suis", "I am" } },
	{ "field.skills",
	  { "Compétences (séparées par des virgules)", "Skills (separated by commas)" } },
	{ "field.title", { "Intitulé du poste", "Job title" } },
	{ "hint.pw_signup",
	  { "8 caractères au moins ; une phrase de quelques mots est facile à retenir.",
	    "At least 8 characters; a sentence of a few words is easy to remember." } },
	{ "hint.login",
	  { "De 3 à 64 caractères : lettres sans accent, chiffres et . @ _ + -",
	    "3 to 64 characters: letters without accents, digits and . @ _ + -" } },
	{ "home.mine", { "Mes offres", "My offers" } },
	{ "home.mine_none",
	  { "Vous n'avez publié aucune offre.", "You have not published any offer." } },
	{ "home.next", { "Offres suivantes →", "Next offers →" } },
	{ "page.next", { "Page suivante →", "Next page →" } },
	{ "page.prev", { "← Page précédente", "← Previous page" } },
	{ "home.prev", { "← Offres précédentes", "← Previous offers" } },
	{ "home.none", { "Aucune offre ne correspond.", "No offer matches." } },
	{ "home.title", { "Offres d'emploi", "Job offers" } },
	{ "login.go", { "Se connecter", "Log in" } },
	{ "login.new", { "Pas encore de compte ?", "No account yet?" } },
	{ "login.title", { "Connexion", "Log in" } },
	{ "myapps.none",
	  { "Vous n'avez envoyé aucune candidature.", "You have not applied yet." } },
	{ "nav.label", { "Navigation principale", "Main navigation" } },
	{ "nav.login", { "Connexion", "Log in" } },
	{ "nav.logout", { "Déconnexion", "Log out" } },
	{ "nav.menu", { "Menu", "Menu" } },
	{ "views.title", { "Qui a consulté ma candidature", "Who viewed my application" } },
	{ "views.link", { "Consultations", "Views" } },
	{ "views.for", { "Candidature à l'offre", "Application to the offer" } },
	{ "views.about",
	  { "Chaque fois qu'un recruteur ouvre votre candidature, votre CV ou son texte, ou exporte les candidatures de l'offre, cela est enregistré : son nom et la date s'affichent ici. Vos propres consultations n'y figurent pas.",
	    "Each time a recruiter opens your application, your CV or its text, or exports the offer's applications, it is recorded: their name and the date show here. Your own views are not listed." } },
	{ "views.none",
	  { "Personne n'a encore consulté cette candidature.",
	    "Nobody has viewed this application yet." } },
	{ "views.caption", { "Consultations, les plus récentes d'abord", "Views, newest first" } },
	{ "views.col_who", { "Par", "By" } },
	{ "views.col_what", { "Quoi", "What" } },
	{ "views.col_when", { "Date", "Date" } },
	{ "views.former", { "un ancien recruteur", "a former recruiter" } },
	{ "views.kind_application", { "la candidature", "the application" } },
	{ "views.kind_cv_pdf", { "le CV (PDF)", "the CV (PDF)" } },
	{ "views.kind_cv_text", { "le texte du CV", "the CV's text" } },
	{ "views.kind_csv", { "l'export CSV de l'offre", "the offer's CSV export" } },
	{ "views.pages", { "Pages des consultations", "Pages of views" } },
	{ "views.newer", { "Plus récentes", "Newer" } },
	{ "views.older", { "Plus anciennes", "Older" } },
	{ "views.back", { "Retour à mes candidatures", "Back to my applications" } },
	{ "err.access_log",
	  { "Cette consultation n'a pas pu être enregistrée dans le journal des accès : réessayez dans un instant.",
	    "This view could not be recorded in the access log: try again in a moment." } },
	{ "nav.myapps", { "Mes candidatures", "My applications" } },
	{ "nav.offers", { "Offres", "Offers" } },
	{ "nav.publish", { "Publier une offre", "Publish an offer" } },
	{ "nav.sessions", { "Mes sessions", "My sessions" } },
	{ "nav.signup", { "Inscription", "Sign up" } },
	{ "nav.skip", { "Aller au contenu", "Skip to the content" } },
	{ "close.title", { "Fermer l'offre", "Close the offer" } },
	{ "close.intro",
	  { "Une offre fermée ne reçoit plus de candidatures ; vous pourrez la rouvrir.",
	    "A closed offer takes no more applications; you can reopen it." } },
	{ "close.what",
	  { "Les candidatures encore en cours", "The applications still in progress" } },
	{ "close.keep",
	  { "Les garder pour plus tard (elles restent à leur étape, personne n'est prévenu)",
	    "Keep them for later (they stay at their stage, nobody is told)" } },
	{ "close.reject",
	  { "Les refuser et prévenir chaque candidat par e-mail",
	    "Reject them and tell each candidate by e-mail" } },
	{ "close.if_reject", { "Si vous les refusez", "If you reject them" } },
	{ "close.cancel", { "Annuler", "Cancel" } },
	{ "close.done_kept",
	  { "L'offre est fermée. Les candidatures restent à leur étape.",
	    "The offer is closed. The applications stay at their stage." } },
	{ "close.done_rejected",
	  { "L'offre est fermée. Candidatures refusées : %zu ; chaque candidat qui a une adresse "
	    "e-mail en est prévenu.",
	    "The offer is closed. Applications rejected: %zu; each candidate with an e-mail address "
	    "is told." } },
	{ "offer.close", { "Fermer l'offre", "Close the offer" } },
	{ "offer.closed", { "fermée", "closed" } },
	{ "offer.dashboard", { "Tableau de bord", "Dashboard" } },
	{ "offer.edit", { "Modifier l'offre", "Edit the offer" } },
	{ "offer.new", { "Nouvelle offre", "New offer" } },
	{ "offer.open", { "ouverte", "open" } },
	{ "offer.reopen", { "Rouvrir l'offre", "Reopen the offer" } },
	{ "offer.save", { "Enregistrer", "Save" } },
	{ "role.candidate", { "candidat", "candidate" } },
	{ "role.recruiter", { "recruteur", "recruiter" } },
	{ "role.admin", { "exploitant", "operator" } },
	{ "nav.admin", { "Exploitation", "Operator" } },
	{ "err.admins_only",
	  { "Réservé à l'exploitant du site.", "For the site's operator only." } },
	{ "err.admin_no_login",
	  { "Aucun compte n'a cet identifiant.", "No account has this login." } },
	{ "err.admin_self",
	  { "Votre propre compte se supprime depuis Mes sessions, avec votre mot de passe.",
	    "Your own account is deleted from My sessions, with your password." } },
	{ "err.admin_confirm",
	  { "Recopiez l'identifiant du compte pour confirmer.",
	    "Type the account's login again to confirm." } },
	{ "ferr.admin_field", { "valeur invalide.", "invalid value." } },
	{ "ferr.admin_order",
	  { "doit être après la date de début.", "must be after the start date." } },
	{ "ferr.admin_no_login",
	  { "aucun compte n'a cet identifiant.", "no account has this login." } },
	{ "ferr.admin_confirm",
	  { "recopiez exactement l'identifiant du compte.", "type the account's login exactly." } },
	{ "admin.title", { "Exploitation", "Operator" } },
	{ "admin.intro",
	  { "Les comptes du site, le journal des accès, l'export et l'effacement des données "
	    "d'une personne (droits d'accès et à l'effacement, RGPD art. 15, 17 et 20). Chaque "
	    "export et chaque effacement est noté dans le journal du serveur.",
	    "The site's accounts, the access log, and the export and erasure of a person's data "
	    "(rights of access and erasure, GDPR art. 15, 17 and 20). Each export and erasure is "
	    "noted in the server's log." } },
	{ "admin.erased", { "Le compte a été effacé.", "The account was erased." } },
	{ "admin.access_link", { "Journal des accès", "Access log" } },
	{ "admin.users", { "Comptes", "Accounts" } },
	{ "admin.total",
	  { "%lld compte(s), les plus récents d'abord.", "%lld account(s), newest first." } },
	{ "admin.no_users", { "Aucun compte.", "No account." } },
	{ "admin.filter_role", { "Rôle", "Role" } },
	{ "admin.all_roles", { "tous", "all" } },
	{ "admin.filter", { "Filtrer", "Filter" } },
	{ "admin.col_login", { "Identifiant", "Login" } },
	{ "admin.col_name", { "Nom", "Name" } },
	{ "admin.col_role", { "Rôle", "Role" } },
	{ "admin.col_email", { "Adresse e-mail", "E-mail address" } },
	{ "admin.col_created", { "Créé le", "Created" } },
	{ "admin.col_actions", { "Actions", "Actions" } },
	{ "admin.export_zip", { "Exporter (zip)", "Export (zip)" } },
	{ "admin.export_targz", { "tar.gz", "tar.gz" } },
	{ "admin.erase_link", { "Effacer…", "Erase…" } },
	{ "admin.pages", { "Pages des comptes", "Pages of accounts" } },
	{ "admin.newer", { "Plus récents", "Newer" } },
	{ "admin.older", { "Plus anciens", "Older" } },
	{ "admin.back", { "Retour à l'exploitation", "Back to the operator's page" } },
	{ "admin.access_title", { "Journal des accès", "Access log" } },
	{ "admin.access_intro",
	  { "Qui a consulté quelle candidature, son CV ou son texte, quand et d'où : les plus "
	    "récents d'abord, 200 au plus. Chaque champ rempli resserre la recherche.",
	    "Who viewed which application, its CV or its text, when and from where: newest "
	    "first, 200 at most. Each field filled in narrows the search." } },
	{ "admin.f_login", { "Consulté par (identifiant)", "Viewed by (login)" } },
	{ "admin.h_login",
	  { "L'identifiant du compte qui a consulté.", "The login of the account that viewed." } },
	{ "admin.f_application", { "N° de candidature", "Application number" } },
	{ "admin.f_since", { "Depuis le", "From" } },
	{ "admin.f_until", { "Jusqu'au (inclus)", "Until (included)" } },
	{ "admin.search", { "Chercher", "Search" } },
	{ "admin.access_caption", { "Accès, les plus récents d'abord", "Accesses, newest first" } },
	{ "admin.no_access", { "Aucun accès ne correspond.", "No access matches." } },
	{ "admin.col_app", { "Candidature", "Application" } },
	{ "admin.col_addr", { "Adresse IP", "IP address" } },
	{ "admin.offer", { "offre", "offer" } },
	{ "admin.gone", { "un compte supprimé", "a deleted account" } },
	{ "admin.truncated",
	  { "D'autres accès correspondent : resserrez la recherche (ou utilisez offerapi-admin "
	    "access-log).",
	    "More accesses match: narrow the search (or use offerapi-admin access-log)." } },
	{ "admin.erase_title", { "Effacer un compte", "Erase an account" } },
	{ "admin.erase_now",
	  { "L'effacement est immédiat et définitif.", "The erasure is immediate and final." } },
	{ "admin.erase_export",
	  { "Si la personne a aussi demandé ses données, exportez-les d'abord :",
	    "If the person asked for their data too, export it first:" } },
	{ "admin.f_confirm", { "Identifiant du compte", "The account's login" } },
	{ "admin.h_confirm", { "Recopiez « %s » pour confirmer.", "Type \"%s\" to confirm." } },
	{ "admin.erase_submit", { "Effacer ce compte", "Erase this account" } },
	{ "admin.erase_what",
	  { "Seront supprimés : le compte (identifiant, nom, adresse e-mail, mot de passe), ses "
	    "sessions, jetons d'accès, webhooks et réglages, les e-mails qui lui sont destinés ou "
	    "qui le nomment, et pour un candidat toutes ses candidatures avec leurs CV, réponses, "
	    "scores, étapes et les notes des recruteurs sur elles.",
	    "Removed: the account (login, name, e-mail address, password), its sessions, access "
	    "tokens, webhooks and settings, the e-mails meant for it or naming it, and for a "
	    "candidate every application with its CV, answers, scores, stages and the recruiters' "
	    "notes on it." } },
	{ "admin.erase_kept_recruiter",
	  { "Les offres de ce recruteur restent, fermées, au nom d'« un ancien recruteur », avec "
	    "leurs candidatures.",
	    "This recruiter's offers stay, closed, shown as “a former recruiter”'s, with their "
	    "applications." } },
	{ "scorer.llm", { "Sens (LLM)", "Meaning (LLM)" } },
	{ "scorer.random", { "Aléatoire (démo)", "Random (demo)" } },
	{ "scorer.similarity", { "Similarité CV-offre", "CV-offer similarity" } },
	{ "search.go", { "Rechercher", "Search" } },
	{ "search.contract", { "Contrat", "Contract" } },
	{ "search.remote", { "Télétravail", "Remote work" } },
	{ "search.salary_floor", { "Salaire annuel minimum (€)", "Minimum yearly salary (€)" } },
	{ "search.any", { "Tous", "Any" } },
	{ "err.bad_filter",
	  { "Filtre de recherche inconnu : choisissez le contrat et le télétravail dans les "
	    "listes, et un salaire en nombre entier.",
	    "Unknown search filter: choose the contract and remote work from the lists, and a "
	    "salary as a whole number." } },
	{ "field.company", { "Entreprise", "Company" } },
	{ "err.reopen_deadline",
	  { "La date limite de candidature de cette offre est passée : donnez-lui une date plus "
	    "tardive (Modifier) avant de la rouvrir.",
	    "This offer's application deadline has passed: give it a later one (Edit) before "
	    "reopening it." } },
	{ "field.contract", { "Type de contrat", "Contract type" } },
	{ "field.remote", { "Télétravail", "Remote work" } },
	{ "field.salary", { "Salaire (facultatif)", "Salary (optional)" } },
	{ "field.salary_min", { "Salaire minimum", "Minimum salary" } },
	{ "field.salary_max", { "Salaire maximum", "Maximum salary" } },
	{ "field.salary_currency", { "Devise (ISO 4217)", "Currency (ISO 4217)" } },
	{ "field.salary_period", { "Par", "Per" } },
	{ "field.deadline", { "Date limite de candidature", "Application deadline" } },
	{ "hint.deadline",
	  { "Facultatif. Les candidatures sont reçues jusqu'à la fin de ce jour (UTC), puis "
	    "l'offre se ferme seule.",
	    "Optional. Applications are taken until the end of that day (UTC), then the offer "
	    "closes itself." } },
	{ "hint.salary",
	  { "Brut, en nombres entiers ; un seul montant suffit.",
	    "Gross, in whole numbers; one amount is enough." } },
	{ "opt.unsaid", { "Non précisé", "Not said" } },
	{ "contract.cdi", { "CDI", "Permanent (CDI)" } },
	{ "contract.cdd", { "CDD", "Fixed-term (CDD)" } },
	{ "contract.freelance", { "Freelance", "Freelance" } },
	{ "contract.internship", { "Stage", "Internship" } },
	{ "contract.apprenticeship", { "Alternance", "Apprenticeship" } },
	{ "remote.onsite", { "Sur site", "On site" } },
	{ "remote.hybrid", { "Hybride", "Hybrid" } },
	{ "remote.remote", { "Télétravail complet", "Fully remote" } },
	{ "period.year", { "an", "year" } },
	{ "period.month", { "mois", "month" } },
	{ "period.day", { "jour", "day" } },
	{ "period.hour", { "heure", "hour" } },
	/* salary.from, salary.upto: one argument, the amount (%s) */
	{ "salary.from", { "à partir de %s", "from %s" } },
	{ "salary.upto", { "jusqu'à %s", "up to %s" } },
	/* offer.deadline, offer.deadline_passed: one argument, the date (%s, HTML) */
	{ "offer.deadline", { "Candidatures jusqu'au %s", "Apply by %s" } },
	{ "offer.deadline_passed",
	  { "Candidatures closes depuis le %s", "Applications closed since %s" } },
	{ "ferr.choice", { "choisissez dans la liste.", "choose from the list." } },
	{ "ferr.salary",
	  { "un nombre entier de 1 à 1 000 000 000.", "a whole number from 1 to 1,000,000,000." } },
	{ "ferr.salary_order", { "au moins le salaire minimum.", "at least the minimum salary." } },
	{ "ferr.currency",
	  { "un code de trois lettres, comme EUR.", "a three-letter code, such as EUR." } },
	{ "ferr.date", { "une date valide.", "a valid date." } },
	{ "ferr.date_past", { "une date à venir.", "a date to come." } },
	{ "search.location", { "Lieu", "Location" } },
	{ "search.skill", { "Compétence", "Skill" } },
	{ "search.some_words",
	  { "Aucune offre ne contient tous ces mots : voici celles qui en contiennent une partie.",
	    "No offer has all of these words: here are the offers with some of them." } },
	{ "search.words", { "Mots-clés", "Keywords" } },
	{ "sessions.created", { "Ouverte le", "Opened" } },
	{ "sessions.expires", { "Expire le", "Expires" } },
	{ "sessions.action", { "Action", "Action" } },
	{ "sessions.intro",
	  { "Les appareils où vous êtes connecté. Fermez une session que vous ne reconnaissez pas.",
	    "The devices where you are logged in. End a session you do not recognise." } },
	{ "sessions.logout", { "Me déconnecter", "Log out" } },
	{ "sessions.revoke", { "Fermer cette session", "End this session" } },
	{ "sessions.revoked", { "Session fermée.", "Session ended." } },
	{ "sessions.this", { " (cette session)", " (this session)" } },
	{ "signup.go", { "Créer mon compte", "Create my account" } },
	{ "signup.have", { "Déjà inscrit ?", "Already registered?" } },
	{ "signup.title", { "Inscription", "Sign up" } },
	{ "err.email_limited",
	  { "Trop de liens demandés pour ce compte : réessayez dans une heure.",
	    "Too many links asked for this account: try again in an hour." } },
	{ "err.reset_limited",
	  { "Trop de demandes depuis votre adresse : réessayez dans une heure.",
	    "Too many requests from your address: try again in an hour." } },
	{ "ferr.email",
	  { "ce n'est pas une adresse valable (nom@exemple.fr).",
	    "not a valid address (name@example.org)." } },
	{ "ferr.pw_mismatch",
	  { "les deux mots de passe diffèrent.", "the two passwords differ." } },
	{ "field.notify",
	  { "M'écrire quand quelqu'un postule à cette offre",
	    "E-mail me when someone applies to this offer" } },
	{ "notify.each", { "un e-mail par candidature", "one e-mail per application" } },
	{ "notify.daily",
	  { "un résumé par jour des nouvelles candidatures",
	    "one digest a day of the new applications" } },
	{ "notify.none", { "aucun e-mail", "no e-mail" } },
	{ "ferr.notify",
	  { "choisissez « un e-mail par candidature », « un résumé par jour » ou « aucun e-mail ».",
	    "choose \"one e-mail per application\", \"one digest a day\" or \"no e-mail\"." } },
	/* {notify}, {contract}...: the API's values, from the library (i18n_init) */
	{ "field.notify_api", { "doit valoir {notify}", "must be {notify}" } },
	{ "field.contract_api", { "doit valoir {contract}", "must be {contract}" } },
	{ "field.remote_api", { "doit valoir {remote}", "must be {remote}" } },
	{ "field.period_api", { "doit valoir {salary_period}", "must be {salary_period}" } },
	{ "field.salary_api",
	  { "doit être un entier de 1 à 1000000000", "must be an integer from 1 to 1000000000" } },
	{ "field.salary_order",
	  { "ne doit pas être inférieur au salaire minimum",
	    "must not be below the minimum salary" } },
	{ "field.salary_floor",
	  { "doit être un entier de 0 à 1000000000", "must be an integer from 0 to 1000000000" } },
	{ "field.deadline_past", { "date déjà passée", "already passed" } },
	{ "field.salary_needs", { "requis avec un salaire", "required with a salary" } },
	{ "field.salary_alone",
	  { "une devise ou une période demande un montant",
	    "a currency or a period needs an amount" } },
	{ "field.currency",
	  { "doit être un code ISO 4217 de trois lettres (EUR)",
	    "must be an ISO 4217 code of three letters (EUR)" } },
	{ "field.deadline_api",
	  { "doit être un jour (AAAA-MM-JJ) ou un temps Unix en secondes, jusqu'à 9999-12-31",
	    "must be a day (YYYY-MM-DD) or Unix seconds, up to 9999-12-31" } },
	{ "notify.title", { "Mes notifications", "My notifications" } },
	{ "notify.saved", { "Vos préférences sont enregistrées.", "Your settings are saved." } },
	{ "notify.stages",
	  { "M'écrire quand une de mes candidatures change d'étape (entretien, proposition, "
	    "réponse)",
	    "E-mail me when an application of mine changes stage (interview, offer, answer)" } },
	{ "notify.save", { "Enregistrer", "Save" } },
	{ "notify.recruiter",
	  { "Pour chacune de vos offres, choisissez dans son formulaire (Modifier) si vous "
	    "recevez un e-mail par candidature, un résumé par jour ou rien.",
	    "For each of your offers, choose in its form (Edit) whether you get one e-mail per "
	    "application, a daily digest or nothing." } },
	{ "notify.always",
	  { "Les e-mails de votre compte (confirmation d'adresse, mot de passe oublié) "
	    "partent toujours.",
	    "Your account's e-mails (address confirmation, forgotten password) are always "
	    "sent." } },
	{ "unsub.title", { "Se désabonner", "Unsubscribe" } },
	{ "unsub.confirm", { "Ce lien arrête ces e-mails :", "This link stops these e-mails:" } },
	{ "unsub.stages",
	  { "les e-mails sur les étapes de vos candidatures",
	    "the e-mails about the stages of your applications" } },
	{ "unsub.offer",
	  { "les e-mails sur les candidatures à votre offre",
	    "the e-mails about the applications to your offer" } },
	{ "unsub.digest",
	  { "les résumés quotidiens des candidatures à vos offres",
	    "the daily digests of the applications to your offers" } },
	{ "unsub.already", { "Ils sont déjà arrêtés.", "They are stopped already." } },
	{ "unsub.go", { "Me désabonner", "Unsubscribe me" } },
	{ "unsub.settings",
	  { "Mes notifications (connexion requise)", "My notifications (log in first)" } },
	{ "unsub.done_title", { "Désabonnement fait", "Unsubscribed" } },
	{ "unsub.done",
	  { "C'est fait : vous ne recevrez plus ces e-mails.",
	    "Done: you will no longer get these e-mails." } },
	{ "err.unsub_token",
	  { "Ce lien de désabonnement est incomplet : copiez le lien entier depuis l'e-mail.",
	    "This unsubscribe link is incomplete: copy the whole link from the e-mail." } },
	{ "err.unsub_unknown",
	  { "Ce lien de désabonnement est inconnu ou n'est plus valable. Connectez-vous pour "
	    "régler vos notifications.",
	    "This unsubscribe link is unknown or no longer valid. Log in to change your "
	    "notifications." } },
	{ "email.title", { "Mon adresse e-mail", "My e-mail address" } },
	{ "email.none",
	  { "Votre compte n'a pas encore d'adresse e-mail.",
	    "Your account has no e-mail address yet." } },
	{ "email.current", { "Adresse du compte :", "The account's address:" } },
	{ "email.verified", { "confirmée", "confirmed" } },
	{ "email.unverified", { "pas encore confirmée", "not confirmed yet" } },
	{ "email.why",
	  { "Elle sert à vous prévenir (réponses à vos candidatures, nouvelles candidatures à vos "
	    "offres) et à choisir un nouveau mot de passe si vous l'oubliez. Un lien de confirmation "
	    "y est envoyé ; le compte fonctionne en attendant.",
	    "It keeps you informed (answers to your applications, new applications to your offers) "
	    "and lets you choose a new password if you forget it. A confirmation link is sent to it; "
	    "the account works meanwhile." } },
	{ "email.hint",
	  { "Saisir l'adresse actuelle renvoie un lien de confirmation.",
	    "Typing the current address sends a new confirmation link." } },
	{ "email.save", { "Enregistrer l'adresse", "Save the address" } },
	{ "email.resend", { "Envoyer le lien de confirmation", "Send the confirmation link" } },
	{ "email.sent",
	  { "C'est noté : un lien de confirmation part vers cette adresse.",
	    "Done: a confirmation link is on its way to this address." } },
	{ "email.continue",
	  { "Continuer vers la page demandée", "Continue to the page you asked for" } },
	{ "email.remind_add",
	  { "Ajoutez une adresse e-mail : elle sert à vous prévenir et à retrouver votre compte.",
	    "Add an e-mail address: it keeps you informed and lets you recover your account." } },
	{ "email.remind_verify",
	  { "Confirmez votre adresse e-mail : le lien est dans votre boîte (ou demandez-en un autre).",
	    "Confirm your e-mail address: the link is in your mailbox (or ask for another)." } },
	{ "nav.email", { "Mon e-mail", "My e-mail" } },
	{ "field.email", { "Adresse e-mail", "E-mail address" } },
	{ "field.email_opt", { "Adresse e-mail (facultative)", "E-mail address (optional)" } },
	{ "field.pw_new",
	  { "Nouveau mot de passe (8 caractères au moins)",
	    "New password (at least 8 characters)" } },
	{ "field.pw_again", { "Le même, une seconde fois", "The same again" } },
	{ "hint.email_signup",
	  { "Pour retrouver votre compte si vous oubliez le mot de passe.",
	    "To get your account back if you forget the password." } },
	{ "forgot.go", { "Recevoir un lien", "Send me a link" } },
	{ "forgot.intro",
	  { "Indiquez l'adresse e-mail de votre compte : nous y enverrons un lien pour choisir un "
	    "nouveau mot de passe.",
	    "Give your account's e-mail address: we will send a link there to choose a new "
	    "password." } },
	{ "forgot.sent",
	  { "Si un compte a cette adresse, un message vient d'y partir. Son lien est valable une "
	    "heure. Rien reçu ? Regardez dans les indésirables, ou recommencez.",
	    "If an account has this address, a message is on its way there. Its link works for "
	    "one hour. Nothing came? Look in your spam folder, or try again." } },
	{ "forgot.sent_title", { "Regardez vos messages", "Check your mail" } },
	{ "forgot.title", { "Mot de passe oublié", "Forgotten password" } },
	{ "link.bad",
	  { "Ce lien n'est pas valable : il a déjà servi, il a expiré ou il est incomplet.",
	    "This link does not work: it was already used, it expired, or it is incomplete." } },
	{ "link.bad_title", { "Lien non valable", "Link not valid" } },
	{ "link.new_reset", { "Demander un nouveau lien", "Ask for a new link" } },
	{ "login.forgot", { "Mot de passe oublié ?", "Forgot your password?" } },
	{ "reset.done",
	  { "Votre mot de passe est changé. Toutes les sessions de ce compte ont été fermées : "
	    "connectez-vous avec le nouveau.",
	    "Your password is changed. Every session of this account was ended: log in with "
	    "the new one." } },
	{ "reset.done_title", { "Mot de passe changé", "Password changed" } },
	{ "reset.go", { "Changer le mot de passe", "Change the password" } },
	{ "reset.title", { "Nouveau mot de passe", "New password" } },
	{ "verify.done",
	  { "Votre adresse e-mail est confirmée. Merci !", "Your e-mail address is confirmed. "
	                                                   "Thank you!" } },
	{ "verify.done_title", { "Adresse confirmée", "Address confirmed" } },
	{ "verify.go", { "Confirmer mon adresse", "Confirm my address" } },
	{ "verify.intro",
	  { "Confirmez que cette adresse e-mail est bien la vôtre.",
	    "Confirm that this e-mail address is yours." } },
	{ "verify.title", { "Confirmer l'adresse e-mail", "Confirm the e-mail address" } },
};
#define NMSGS (sizeof msgs / sizeof msgs[0])

static int cmp(const void *a, const void *b)
{
	return strcmp(((const msg *)a)->key, ((const msg *)b)->key);
}

/* The values of the library's enumerations that the API takes, by the
 * placeholder a text writes for their list. */
enum { V_STAGE, V_NOTIFY, V_CONTRACT, V_REMOTE, V_PERIOD, NVALUES };
static const char *const placeholders[NVALUES] = { "{stage}", "{notify}", "{contract}", "{remote}",
	                                           "{salary_period}" };

/* The API name of value @i of enumeration @v; NULL or "" for none. */
static const char *value_name(int v, int i)
{
	switch (v) {
	case V_STAGE: return offerapi_stage_name((offerapi_stage)i);
	case V_NOTIFY: return offerapi_notify_name((offerapi_notify)i);
	case V_CONTRACT: return offerapi_contract_name((offerapi_contract)i);
	case V_REMOTE: return offerapi_remote_name((offerapi_remote)i);
	default: return offerapi_salary_period_name((offerapi_salary_period)i);
	}
}

/* @text with its placeholder @v replaced by the values, as @lang lists
 * them ("a, b ou c"), in new memory kept for the process; NULL when out of
 * memory (the text then shows its placeholder). */
static char *expand(const char *text, int v, enum lang lang)
{
	const char *at = strstr(text, placeholders[v]);
	const char *names[32];
	size_t n = 0;
	for (int i = 0; i < 64 && n < 32; i++) {
		const char *s = value_name(v, i);
		if (s && *s)
			names[n++] = s;
	}
	char list[512];
	oa_list_join(list, sizeof list, names, n, lang == LANG_EN ? " or " : " ou ");
	size_t size = strlen(text) - strlen(placeholders[v]) + strlen(list) + 1;
	char *out = malloc(size);
	if (out)
		snprintf(out, size, "%.*s%s%s", (int)(at - text), text, list,
		         at + strlen(placeholders[v]));
	return out;
}

/* Sort once before the workers start, so T() can binary-search; write the
 * lists of values into the texts that name them, so that a value the
 * library adds is in every message that lists them. */
void i18n_init(void)
{
	qsort(msgs, NMSGS, sizeof msgs[0], cmp);
	for (size_t m = 0; m < NMSGS; m++)
		for (int lang = 0; lang < 2; lang++)
			for (int v = 0; v < NVALUES; v++) {
				char *s = strstr(msgs[m].text[lang], placeholders[v])
				                  ? expand(msgs[m].text[lang], v, (enum lang)lang)
				                  : NULL;
				if (s)
					msgs[m].text[lang] = s;
			}
}

/* The text of @key in the request's language; a missing key shows itself
 * (a test walks every page, so a typo is seen). */
const char *i18n_text(enum lang lang, const char *key)
{
	/* the messages last found by this thread, by the key's address: most
	 * keys are literals, each at one address, so one strcmp() (which a
	 * key built in a reused buffer needs) replaces a dozen of bsearch's;
	 * a page of 100 offer cards looks up 500 keys */
	static _Thread_local const msg *seen[64];
	const msg **at = &seen[((uintptr_t)key >> 3) % 64];
	if (*at && strcmp((*at)->key, key) == 0)
		return (*at)->text[lang];
	msg k = { key, { NULL, NULL } };
	const msg *m = bsearch(&k, msgs, NMSGS, sizeof msgs[0], cmp);
	if (m)
		*at = m;
	return m ? m->text[lang] : key;
}

const char *T(const req *r, const char *key)
{
	return i18n_text(r->lang, key);
}

const char *TF(const req *r, char *out, size_t n, const char *key, ...)
{
	va_list ap;
	va_start(ap, key);
	vsnprintf(out, n, T(r, key), ap);
	va_end(ap);
	return out;
}

/* A sentence a person understands for each library error. Validation
 * errors keep the library's detail, which names the field (in English). */
const char *error_text(const req *r, int rc)
{
	bool en = r->lang == LANG_EN;
	switch (rc) {
	case OFFERAPI_ETOOBIG:
		return en ? "The file is too large: send a PDF of at most 10 MiB."
		          : "Le fichier est trop volumineux : envoyez un PDF de 10 Mio au plus.";
	case OFFERAPI_ENOTPDF:
		return en ? "This file is not a PDF: export your CV as PDF and send it again."
		          : "Ce fichier n'est pas un PDF : exportez votre CV en PDF et renvoyez-le.";
	case OFFERAPI_EPDFDAMAGED:
		return en ? "This PDF is damaged and cannot be read."
		          : "Ce PDF est endommagé et illisible.";
	case OFFERAPI_EPDFENCRYPTED:
		return en ? "This PDF is protected by a password: send it without protection."
		          : "Ce PDF est protégé par un mot de passe : envoyez-le sans protection.";
	case OFFERAPI_ETOOMANYPAGES:
		return en ? "This PDF has too many pages." : "Ce PDF a trop de pages.";
	case OFFERAPI_EPDFTOOCOMPLEX:
		return en ? "This PDF takes too long to read: export your CV again as a simple PDF "
		            "(from your word processor) and send it again."
		          : "Ce PDF est trop long à lire : exportez de nouveau votre CV en PDF simple "
		            "(depuis votre traitement de texte) et renvoyez-le.";
	case OFFERAPI_ENOTEXT:
		return en ? "No text could be read from this PDF (a scanned image?): send a PDF with text."
		          : "Aucun texte lisible dans ce PDF (une image scannée ?) : envoyez un PDF contenant du texte.";
	case OFFERAPI_EEXISTS:
		return en ? "You have already applied to this offer."
		          : "Vous avez déjà postulé à cette offre.";
	case OFFERAPI_ECLOSED:
		return en ? "This offer is closed to applications."
		          : "Cette offre est fermée aux candidatures.";
	case OFFERAPI_ENOTFOUND: return en ? "Not found." : "Introuvable.";
	case OFFERAPI_ECONFLICT:
		return en ? "This change is not possible at the application's current stage, or the "
		            "stage changed meanwhile: reload the page and try again."
		          : "Ce changement n'est pas possible à l'étape actuelle de la candidature, ou "
		            "l'étape a changé entre-temps : rechargez la page et réessayez.";
	case OFFERAPI_EPERM:
		return en ? "You may not do this." : "Vous n'avez pas le droit de faire cela.";
	case OFFERAPI_EUNAVAILABLE:
	case OFFERAPI_EBUSY:
	case OFFERAPI_EREADONLY:
	case OFFERAPI_ETIMEOUT:
		return en ? "The service is unavailable for a moment: try again in a few seconds."
		          : "Le service est momentanément indisponible : réessayez dans quelques secondes.";
	case OFFERAPI_EINVAL: return offerapi_error_last()->message;
	default: return en ? "Internal error." : "Erreur interne.";
	}
}
