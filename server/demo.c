/*
 * demo.c - --demo: fill an empty database with a recruiter, offers,
 * candidates and real PDF CVs, scored, so that a newcomer's first page
 * shows a full dashboard. Does nothing on a database that has offers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "app.h"
#include "metrics.h"
#include "oacommon.h"

typedef struct demo_offer {
	const char *title, *description, *location;
	const char *skills[6];
	const char *questions[2];
	/* the richer fields (issue 14); deadline_days: from now, 0 for none */
	const char *company;
	offerapi_contract contract;
	offerapi_remote remote;
	int64_t salary_min, salary_max;
	offerapi_salary_period period;
	int deadline_days;
} demo_offer;

static const demo_offer offers[] = {
	{ "Développeur C embarqué",
	  "Nous cherchons un développeur C pour notre équipe systèmes :\n"
	  "pilotes, protocoles réseau et outils de mesure. Tests, revue de code et sobriété.",
	  "Lyon",
	  { "C", "Linux", "PostgreSQL", "Meson", NULL },
	  { "Quel projet en C vous rend fier ?", NULL },
	  "Acme Systèmes",
	  OFFERAPI_CONTRACT_CDI,
	  OFFERAPI_REMOTE_HYBRID,
	  45000,
	  55000,
	  OFFERAPI_PERIOD_YEAR,
	  30 },
	{ "Ingénieure FinOps",
	  "Mesurer et réduire les coûts de nos clusters Kubernetes avec Kubecost et Prometheus.",
	  "Paris",
	  { "Kubernetes", "Prometheus", "FinOps", NULL },
	  { "Quelle économie avez-vous obtenue ?", NULL },
	  "Nuage & Cie",
	  OFFERAPI_CONTRACT_CDI,
	  OFFERAPI_REMOTE_ONSITE,
	  52000,
	  62000,
	  OFFERAPI_PERIOD_YEAR,
	  0 },
	{ "Data engineer (remote)",
	  "Pipelines SQL, qualité des données et tableaux de bord.",
	  "Remote",
	  { "SQL", "Python", "Grafana", NULL },
	  { NULL },
	  "DataSud",
	  OFFERAPI_CONTRACT_FREELANCE,
	  OFFERAPI_REMOTE_FULL,
	  450,
	  550,
	  OFFERAPI_PERIOD_DAY,
	  45 },
};

typedef struct demo_cand {
	const char *login, *name;
	const char *cv[6];
	const char *answers[2]; /* to the first two offers' questions */
} demo_cand;

static const demo_cand cands[] = {
	{ "alice",
	  "Alice Martin",
	  { "Alice Martin - Developpeuse C", "C, Linux, PostgreSQL, Meson",
	    "8 ans de drivers et de protocoles reseau", "Tests unitaires, fuzzing, sanitizers",
	    NULL },
	  { "Un pilote réseau libre, testé sous ASan et fuzzé chaque nuit.", "" } },
	{ "bruno",
	  "Bruno Lefèvre",
	  { "Bruno Lefevre - Ingenieur systemes", "Linux, Kubernetes, Prometheus",
	    "FinOps: reduction de 30% des couts cloud", NULL },
	  { "Un exporteur Prometheus écrit en C pendant un hackathon.",
	    "30 % de la facture cloud, en réduisant les requêtes CPU surdimensionnées." } },
	{ "chloe",
	  "Chloé Bernard",
	  { "Chloe Bernard - Data engineer", "SQL, Python, Grafana",
	    "Pipelines de donnees et qualite", NULL },
	  { "Aucun : je viens de la data, mais j'apprends vite.", "" } },
	{ "david",
	  "David Nguyen",
	  { "David Nguyen - Developpeur", "C, Python, SQL", "Outils de mesure et benchmarks",
	    NULL },
	  { "Un outil de mesure open source, sobre et bien testé.",
	    "Des benchmarks qui ont évité un cluster de trop." } },
	{ "emma",
	  "Emma Petit",
	  { "Emma Petit - SRE", "Kubernetes, Prometheus, Grafana, Linux",
	    "Astreintes et observabilite", NULL },
	  { "Un petit agent de supervision, sans dépendance.", "" } },
	{ "farid",
	  "Farid Benali",
	  { "Farid Benali - Developpeur C++", "C, C++, Linux, Meson", "Compilateurs et performance",
	    NULL },
	  { "Une passe d'optimisation dans un compilateur C.",
	    "Des builds deux fois plus rapides sur nos runners CI." } },
};

