/*
 * embed.c - a small C program embedding libofferapi.
 *
 * Opens (or creates) a store, signs up a recruiter and a candidate, publishes
 * an offer, applies to it with a PDF CV and prints the text the library
 * extracted from it.
 *
 *   cc embed.c $(pkg-config --cflags --libs offerapi) -o embed
 *   ./embed sqlite:/tmp/demo.db cv.pdf
 */
#include <stdio.h>
#include <stdlib.h>

#include <offerapi/offerapi.h>

/* Print the library's last error with what we were doing, and fail. */
static int die(const char *what)
{
	const offerapi_error *e = offerapi_error_last();
	fprintf(stderr, "embed: %s: %s (%s)\n", what, e->message, offerapi_strerror(e->code));
	return 1;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0, got;
	do {
		if (n == cap) {
			char *b = realloc(buf, cap = cap ? cap * 2 : 65536);
			if (!b) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = b;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	if (argc != 3 || argv[1][0] == '-') {
		fprintf(stderr,
		        "usage: %s DATABASE-URL CV.pdf\n"
		        "  e.g. %s sqlite:/tmp/demo.db cv.pdf\n",
		        argv[0], argv[0]);
		return argc == 2 ? 0 : 2;
	}
	size_t len;
	char *pdf = read_file(argv[2], &len);
	if (!pdf) {
		perror(argv[2]);
		return 1;
	}
	printf("libofferapi %s\n", offerapi_version());

	offerapi_store *store;
	if (offerapi_store_open(&store, argv[1], NULL) != 0)
		return die(argv[1]);

	offerapi_user *rec = NULL, *cand = NULL;
	int rc = 1;
	if (offerapi_user_create(store, "embed-recruiter", "Rita Recruiter", "a long password",
	                         OFFERAPI_ROLE_RECRUITER, &rec) != 0 ||
	    offerapi_user_create(store, "embed-candidate", "Carl Candidate", "another password",
	                         OFFERAPI_ROLE_CANDIDATE, &cand) != 0) {
		rc = die("creating the users (run it on a new database)");
		goto out;
	}

	const char *skills[] = { "C", "PostgreSQL" };
	const char *questions[] = { "When can you start?" };
	offerapi_offer_fields fields = {
		.version = OFFERAPI_OFFER_FIELDS_VERSION,
		.title = "C developer",
		.description = "Build a small, fast job board.",
		.location = "Paris",
		.skills = skills,
		.nskills = 2,
		.questions = questions,
		.nquestions = 1,
	};
	offerapi_id offer_id, app_id;
	if (offerapi_offer_create(store, rec, &fields, &offer_id) != 0) {
		rc = die("publishing the offer");
		goto out;
	}
	const char *answers[] = { "Monday" };
	offerapi_application_input in = {
		.version = OFFERAPI_APPLICATION_INPUT_VERSION,
		.filename = argv[2],
		.pdf = pdf,
		.pdf_len = len,
		.answers = answers,
		.nanswers = 1,
	};
	if (offerapi_application_submit(store, cand, offer_id, &in, &app_id) != 0) {
		rc = die(argv[2]);
		goto out;
	}

	/* the recruiter reads it back: permission rules live in the library */
	offerapi_application *app;
	if (offerapi_application_get(store, rec, app_id, &app) != 0) {
		rc = die("reading the application");
		goto out;
	}
	printf("offer %lld \"%s\": application %lld from %s (%zu bytes)\n", (long long)offer_id,
	       app->offer_title, (long long)app_id, app->candidate_name, app->pdf_size);
	printf("answer: %s -> %s\n", app->answers[0].question, app->answers[0].answer);
	printf("--- extracted text ---\n%s\n", app->cv_text);
	offerapi_application_free(app);
	rc = 0;
out:
	offerapi_user_free(rec);
	offerapi_user_free(cand);
	offerapi_store_free(store);
	free(pdf);
	return rc;
}
