/*
 * test_ranking.c - does scorer-similarity rank the right CVs first?
 *
 * The corpus (tests/scorer/corpus) holds 12 offers (6 French, 6 English)
 * and 36 CVs written for them, 3 per offer, some in the other language:
 * cvs/NN-x-LANG.txt was written for offers/NN-*.txt. Every CV is scored
 * against every offer, and for each scorer we print:
 *   top-1     share of offers whose best-scored CV is one written for it
 *             (ties share the credit);
 *   P@3       share of the 3 best-scored CVs of an offer written for it;
 *   MRR       mean reciprocal rank of the first CV written for the offer;
 *   CV top-1  share of CVs whose best-scored offer is the one they were
 *             written for.
 * "similarity, text only" scores with the skill lists hidden, to show that
 * the text similarity works on its own and not only the skill matching.
 * Random's figures are averaged over 200 seeds (its expectation: top-1
 * 3/36 = 0.083, CV top-1 1/12 = 0.083).
 *
 * Usage: test_ranking CORPUS_DIR SIMILARITY.so RANDOM.so [MINIMAL.so]
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offerapi/scorers.h"

#define MAXO 64
#define MAXC 256

typedef struct doc {
	char name[256];
	int offer; /* number of the offer (CVs: the one it is for) */
	char *title, *location, *text;
	char *skills[32];
	size_t nskills;
} doc;

static doc offers[MAXO], cvs[MAXC];
static int noffers, ncvs;

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	char *b = malloc((size_t)n + 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	if (b)
		b[n] = '\0';
	fclose(f);
	return b;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* An offer: "key: value" lines (title, location, skills: a; b), "---", text. */
static void parse_offer(doc *d, char *buf)
{
	char *sep = strstr(buf, "\n---\n");
	if (!sep) {
		fprintf(stderr, "%s: no --- line\n", d->name);
		exit(2);
	}
	*sep = '\0';
	d->text = sep + 5;
	d->title = d->location = "";
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		char *v = trim(colon + 1);
		if (!strcmp(line, "title"))
			d->title = v;
		else if (!strcmp(line, "location"))
			d->location = v;
		else if (!strcmp(line, "skills"))
			for (char *sk = strtok_r(v, ";", &v); sk && d->nskills < 32;
			     sk = strtok_r(NULL, ";", &v))
				d->skills[d->nskills++] = trim(sk);
	}
}

static int cmp_doc(const void *a, const void *b)
{
	return strcmp(((const doc *)a)->name, ((const doc *)b)->name);
}

static int read_dir(const char *dir, doc *docs, int max, int is_offer)
{
	DIR *d = opendir(dir);
	if (!d) {
		perror(dir);
		exit(2);
	}
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < max) {
		if (!strstr(e->d_name, ".txt"))
			continue;
		doc *x = &docs[n++];
		memset(x, 0, sizeof *x);
		snprintf(x->name, sizeof x->name, "%s", e->d_name);
	}
	closedir(d);
	qsort(docs, (size_t)n, sizeof *docs, cmp_doc);
	for (int i = 0; i < n; i++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", dir, docs[i].name);
		char *buf = slurp(path);
		if (!buf) {
			perror(path);
			exit(2);
		}
		docs[i].offer = atoi(docs[i].name);
		if (is_offer)
			parse_offer(&docs[i], buf);
		else
			docs[i].text = buf;
	}
	return n;
}

typedef struct figures {
	double top1, p3, mrr, cvtop1;
} figures;

static double scores[MAXO][MAXC];
static int hide_skills; /* score with the offers' skill lists hidden */

/* Score every pair with the scorer of @p set; 0 on success. */
static int score_all(offerapi_scorers *set)
{
	for (int o = 0; o < noffers; o++)
		for (int c = 0; c < ncvs; c++) {
			offerapi_score_input in = {
				.struct_size = sizeof in,
				.offer_id = offers[o].offer,
				.offer_title = offers[o].title,
				.offer_description = offers[o].text,
				.offer_location = offers[o].location,
				.skills = (const char *const *)offers[o].skills,
				.skill_count = hide_skills ? 0 : offers[o].nskills,
				.cv_text = cvs[c].text,
				.cv_len = strlen(cvs[c].text),
				.application_id = 1000 * (o + 1) + c + 1,
			};
			char expl[512];
			if (offerapi_scorers_score(set, 0, &in, &scores[o][c], expl, sizeof expl)) {
				fprintf(stderr, "%s\n", offerapi_error_last()->message);
				return -1;
			}
		}
	return 0;
}

static figures evaluate(void)
{
	figures f = { 0, 0, 0, 0 };
	for (int o = 0; o < noffers; o++) {
		/* rank of each CV = 1 + number of CVs scored strictly higher,
		 * ties share: credit for top-1 = intended among the best / best */
		double best = -1;
		for (int c = 0; c < ncvs; c++)
			best = scores[o][c] > best ? scores[o][c] : best;
		int nbest = 0, nbest_ok = 0;
		for (int c = 0; c < ncvs; c++)
			if (scores[o][c] == best) {
				nbest++;
				nbest_ok += cvs[c].offer == offers[o].offer;
			}
		f.top1 += (double)nbest_ok / nbest;
		/* P@3 and MRR with a stable order: score, then file name */
		int order[MAXC];
		for (int c = 0; c < ncvs; c++)
			order[c] = c;
		for (int i = 1; i < ncvs; i++)
			for (int j = i; j > 0 && scores[o][order[j]] > scores[o][order[j - 1]];
			     j--) {
				int t = order[j];
				order[j] = order[j - 1];
				order[j - 1] = t;
			}
		int hits = 0;
		for (int r = 0; r < 3 && r < ncvs; r++)
			hits += cvs[order[r]].offer == offers[o].offer;
		f.p3 += hits / 3.0;
		for (int r = 0; r < ncvs; r++)
			if (cvs[order[r]].offer == offers[o].offer) {
				f.mrr += 1.0 / (r + 1);
				break;
			}
	}
	for (int c = 0; c < ncvs; c++) {
		double best = -1;
		for (int o = 0; o < noffers; o++)
			best = scores[o][c] > best ? scores[o][c] : best;
		int nbest = 0, nok = 0;
		for (int o = 0; o < noffers; o++)
			if (scores[o][c] == best) {
				nbest++;
				nok += cvs[c].offer == offers[o].offer;
			}
		f.cvtop1 += (double)nok / nbest;
	}
	f.top1 /= noffers;
	f.p3 /= noffers;
	f.mrr /= noffers;
	f.cvtop1 /= ncvs;
	return f;
}

