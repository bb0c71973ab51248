/*
 * sim.h - internals of scorer-similarity shared by its files (never
 * installed): text analysis (text.c), the French-English lexicon
 * (lexicon.c) and the scorer itself (scorer-similarity.c).
 */
#ifndef SIM_H
#define SIM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "offerapi/scorer.h"

enum { LANG_EN = 0, LANG_FR = 1, NLANG = 2 };

#define TOKEN_MAX 64 /* longer runs (hashes, base64) are noise */
#define NPIV 3 /* English translations kept per French word */
#define PHRASE_MAX 6 /* longest vocabulary variant, in words */

/* token flags */
#define T_MINOR 1u /* one letter or only digits: matched in sequences, never a term alone */
#define T_ACRO 2u /* an acronym in capitals whose lower case is a stop word ("IT") */
#define T_NUM 4u /* only digits */
#define T_CAPS 8u /* written in capitals, 2 to 6 letters ("CACES", "HACCP") */
#define T_WORD 16u /* letters only: stemmed (not "C++", "3.5t", an acronym kept as is) */

/* salts that keep the kinds of features apart in one hash table */
#define F_WORD 0x57u
#define F_PIVOT 0x50u
#define F_COGNATE 0x4Bu
#define F_CONCEPT 0x43u

/* One kept token of a text: what it means in each language. */
typedef struct tok {
	uint64_t term[NLANG]; /* folded stem per language (folded form for non-words) */
	uint64_t cog; /* cognate key (spelling shared by French and English), 0: none */
	uint64_t piv[NPIV]; /* English stems of its French translations, 0: none */
	uint32_t flags; /* T_* */
} tok;

/* A feature of the current CV: how often, where first, and its positions. */
typedef struct fslot {
	uint64_t key; /* meaningful only when epoch is the table's */
	uint32_t epoch; /* the CV it belongs to: older ones are empty slots */
	uint32_t count;
	uint32_t first; /* first position */
	uint32_t last; /* last occurrence (into occ_pos/occ_next), chained back */
} fslot;

typedef struct hashset {
	uint64_t *v;
	size_t n;
} hashset;

/* Cache of analysed tokens (per worker). */
typedef struct cache_entry {
	uint64_t key; /* hash of the raw bytes; 0 = empty */
	tok t;
	uint32_t eflags; /* STOP_EN, STOP_FR */
} cache_entry;

struct sb_stemmer;
typedef struct lexicon lexicon;

/* A work area: stemmers, token cache, the tokens of the current text. */
typedef struct worker {
	struct worker *next; /* free list of the pool */
	struct sb_stemmer *stem[NLANG];
	cache_entry *cache;
	size_t cache_used;
	uint64_t *door; /* bits: tokens seen once */
	size_t door_used;
	cache_entry once;
	tok *toks;
	size_t ntoks, tokcap;
	size_t stops[NLANG]; /* stop-word hits of the current text */
	struct fslot *ftab; /* feature table of the current CV */
	size_t fcap, fsize, fused;
	uint32_t fepoch; /* slots of other epochs are empty: no clearing per CV */
	uint32_t *occ_pos, *occ_next; /* positions of each feature, chained */
	size_t nocc, occcap;
	uint32_t *conc; /* concepts found in the current text, with positions */
	size_t nconc, conccap;
	double *scratch; /* per-call credits of the offer's units */
	size_t scratchcap;
} worker;

/* What text analysis needs to know (owned by the scorer instance). */
typedef struct analyser {
	hashset stop[NLANG];
	hashset acronyms; /* folded acronyms that are also stop words */
	const lexicon *lex; /* may be NULL while the lexicon is being built */
} analyser;

/* hashing (text.c) */
uint64_t sim_hash(uint64_t seed, const void *data, size_t len);
uint64_t sim_mix(uint64_t z);
int sim_hashset_build(hashset *s, const char *const *words);
/* Sort the @p s->n hashes of @p s and drop repeated ones, for
 * sim_hashset_has(). */
void sim_hashset_seal(hashset *s);
bool sim_hashset_has(const hashset *s, uint64_t h);

/* workers and tokens (text.c) */
worker *sim_worker_new(void);
void sim_worker_free(worker *w);
void sim_worker_forget(worker *w); /* empty the token cache */
void sim_reset_text(worker *w);
bool sim_tokenize(const analyser *a, worker *w, const char *text, size_t len);
int sim_guess_lang(const worker *w, int fallback);
/* The feminine ending that inclusive French writing glues to a word at @p p
 * ("assistant(e)", "conseiller(ère)", "technicien·ne", "salarié·e·s"): it
 * is no word, and as a token of its own it would cut the vocabulary phrase
 * of a job title ("assistant(e) dentaire" is "assistant dentaire").
 * Returns the bytes to skip, else 0. */
size_t sim_gender_ending(const uint8_t *p, const uint8_t *end);
/* Whether @p n bytes at @p raw are an acronym as written: 2 to 6 capital
 * ASCII letters ("IT", "SQL"), the one rule of the vocabulary's acronyms
 * and of the words read. */
