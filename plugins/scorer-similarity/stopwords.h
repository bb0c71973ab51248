/* stopwords.h - the stop-word lists of scorer-similarity (NULL-terminated,
 * lower case, accents removed). */
#ifndef SIM_STOPWORDS_H
#define SIM_STOPWORDS_H

extern const char *const sim_stopwords_en[];
extern const char *const sim_stopwords_fr[];

#endif
