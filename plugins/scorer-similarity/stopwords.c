/*
 * stopwords.c - French and English stop words for scorer-similarity.
 *
 * Written for this project: function words (articles, pronouns,
 * prepositions, conjunctions, auxiliaries, common adverbs) plus the filler
 * words of job offers and CVs that say nothing about a fit ("poste",
 * "candidate", "years"). Lower case, accents removed: the scorer compares
 * them with accent-folded tokens. The counts of hits per list also guess
 * the language of a text. French elisions (l', d', qu'...) are not listed:
 * the tokenizer drops them before an apostrophe, so that "c" stays the C
 * language and "c'est" loses its "c".
 */
#include <stddef.h>

#include "stopwords.h"

const char *const sim_stopwords_en[] = {
	"a", "about", "above", "after", "again", "against", "all", "also", "am", "an",
	"and", "any", "are", "as", "at", "be", "because", "been", "before", "being",
	"below", "between", "both", "but", "by", "can", "could", "did", "do", "does",
	"doing", "down", "during", "each", "either", "etc", "ever", "every", "few",
	"for", "from", "further", "had", "has", "have", "having", "he", "her", "here",
	"hers", "herself", "him", "himself", "his", "how", "however", "i", "if", "in",
	"into", "is", "it", "its", "itself", "just", "least", "less", "let", "like",
	"may", "me", "might", "more", "most", "must", "my", "myself", "no", "nor",
	"not", "now", "of", "off", "on", "once", "one", "only", "or", "other", "our",
	"ours", "ourselves", "out", "over", "own", "per", "same", "shall", "she",
	"should", "since", "so", "some", "such", "than", "that", "the", "their",
	"theirs", "them", "themselves", "then", "there", "these", "they", "this",
	"those", "through", "thus", "to", "too", "under", "until", "up", "upon", "us",
	"very", "via", "was", "we", "well", "were", "what", "when", "where", "whether",
	"which", "while", "who", "whom", "whose", "why", "will", "with", "within",
	"without", "would", "yet", "you", "your", "yours", "yourself", "yourselves",
	/* filler of offers and CVs */
	"able", "apply", "candidate", "candidates", "cv", "including", "looking",
	"join", "strong", "good", "great", "new", "year", "years", "month", "months",
	"role", "position", "job", "offer", "resume", "seeking", "ideal", "plus",
	NULL,
};

const char *const sim_stopwords_fr[] = {
	"a", "afin", "ai", "aie", "aient", "ainsi", "alors", "apres", "as", "au",
	"aucun", "aucune", "aupres", "auquel", "aura", "aurai", "auront", "aussi",
	"autre", "autres", "aux", "avaient", "avais", "avait", "avant", "avec", "avez",
	"avoir", "avons", "ayant", "bien", "ca", "car", "ce", "ceci", "cela",
	"celle", "celles", "celui", "cependant", "ces", "cet", "cette", "ceux", "chacun",
	"chaque", "chez", "comme", "comment", "dans", "de", "des", "donc", "dont",
	"du", "elle", "elles", "en", "encore", "entre", "es", "est", "et", "etaient",
	"etais", "etait", "etant", "ete", "etes", "etre", "eu", "eux", "fait", "faire",
	"fais", "font", "ici", "il", "ils", "je", "la", "laquelle",
	"le", "lequel", "les", "lesquels", "leur", "leurs", "lors", "lorsque", "lui",
	"ma", "mais", "me", "meme", "memes", "mes", "moi", "mon", "ne", "ni",
	"nos", "notre", "nous", "on", "ont", "ou", "par", "parce", "parmi", "pas",
	"peu", "peut", "peuvent", "plus", "plusieurs", "pour", "pourquoi", "puis",
	"quand", "que", "quel", "quelle", "quelles", "quels", "qui", "quoi",
	"sa", "sans", "se", "selon", "sera", "serai", "seront", "ses", "si",
	"sien", "soi", "soit", "sommes", "son", "sont", "sous", "suis", "sur",
	"ta", "tandis", "te", "tes", "toi", "ton", "tous", "tout", "toute", "toutes",
	"tres", "tu", "un", "une", "unes", "uns", "vers", "via", "vos", "votre", "vous",
	"y", "deja", "etc", "dont", "ceux", "aupres", "lors",
	/* filler of offers and CVs */
	"poste", "candidat", "candidate", "candidats", "recherchons", "rejoindre",
	"rejoignez", "an", "ans", "annee", "annees", "mois", "cv", "profil", "offre",
	"souhaite", "idealement", "egalement", "niveau", "bonne", "bon", "bonnes",
	"bons", "nouveau", "nouvelle", "nouvelles",
	NULL,
};