bool sim_all_caps(const uint8_t *raw, size_t n);
/* Fold @p n bytes (case, accents, NFKC) into @p out (size >= 4 * n + 1). */
size_t sim_fold(const uint8_t *raw, size_t n, uint8_t *out, size_t size);
/* Stem folded @p s in language @p lang; returns the term id. */
uint64_t sim_stem(worker *w, int lang, const uint8_t *s, size_t n);

/* feature ids */
static inline uint64_t sim_feature(unsigned kind, uint64_t h)
{
	uint64_t f = sim_mix(h ^ ((uint64_t)kind << 56));
	return f ? f : 1;
}

/* the lexicon (lexicon.c) */
typedef struct lexicon_stats {
	size_t concepts, variants, acronyms; /* vocabulary */
	size_t dict_words[2]; /* FreeDict headwords used: fra-eng, eng-fra */
	size_t translations; /* French stems with English translations */
	size_t background_docs;
	size_t bytes[3]; /* memory: vocabulary, dictionaries, background */
	bool dictionaries; /* FreeDict loaded */
	/* per dictionary (fra-eng, eng-fra) not loaded: the file that could not
	 * be read (0 the index, 1 the dictzip file) and why (an errno value;
	 * EFBIG: too big); missing[d] is -1 when dictionary d was loaded */
	int missing[2], missing_errno[2];
} lexicon_stats;

/* One FreeDict file as it is on disk: absent (err, an errno value), or
 * present and identified by device, inode, size and times. */
typedef struct dict_file_id {
	int err;
	uint64_t dev, ino;
	int64_t size, mtime_ns, ctime_ns;
} dict_file_id;

/* The FreeDict files a freedict_dir leads to: [fra-eng, eng-fra] x [index,
 * dictzip]. Two directories with the same files give the same lexicon. */
typedef struct dict_probe {
	dict_file_id file[2][2];
} dict_probe;

/* Look at (stat) the four files of @p freedict_dir. */
void sim_dict_probe(const char *freedict_dir, dict_probe *out);
/* Whether @p a and @p b give the same lexicon: every file absent in both
 * (whatever the error) or the same file, unchanged, in both. */
bool sim_dict_same_data(const dict_probe *a, const dict_probe *b);

/* Build the lexicon: the built-in vocabulary, the FreeDict dictionaries in
 * @p freedict_dir (missing ones are recorded in its stats, not an error:
 * see sim_lexicon_note), and the background statistics. Returns NULL with
 * a message in err. */
lexicon *sim_lexicon_new(analyser *a, worker *w, const char *freedict_dir, char *err, size_t errsz);
void sim_lexicon_free(lexicon *lex);
const lexicon_stats *sim_lexicon_stats(const lexicon *lex);
/* The warning for an instance whose freedict_dir is @p dir (probed as @p p)
 * when @p lex lacks a dictionary, naming that instance's own path; an empty
 * string when both dictionaries are loaded. */
void sim_lexicon_note(const lexicon *lex, const char *dir, const dict_probe *p, char *note,
                      size_t notesz);
/* English stems of French stem @p fr (up to NPIV); returns how many. */
int sim_lexicon_translate(const lexicon *lex, uint64_t fr, uint64_t out[NPIV]);
/* Concepts of the phrase whose term ids (in @p lang) hash to @p key. */
size_t sim_lexicon_concepts(const lexicon *lex, int lang, uint64_t key, const uint32_t **out);
/* Can the meaning of token @p t of a text in @p lang be found in a text of
 * the other language: is it a code or an acronym, a word with a
 * translation, or one with a cognate the other language knows? */
bool sim_lexicon_reachable(const lexicon *lex, const tok *t, int lang);
/* Background inverse document frequency of feature @p f. */
double sim_lexicon_idf(const lexicon *lex, uint64_t f);
/* Hash of a phrase of term ids, as the concept table keys it. */
uint64_t sim_phrase_key(int lang, const uint64_t *terms, size_t n);
/* Find the concepts of the current text of @p w (its tokens, language
 * @p lang) into w->conc as (concept, position, length) triples. */
bool sim_find_concepts(const lexicon *lex, worker *w, int lang);

/* Credits of a match that is not the same word. A bridged word is worth an
 * identical one: with less, every CV in the other language starts behind
 * the same-language CVs of equal relevance (2.0.0 gave 0.85 and 0.7, and a
 * blind set's misses were all such cross-language pairs). */
#define CRED_PIVOT 1.0f /* through a translation */
#define CRED_COGNATE 1.0f /* through a cognate spelling */

/* the current CV's features (scorer-similarity.c) */
const fslot *sim_cv_find(const worker *w, uint64_t f);

/* the offer's skills (skills.c) */
typedef struct skill_model skill_model;
/* Parse skill @p text (offer language @p lang); NULL on out of memory. */
skill_model *sim_skill_build(const analyser *a, worker *w, const char *text, int lang);
void sim_skill_free(skill_model *s);
/* Whether the skill has words at all (not only stop words). */
bool sim_skill_real(const skill_model *s);
/* How much of it the current CV of @p w shows, in [0, 1]. */
double sim_skill_credit(const skill_model *s, const worker *w, int cvlang);

/* the data compiled into the plugin (data.c, generated) */
extern const unsigned char sim_vocabulary_txt[];
extern const size_t sim_vocabulary_len;
extern const unsigned char sim_background_txt[];
extern const size_t sim_background_len;

#endif
