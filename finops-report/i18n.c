/*
 * finops-report: the language of the reports people read (--lang): the
 * table, Markdown and HTML reports' headings, labels and notes, in English
 * or French. JSON and CSV never change (keys and values), nor do the
 * messages on stderr (progress, errors, incomplete data, thresholds), which
 * stay English like the tools a CI log mixes them with.
 *
 * A text is looked up by its English form: a renderer writes
 * fr_tr(c->lang, "Cost per month"); a text without a translation comes out
 * in English. Translations of printf formats keep their conversions in the
 * same order (a unit test checks every pair).
 */
#include "fr.h"

#include <stdlib.h>
#include <string.h>

#include "i18n_fr.h"

const char *fr_tr(int lang, const char *en)
{
	if (lang != FR_LANG_FR || !en)
		return en;
	for (size_t i = 0; i < sizeof fr_catalogue / sizeof fr_catalogue[0]; i++)
		if (strcmp(fr_catalogue[i].en, en) == 0)
			return fr_catalogue[i].fr;
	return en;
}

const fr_msg *fr_messages(size_t *n)
{
	*n = sizeof fr_catalogue / sizeof fr_catalogue[0];
	return fr_catalogue;
}