/* Make a printable random password (shown at every start). */
static void random_password(char *dst, size_t n)
{
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	for (size_t i = 0; i + 1 < n; i++)
		dst[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	dst[n - 1] = '\0';
}

/* Publish the demo offers as @p rec, their ids in @p ids. */
static int demo_offers(offerapi_store *store, const offerapi_user *rec, offerapi_id ids[3])
{
	for (size_t i = 0; i < 3; i++) {
		size_t ns = 0, nq = 0;
		while (ns < 6 && offers[i].skills[ns])
			ns++;
		while (nq < 2 && offers[i].questions[nq])
			nq++;
		offerapi_offer_fields f = {
			.version = OFFERAPI_OFFER_FIELDS_VERSION,
			.title = offers[i].title,
			.description = offers[i].description,
			.location = offers[i].location,
			.skills = offers[i].skills,
			.nskills = ns,
			.questions = offers[i].questions,
			.nquestions = nq,
			.company = offers[i].company,
			.contract = offers[i].contract,
			.remote = offers[i].remote,
			.salary_min = offers[i].salary_min,
			.salary_max = offers[i].salary_max,
			.salary_currency = "EUR",
			.salary_period = offers[i].period,
			.deadline = offers[i].deadline_days
			                    ? (int64_t)time(NULL) + offers[i].deadline_days * 86400
			                    : 0,
		};
		int rc = offerapi_offer_create(store, rec, &f, &ids[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Candidate @p c: an account, a PDF CV, and applications to the first
 * offer and some of the others, scored when a scorer is loaded. */
static int demo_candidate(offerapi_store *store, offerapi_scorers *set, size_t c,
                          const offerapi_id ids[3])
{
	char cpw[17];
	random_password(cpw, sizeof cpw);
	offerapi_user *u = NULL;
	int rc = offerapi_user_create(store, cands[c].login, cands[c].name, cpw,
	                              OFFERAPI_ROLE_CANDIDATE, &u);
	if (rc < 0)
		return rc;
	size_t nl = 0;
	while (nl < 6 && cands[c].cv[nl])
		nl++;
	size_t len = 0;
	char *pdf = oa_pdf_text(cands[c].cv, nl, 1, &len);
	for (size_t o = 0; o < 3 && pdf; o++) {
		if (o > 0 && (c + o) % 2)
			continue;
		char fname[64];
		snprintf(fname, sizeof fname, "cv-%s.pdf", cands[c].login);
		const char *ans[1] = { o < 2 ? cands[c].answers[o] : "" };
		offerapi_application_input in = {
			.version = OFFERAPI_APPLICATION_INPUT_VERSION,
			.filename = fname,
			.pdf = pdf,
			.pdf_len = len,
			.answers = ans,
			.nanswers = offers[o].questions[0] ? 1 : 0,
		};
		offerapi_id app_id;
		char q[600];
		if ((rc = offerapi_application_submit(store, u, ids[o], &in, &app_id)) < 0)
			break;
		if (offerapi_scorers_count(set) &&
		    offerapi_application_score(store, set, app_id, 0, metrics_scoring, NULL) < 0)
			fprintf(stderr, "level=warn msg=\"--demo: scoring failed\" detail=%s\n",
			        oa_logfmt_q(q, sizeof q, offerapi_error_last()->message));
	}
	free(pdf);
	offerapi_user_free(u);
	return rc < 0 ? rc : 0;
}

int demo_fill(offerapi_store *store, offerapi_scorers *set)
{
	offerapi_offer_query q = OFFERAPI_OFFER_QUERY_INIT;
	q.include_closed = 1;
	q.limit = 1;
	offerapi_offer_list *l = NULL;
	if (offerapi_offer_search(store, &q, &l) < 0) {
		fprintf(stderr, "offerapi-server: --demo: %s\n", offerapi_error_last()->message);
		return -1;
	}
	size_t existing = l->count;
	offerapi_offer_list_free(l);
	if (existing) {
		fprintf(stderr,
		        "level=info msg=\"--demo: the database already has offers; nothing added\"\n");
		return 0;
	}
	char pw[17]; /* replaced by demo_passwords() */
	random_password(pw, sizeof pw);
	offerapi_user *rec = NULL;
	if (offerapi_user_create(store, "demo-recruiter", "Recruteuse démo", pw,
	                         OFFERAPI_ROLE_RECRUITER, &rec) < 0) {
		fprintf(stderr, "offerapi-server: --demo: %s\n", offerapi_error_last()->message);
		return -1;
	}
	offerapi_id ids[3];
	int rc = demo_offers(store, rec, ids);
	/* Every candidate applies to the first offer, and some to the others. */
	for (size_t c = 0; rc == 0 && c < sizeof cands / sizeof cands[0]; c++)
		rc = demo_candidate(store, set, c, ids);
	offerapi_user_free(rec);
	if (rc < 0) {
		fprintf(stderr, "offerapi-server: --demo: %s\n", offerapi_error_last()->message);
		return -1;
	}
	return 0;
}

/* The accounts shown: the recruiter and the first two candidates. */
int demo_passwords(app *a)
{
	static const struct {
		const char *login, *role;
	} who[] = { { "demo-recruiter", "role.recruiter" },
		    { "alice", "role.candidate" },
		    { "bruno", "role.candidate" } };
	a->ndemo = 0;
	for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
		struct demo_login *d = &a->demo[a->ndemo];
		random_password(d->password, sizeof d->password);
		int rc = offerapi_user_set_password(a->store, who[i].login, d->password);
		if (rc == OFFERAPI_ENOTFOUND) { /* a database not filled by --demo */
			fprintf(stderr, "level=info msg=\"--demo: no account %s\"\n", who[i].login);
			continue;
		}
		if (rc < 0) {
			fprintf(stderr, "offerapi-server: --demo: %s\n",
			        offerapi_error_last()->message);
			return -1;
		}
		d->login = who[i].login;
		d->role = who[i].role;
		a->ndemo++;
	}
	return 0;
}

void demo_announce(const app *a)
{
	/* "8080", "0.0.0.0:8080" or "127.0.0.1:8080": a URL a browser opens */
	const char *l = a->cfg.listen, *colon = strrchr(l, ':');
	char host[64] = "127.0.0.1";
	if (colon && (size_t)(colon - l) < sizeof host && strncmp(l, "0.0.0.0:", 8) != 0)
		snprintf(host, sizeof host, "%.*s", (int)(colon - l), l);
	/* Printed on stdout so that a newcomer sees it first. */
	printf("OffreAPI demo: open http://%s:%s/\n", host, colon ? colon + 1 : l);
	for (size_t i = 0; i < a->ndemo; i++)
		printf("  %-9s login \"%s\" password \"%s\"\n",
		       strcmp(a->demo[i].role, "role.recruiter") ? "candidate" : "recruiter",
		       a->demo[i].login, a->demo[i].password);
	fflush(stdout);
}