static offerapi_scorers *load(const char *path, const char *name, const char *seed)
{
	offerapi_scorers *set;
	if (offerapi_scorers_new(&set))
		return NULL;
	if (seed)
		offerapi_scorers_set(set, name, "seed", seed);
	if (offerapi_scorers_load_file(set, path)) {
		fprintf(stderr, "%s\n", offerapi_error_last()->message);
		offerapi_scorers_free(set);
		return NULL;
	}
	return set;
}

static void print_row(const char *label, figures f)
{
	printf("%-22s %6.3f %6.3f %6.3f %8.3f\n", label, f.top1, f.p3, f.mrr, f.cvtop1);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s CORPUS SIMILARITY.so RANDOM.so [MINIMAL.so]\n", argv[0]);
		return 2;
	}
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/offers", argv[1]);
	noffers = read_dir(dir, offers, MAXO, 1);
	snprintf(dir, sizeof dir, "%s/cvs", argv[1]);
	ncvs = read_dir(dir, cvs, MAXC, 0);
	printf("corpus: %d offers, %d CVs\n\n", noffers, ncvs);
	printf("%-22s %6s %6s %6s %8s\n", "scorer", "top-1", "P@3", "MRR", "CV top-1");

	offerapi_scorers *sim = load(argv[2], "similarity", NULL);
	if (!sim || score_all(sim))
		return 1;
	figures fs = evaluate();
	print_row("similarity", fs);
	/* which offers and CVs it gets wrong, for whoever tunes it */
	for (int o = 0; o < noffers; o++) {
		int best = 0;
		for (int c = 1; c < ncvs; c++)
			if (scores[o][c] > scores[o][best])
				best = c;
		if (cvs[best].offer != offers[o].offer)
			printf("  miss: offer %s ranks %s first (%.3f)\n", offers[o].name,
			       cvs[best].name, scores[o][best]);
	}
	for (int c = 0; c < ncvs; c++) {
		int best = 0;
		for (int o = 1; o < noffers; o++)
			if (scores[o][c] > scores[best][c])
				best = o;
		if (offers[best].offer != cvs[c].offer)
			printf("  miss: CV %s fits %s best (%.3f)\n", cvs[c].name,
			       offers[best].name, scores[best][c]);
	}
	/* the text alone: no skill list to match */
	hide_skills = 1;
	if (score_all(sim))
		return 1;
	figures ft = evaluate();
	print_row("similarity, text only", ft);
	hide_skills = 0;
	offerapi_scorers_free(sim);

	figures fr = { 0, 0, 0, 0 };
	int seeds = 200;
	for (int s = 1; s <= seeds; s++) {
		char seed[16];
		snprintf(seed, sizeof seed, "%d", s);
		offerapi_scorers *rnd = load(argv[3], "random", seed);
		if (!rnd || score_all(rnd))
			return 1;
		figures f = evaluate();
		fr.top1 += f.top1 / seeds;
		fr.p3 += f.p3 / seeds;
		fr.mrr += f.mrr / seeds;
		fr.cvtop1 += f.cvtop1 / seeds;
		offerapi_scorers_free(rnd);
	}
	print_row("random (200 seeds)", fr);

	if (argc > 4) {
		offerapi_scorers *min = load(argv[4], "minimal", NULL);
		if (!min || score_all(min))
			return 1;
		print_row("minimal (example)", evaluate());
		offerapi_scorers_free(min);
	}

	int ok = 1;
	/* "most offers": at least 10 of 12 */
	if (fs.top1 < 10.0 / 12 - 1e-9) {
		printf("FAIL: similarity top-1 %.3f is below 10/12\n", fs.top1);
		ok = 0;
	}
	if (fs.cvtop1 < 0.75) {
		printf("FAIL: similarity CV top-1 %.3f is below 0.75\n", fs.cvtop1);
		ok = 0;
	}
	if (ft.top1 < 0.75) {
		printf("FAIL: similarity on text alone: top-1 %.3f is below 0.75\n", ft.top1);
		ok = 0;
	}
	if (fs.top1 - fr.top1 < 0.5 || fs.mrr - fr.mrr < 0.4) {
		printf("FAIL: similarity does not clearly beat random\n");
		ok = 0;
	}
	if (fr.top1 > 0.25) {
		printf("FAIL: random top-1 %.3f is suspiciously high\n", fr.top1);
		ok = 0;
	}
	printf("\n%s\n",
	       ok ? "PASS: similarity ranks the intended CVs first; random does not" : "FAIL");
	return ok ? 0 : 1;
}
