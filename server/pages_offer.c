/*
 * pages_offer.c - the home page (open offers, search) and the recruiter's
 * pages to publish, edit, close and reopen an offer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pages.h"

#define HOME_PAGE_SIZE 50

/* An offer in a list. Called 50 to 100 times a home page: built with
 * buf_puts and buf_int, not buf_printf (a fifth of the page's cost). */
static void offer_card(req *r, buf *b, const offerapi_offer *o, bool owner)
{
	char d[DATE_STR_MAX];
	date_str(r, d, sizeof d, o->published_at);
	buf_puts(b, "<article class=\"card\"><h2><a href=\"/offers/");
	buf_int(b, (long long)o->id);
	buf_puts(b, "\">");
	buf_esc(b, o->title);
	buf_puts(b, "</a></h2><p class=\"meta\">");
	if (o->location && *o->location) {
		buf_puts(b, "<span class=\"loc\">");
		buf_esc(b, o->location);
		buf_puts(b, "</span> · ");
	}
	buf_esc(b, *o->recruiter_name ? o->recruiter_name : T(r, "offer.former_recruiter"));
	buf_puts(b, " · ");
	buf_puts(b, d);
	if (!o->is_open) {
		buf_puts(b, " · <strong class=\"closed\">");
		buf_puts(b, T(r, "offer.closed"));
		buf_puts(b, "</strong>");
	}
	buf_puts(b, "</p>");
	offer_facts(r, b, o);
	if (o->snippet) {
		buf_puts(b, "<p class=\"snippet\">");
		buf_snippet(b, o->snippet);
		buf_puts(b, "</p>");
	}
	if (o->nskills) {
		buf_puts(b, "<ul class=\"chips\">");
		for (size_t i = 0; i < o->nskills; i++) {
			buf_puts(b, "<li>");
			buf_esc(b, o->skills[i]);
			buf_puts(b, "</li>");
		}
		buf_puts(b, "</ul>");
	}
	if (owner) {
		buf_puts(b, "<p class=\"actions\"><a href=\"/offers/");
		buf_int(b, (long long)o->id);
		buf_puts(b, "/dashboard\">");
		buf_puts(b, T(r, "offer.dashboard"));
		if (o->napplications >= 0) { /* counted in "my offers" only */
			buf_puts(b, " (");
			buf_int(b, (long long)o->napplications);
			buf_puts(b, ")");
		}
		buf_puts(b, "</a> <a href=\"/offers/");
		buf_int(b, (long long)o->id);
		buf_puts(b, "/edit\">");
		buf_puts(b, T(r, "offer.edit"));
		buf_puts(b, "</a></p>");
	}
	buf_puts(b, "</article>");
}

/* The home page's search and page, from the query string. */
typedef struct home_search {
	char q[512], loc[OFFERAPI_LOCATION_MAX + 1], skill[OFFERAPI_SKILL_MAX + 1];
	char contract[24], remote[16], floor[16]; /* the filters (pages_offer_fields.c) */
	long page; /* the old ?page=N, still understood */
	char cursor[OFFERAPI_CURSOR_MAX], mine[OFFERAPI_CURSOR_MAX]; /* pages by key */
} home_search;

/* Read the search from the query string into @p s. Returns NULL, or the
 * i18n key of the 400 answer's message. */
static const char *home_parse(req *r, home_search *s)
{
	*s = (home_search){ .page = 1 };
	size_t ql = strlen(r->query);
	int vq = form_var(r->query, ql, "q", s->q, sizeof s->q);
	int vl = form_var(r->query, ql, "location", s->loc, sizeof s->loc);
	int vs = form_var(r->query, ql, "skill", s->skill, sizeof s->skill);
	if (vq == -2 || vl == -2 || vs == -2)
		return "err.search_too_long";
	if (vq == -3 || vl == -3 || vs == -3)
		return "err.bad_form";
	if (!oa_utf8_valid(s->q, strlen(s->q)) || !oa_utf8_valid(s->loc, strlen(s->loc)) ||
	    !oa_utf8_valid(s->skill, strlen(s->skill)))
		return "err.utf8";
	if (form_var(r->query, ql, "contract", s->contract, sizeof s->contract) < -1 ||
	    form_var(r->query, ql, "remote", s->remote, sizeof s->remote) < -1 ||
	    form_var(r->query, ql, "salary_floor", s->floor, sizeof s->floor) < -1)
		return "err.bad_filter";
	offerapi_offer_query scratch = OFFERAPI_OFFER_QUERY_INIT;
	const char *bad = rich_filter_parse(s->contract, s->remote, s->floor, &scratch);
	if (bad)
		return bad;
	char pg[12] = "";
	if (form_var(r->query, ql, "page", pg, sizeof pg) >= 0 && pg[0]) {
		char *end;
		s->page = strtol(pg, &end, 10);
		if (*end || s->page < 1 || s->page > 10000)
			return "err.page";
	}
	int cn = form_var(r->query, ql, "cursor", s->cursor, sizeof s->cursor);
	int mn = form_var(r->query, ql, "mine", s->mine, sizeof s->mine);
	if (cn == -2 || cn == -3 || mn == -2 || mn == -3)
		return "err.page";
	return NULL;
}

/* Links to the pages before and after @l by key (?@param=cursor), keeping
 * the search @s (NULL: none), URL-encoded then HTML-escaped. A last page has
 * no next cursor, so "next" never leads to an empty page. */
static void home_pager(req *r, buf *b, const offerapi_offer_list *l, const char *param,
                       const home_search *s)
{
	if (!l->prev && !l->next)
		return;
	const char *names[] = { "q", "location", "skill", "contract", "remote", "salary_floor" };
	const char *values[] = { s ? s->q : "",        s ? s->loc : "",    s ? s->skill : "",
		                 s ? s->contract : "", s ? s->remote : "", s ? s->floor : "" };
	buf_puts(b, "<nav class=\"pages\">");
	for (int k = 0; k < 2; k++) {
		const char *c = k == 0 ? l->prev : l->next;
		if (!c)
			continue;
		buf_puts(b, "<a href=\"/?");
		for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
			if (i >= 3 && !*values[i])
				continue; /* the filters only when set */
			char enc[1536];
			mg_url_encode(values[i], enc, sizeof enc);
			buf_printf(b, "%s%s=", i ? "&amp;" : "", names[i]);
			buf_esc(b, enc);
		}
		buf_printf(b, "&amp;%s=", param);
		buf_esc(b, c); /* [A-Za-z0-9.-] (page.h) */
		buf_printf(b, "\" rel=\"%s\">%s</a> ", k == 0 ? "prev" : "next",
		           T(r, k == 0 ? "home.prev" : "home.next"));
	}
	buf_puts(b, "</nav>");
}

/* A recruiter's own offers, open and closed, above the search. */
static void home_mine(req *r, buf *b, const offerapi_offer_list *mine)
{
	/* one h1 a page: the board's title below is the page's */
	buf_printf(b, "<section><h2>%s</h2>", T(r, "home.mine"));
	if (!mine->count)
		buf_printf(b, "<p>%s <a href=\"/offers/new\">%s</a></p>", T(r, "home.mine_none"),
		           T(r, "nav.publish"));
	for (size_t i = 0; i < mine->count; i++)
		offer_card(r, b, &mine->items[i], true);
	home_pager(r, b, mine, "mine", NULL);
	buf_puts(b, "</section>");
}

/* The offers matching @p s: by key, or by the old ?page=N offset. */
static int home_list(req *r, const home_search *s, offerapi_offer_list **list)
{
	offerapi_offer_query query = OFFERAPI_OFFER_QUERY_INIT;
	query.words = s->q[0] ? s->q : NULL;
	query.location = s->loc[0] ? s->loc : NULL;
	query.skill = s->skill[0] ? s->skill : NULL;
	rich_filter_parse(s->contract, s->remote, s->floor, &query); /* checked by home_parse */
	if (s->page > 1 && !s->cursor[0]) {
		query.limit = HOME_PAGE_SIZE;
		query.offset = (size_t)(s->page - 1) * HOME_PAGE_SIZE;
		return offerapi_offer_search(r->app->store, &query, list);
	}
	offerapi_page pq = OFFERAPI_PAGE_INIT;
	pq.limit = HOME_PAGE_SIZE;
	pq.cursor = s->cursor[0] ? s->cursor : NULL;
	return offerapi_offer_list_page(r->app->store, &query, &pq, list);
}

/* A recruiter's own offers, open and closed, newest first, by key. */
static int home_list_mine(req *r, const home_search *s, offerapi_offer_list **mine)
{
	offerapi_offer_query mq = OFFERAPI_OFFER_QUERY_INIT;
	mq.recruiter_id = r->user->id;
	mq.include_closed = 1;
	/* beside each dashboard link; not on the board below, where counting
	 * every application of 50 offers would cost more than the page */
	mq.flags = OFFERAPI_OFFER_COUNTS;
	offerapi_page mp = OFFERAPI_PAGE_INIT;
	mp.limit = HOME_PAGE_SIZE;
	mp.cursor = s->mine[0] ? s->mine : NULL;
	return offerapi_offer_list_page(r->app->store, &mq, &mp, mine);
}

void page_home(req *r)
{
	home_search s;
	const char *bad = home_parse(r, &s);
	if (bad) {
		page_error(r, 400, T(r, bad));
		return;
	}
	offerapi_offer_list *list = NULL, *mine = NULL;
	int rc = home_list(r, &s, &list);
	if ((rc == OFFERAPI_ETOOBIG || (rc == OFFERAPI_EINVAL && !s.cursor[0])) && s.q[0]) {
		/* the words are bounded (200 bytes, 8 words): say which bound */
		page_error(
			r, 400,
			T(r, rc == OFFERAPI_ETOOBIG ? "err.search_too_long" : "err.search_words"));
		return;
	}
	if (rc >= 0 && r->user && r->user->role == OFFERAPI_ROLE_RECRUITER)
		rc = home_list_mine(r, &s, &mine);
	if (rc < 0) {
		offerapi_offer_list_free(list);
		page_fail(r, rc);
		return;
	}
	buf b;
	/* a page of 50 cards is about 15 KiB, with "my offers" 40: grown
	 * once at most */
	buf_init(&b, mine ? 49152 : 20480);
	page_start(r, &b, T(r, "home.title"));
	demo_banner(r, &b);
	if (mine)
		home_mine(r, &b, mine);
	buf_printf(&b, "<section><h1>%s</h1>", T(r, "home.title"));
	buf_puts(&b, "<form class=\"search\" method=\"get\" action=\"/\" role=\"search\">");
	/* each label with its field, a cell of the form's grid */
	buf_puts(&b, "<div>");
	field(&b, "search", "q", T(r, "search.words"), s.q, "maxlength=\"500\"");
	buf_puts(&b, "</div><div>");
	field(&b, "text", "location", T(r, "search.location"), s.loc, "maxlength=\"200\"");
	buf_puts(&b, "</div><div>");
	field(&b, "text", "skill", T(r, "search.skill"), s.skill, "maxlength=\"80\"");
	buf_puts(&b, "</div>");
	rich_filter_fields(r, &b, s.contract, s.remote, s.floor);
	buf_printf(&b, "<button type=\"submit\">%s</button></form>", T(r, "search.go"));
	if (list->any_words)
		buf_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>",
		           T(r, "search.some_words"));
	if (!list->count)
		buf_printf(&b, "<p class=\"empty\">%s</p>", T(r, "home.none"));
	for (size_t i = 0; i < list->count; i++)
		offer_card(r, &b, &list->items[i],
		           r->user && list->items[i].recruiter_id == r->user->id);
	home_pager(r, &b, list, "cursor", &s);
	buf_puts(&b, "</section>");
	offerapi_offer_list_free(list);
	offerapi_offer_list_free(mine);
	page_send(r, 200, &b);
}

/* Store @t, trimmed of spaces, as the next item unless it is empty. */
static void list_item(char *t, char **items, size_t max, size_t *n)
{
	while (*t == ' ' || *t == '\t' || *t == '\r')
		t++;
	size_t l = strlen(t);
	while (l && (t[l - 1] == ' ' || t[l - 1] == '\t' || t[l - 1] == '\r'))
		t[--l] = '\0';
	if (!l)
		return;
	if (*n < max)
		items[*n] = t;
	(*n)++;
}

/* Whether every bracket opened in @line closes in it, in order. */
static bool brackets_close(const char *line)
{
	int depth = 0;
	for (; *line; line++) {
		if (*line == '(' || *line == '[')
			depth++;
		else if ((*line == ')' || *line == ']') && depth > 0)
			depth--;
	}
	return depth == 0;
}

/* Split @copy in place into lines, and each line at @item_sep when
 * @item_sep is not 0; items are trimmed of spaces and empty ones dropped.
 * A separator inside brackets that close on the same line does not split:
 * "Calage (encrage, mouillage)" is one skill, as the recruiter wrote it; a
 * line whose brackets never close splits at every separator. Returns the
 * number of items found, which may exceed @max (only @max are stored): the
 * caller refuses too many. */
static size_t split_list(char *copy, char item_sep, char **items, size_t max)
{
	size_t n = 0;
	char *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		bool nest = item_sep && brackets_close(line);
		int depth = 0;
		char *start = line;
		for (char *c = line; item_sep && *c; c++) {
			if (nest && (*c == '(' || *c == '['))
				depth++;
			else if (nest && (*c == ')' || *c == ']') && depth > 0)
				depth--;
			else if (*c == item_sep && depth == 0) {
				*c = '\0';
				list_item(start, items, max, &n);
				start = c + 1;
			}
		}
		list_item(start, items, max, &n);
	}
	return n;
}

static void textarea_ex(req *r, buf *b, const char *name, const char *label_key, const char *value,
                        const char *attrs, const field_errs *errs)
{
	const char *err = ferr_get(errs, name);
	field_open(b, "textarea", name, T(r, label_key), err, NULL);
	buf_printf(b, " %s>", attrs);
	buf_esc(b, value ? value : "");
	buf_puts(b, "</textarea>");
	field_notes(b, name, err, NULL);
}

/* How the recruiter hears of new applications: three radios, @notify
 * checked ("each" when unknown). */
static void notify_fieldset(req *r, buf *b, const char *notify, const field_errs *errs)
{
	static const char *const names[] = { "each", "daily", "none" };
	offerapi_notify n = OFFERAPI_NOTIFY_EACH;
	if (notify && offerapi_notify_parse(notify, &n) < 0)
		n = OFFERAPI_NOTIFY_EACH;
	const char *err = ferr_get(errs, "notify");
	buf_printf(b, "<fieldset%s><legend>%s</legend>",
	           err ? " aria-describedby=\"e-notify\"" : "", T(r, "field.notify"));
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char key[32];
		snprintf(key, sizeof key, "notify.%s", names[i]);
		/* the first radio carries the id the error summary links to */
		buf_printf(b,
		           "<label class=\"check\"><input type=\"radio\"%s name=\"notify\" "
		           "value=\"%s\"%s> %s</label>",
		           i ? "" : " id=\"f-notify\"", names[i],
		           (int)i + 1 == (int)n ? " checked" : "", T(r, key));
	}
	field_notes(b, "notify", err, NULL);
	buf_puts(b, "</fieldset>");
}

/* What the offer form shows. */
typedef struct offer_values {
	const char *title, *desc, *loc, *skills, *questions, *notify;
	offer_rich_values rich; /* company, contract, remote, salary, deadline */
} offer_values;

static void offer_form(req *r, int status, const char *err, const field_errs *errs,
                       const char *action, const offer_values *v, const char *heading)
{
	buf b;
	form_page_start(r, &b, heading, err, errs, action);
	field_ex(&b, "text", "title", T(r, "field.title"), v->title, "required maxlength=\"200\"",
	         errs, NULL);
	rich_form_fields(r, &b, &v->rich, errs);
	textarea_ex(r, &b, "description", "field.description", v->desc,
	            "rows=\"8\" required maxlength=\"20000\"", errs);
	field_ex(&b, "text", "location", T(r, "field.location"), v->loc, "maxlength=\"200\"", errs,
	         NULL);
	field_ex(&b, "text", "skills", T(r, "field.skills"), v->skills, "maxlength=\"4000\"", errs,
	         NULL);
	textarea_ex(r, &b, "questions", "field.questions", v->questions,
	            "rows=\"4\" maxlength=\"10000\"", errs);
	notify_fieldset(r, &b, v->notify, errs);
	buf_printf(&b, "<button type=\"submit\">%s</button></form></section>", T(r, "offer.save"));
	page_send(r, status, &b);
}

void page_offer_new(req *r)
{
	if (!need_role(r, OFFERAPI_ROLE_RECRUITER))
		return;
	offer_values v = { "", "", "", "", "", "each", { 0 } };
	rich_values_from_offer(NULL, &v.rich);
	offer_form(r, 200, NULL, NULL, "/offers", &v, T(r, "offer.new"));
}

/* Fill @fields from the form; the arrays point into @skcopy/@qcopy. Every
 * rule the library would refuse is said in @e, all at once. Returns false
 * when out of memory. */
static bool offer_fields_from_form(req *r, const form *f, bool create,
                                   offerapi_offer_fields *fields, char **skcopy, char **qcopy,
                                   char **sk, char **qs, field_errs *e)
{
	*fields = (offerapi_offer_fields){ .version = OFFERAPI_OFFER_FIELDS_VERSION };
	fields->title = form_get(f, "title");
	fields->description = form_get(f, "description");
	fields->location = form_get(f, "location");
	*skcopy = strdup(form_get(f, "skills") ? form_get(f, "skills") : "");
	*qcopy = strdup(form_get(f, "questions") ? form_get(f, "questions") : "");
	if (!*skcopy || !*qcopy)
		return false;
	fields->nskills = split_list(*skcopy, ',', sk, OFFERAPI_SKILLS_MAX);
	fields->nquestions = split_list(*qcopy, 0, qs, OFFERAPI_QUESTIONS_MAX);
	fields->skills = (const char *const *)sk;
	fields->questions = (const char *const *)qs;
	ferr_text(r, e, "title", "field.title", fields->title, 1, OFFERAPI_TITLE_MAX, false);
	rich_from_form(r, f, create, fields, e);
	ferr_text(r, e, "description", "field.description", fields->description, 1,
	          OFFERAPI_DESCRIPTION_MAX, true);
	ferr_text(r, e, "location", "field.location", fields->location, 0, OFFERAPI_LOCATION_MAX,
	          false);
	const char *notify = form_get(f, "notify"); /* absent: "each" on create, else kept */
	if (notify && offerapi_notify_parse(notify, &fields->notify) < 0)
		ferr_add(r, e, "notify", "field.notify", "ferr.notify");
	if (fields->nskills > OFFERAPI_SKILLS_MAX)
		ferr_add(r, e, "skills", "field.skills", "ferr.too_many", OFFERAPI_SKILLS_MAX);
	for (size_t i = 0; i < fields->nskills && i < OFFERAPI_SKILLS_MAX; i++)
		if (strlen(sk[i]) > OFFERAPI_SKILL_MAX) {
			ferr_add(r, e, "skills", "field.skills", "ferr.max", OFFERAPI_SKILL_MAX);
			break;
		}
	if (fields->nquestions > OFFERAPI_QUESTIONS_MAX)
		ferr_add(r, e, "questions", "field.questions", "ferr.too_many",
		         OFFERAPI_QUESTIONS_MAX);
	for (size_t i = 0; i < fields->nquestions && i < OFFERAPI_QUESTIONS_MAX; i++)
		if (strlen(qs[i]) > OFFERAPI_QUESTION_MAX) {
			ferr_add(r, e, "questions", "field.questions", "ferr.max",
			         OFFERAPI_QUESTION_MAX);
			break;
		}
	return true;
}

/* Publish (@create) or update offer r->id from the posted form; a refused
 * form comes back with what was typed and the message. */
static void offer_save(req *r, bool create)
{
	if (!need_role(r, OFFERAPI_ROLE_RECRUITER))
		return;
	offerapi_offer *own = NULL;
	int rc = create ? 0 : svc_offer_own(r, &own);
	offerapi_offer_free(own);
	form f;
	if (rc) {
		page_fail(r, rc);
		return;
	}
	if (!page_form(r, &f, 0))
		return;
	offerapi_offer_fields fields;
	char *skc = NULL, *qc = NULL, *sk[OFFERAPI_SKILLS_MAX], *qs[OFFERAPI_QUESTIONS_MAX];
	field_errs errs = { 0 };
	offerapi_id id = r->id;
	if (!offer_fields_from_form(r, &f, create, &fields, &skc, &qc, sk, qs, &errs))
		rc = svc_fail(OFFERAPI_ENOMEM, "err.internal");
	else if (errs.n)
		rc = OFFERAPI_EINVAL;
	else
		rc = create ? svc_offer_create(r, &fields, &id, NULL)
		            : svc_offer_update(r, &fields, NULL);
	if (rc == 0) {
		char loc[64];
		snprintf(loc, sizeof loc, "/offers/%lld", (long long)id);
		respond_redirect(r, loc);
	} else {
		http_error e;
		http_error_for(r, rc, false, &e);
		char action[64] = "/offers";
		if (!create)
			snprintf(action, sizeof action, "/offers/%lld/edit", (long long)r->id);
		offer_values v = { form_get(&f, "title"),
			           form_get(&f, "description"),
			           form_get(&f, "location"),
			           form_get(&f, "skills"),
			           form_get(&f, "questions"),
			           form_get(&f, "notify"),
			           { 0 } };
		rich_values_from_form(&f, &v.rich);
		if (e.status >= 500 || e.status == 403 || e.status == 404)
			page_error(r, e.status, e.message);
		else
			offer_form(r, e.status,
			           errs.n ? NULL
			           : e.message == offerapi_error_last()->message
			                   ? T(r, "err.check_form")
			                   : e.message,
			           &errs, action, &v, T(r, create ? "offer.new" : "offer.edit"));
	}
	free(skc);
	free(qc);
	form_free(&f);
}

void page_offer_create(req *r)
{
	offer_save(r, true);
}

static void join_lines(buf *b, char **items, size_t n, const char *sep)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(b, sep);
		buf_puts(b, items[i]);
	}
}

void page_offer_edit(req *r)
{
	offerapi_offer *o = NULL;
	int rc = svc_offer_own(r, &o);
	if (rc) {
		page_fail(r, rc);
		return;
	}
	buf sk, qs;
	buf_init(&sk, 256);
	buf_init(&qs, 256);
	join_lines(&sk, o->skills, o->nskills, ", ");
	join_lines(&qs, o->questions, o->nquestions, "\n");
	char action[64];
	snprintf(action, sizeof action, "/offers/%lld/edit", (long long)o->id);
	offer_values v = { o->title, o->description, o->location,
		           sk.p,     qs.p,           offerapi_notify_name(o->notify),
		           { 0 } };
	rich_values_from_offer(o, &v.rich);
	offer_form(r, 200, NULL, NULL, action, &v, T(r, "offer.edit"));
	buf_free(&sk);
	buf_free(&qs);
	offerapi_offer_free(o);
}

void page_offer_update(req *r)
{
	offer_save(r, false);
}

/* POST /offers/{id}/reopen. */
static void offer_set_open(req *r, int open)
{
	if (!need_role(r, OFFERAPI_ROLE_RECRUITER))
		return;
	form f;
	if (!page_form(r, &f, 0))
		return;
	form_free(&f);
	int rc = svc_offer_set_open(r, open, NULL);
	if (rc < 0) {
		page_fail(r, rc);
		return;
	}
	char loc[64];
	snprintf(loc, sizeof loc, "/offers/%lld", (long long)r->id);
	respond_redirect(r, loc);
}

/* GET /offers/{id}/close: what closing does, asked before it is done:
 * keep the applications for later, or reject the open ones (a reason,
 * told to each candidate by e-mail). */
void page_offer_close_confirm(req *r)
{
	if (!need_role(r, OFFERAPI_ROLE_RECRUITER))
		return;
	offerapi_offer *o = NULL;
	int rc = svc_offer_own(r, &o);
	if (rc) {
		page_fail(r, rc);
		return;
	}
	buf b;
	char action[64];
	snprintf(action, sizeof action, "/offers/%lld/close", (long long)o->id);
	form_page_start(r, &b, T(r, "close.title"), NULL, NULL, action);
	buf_puts(&b, "<p><strong>");
	buf_esc(&b, o->title);
	buf_printf(&b, "</strong></p><p>%s</p>", T(r, "close.intro"));
	buf_printf(&b,
	           "<fieldset><legend>%s</legend>"
	           "<label class=\"check\"><input type=\"radio\" name=\"applications\" "
	           "value=\"keep\" checked> %s</label>"
	           "<label class=\"check\"><input type=\"radio\" name=\"applications\" "
	           "value=\"reject\"> %s</label></fieldset>",
	           T(r, "close.what"), T(r, "close.keep"), T(r, "close.reject"));
	buf_printf(&b, "<fieldset><legend>%s</legend>", T(r, "close.if_reject"));
	reason_fields(r, &b, "close", OFFERAPI_REASON_POSITION_FILLED, true);
	buf_printf(&b,
	           "</fieldset><button type=\"submit\">%s</button> <a href=\"/offers/%lld\">%s</a>"
	           "</form></section>",
	           T(r, "offer.close"), (long long)o->id, T(r, "close.cancel"));
	offerapi_offer_free(o);
	page_send(r, 200, &b);
}

/* POST /offers/{id}/close: applications=keep (or absent) or reject (with
 * reason, reason_text, show_reason); then back to the offer's page, which
 * says what was done. */
void page_offer_close(req *r)
{
	if (!need_role(r, OFFERAPI_ROLE_RECRUITER))
		return;
	form f;
	if (!page_form(r, &f, 0))
		return;
	const char *what = form_get(&f, "applications"), *show = form_get(&f, "show_reason");
	bool reject = what && !strcmp(what, "reject");
	size_t rejected = 0;
	int rc = reject ? svc_offer_close_rejecting(r, form_get(&f, "reason"),
	                                            form_get(&f, "reason_text"),
	                                            show && !strcmp(show, "1"), &rejected, NULL)
	                : svc_offer_set_open(r, 0, NULL);
	form_free(&f);
	if (rc < 0) {
		page_fail(r, rc);
		return;
	}
	/* back to the offer, which says what was done */
	char loc[96];
	if (reject)
		snprintf(loc, sizeof loc, "/offers/%lld?rejected=%zu", (long long)r->id, rejected);
	else
		snprintf(loc, sizeof loc, "/offers/%lld?closed=1", (long long)r->id);
	respond_redirect(r, loc);
}

void page_offer_reopen(req *r)
{
	offer_set_open(r, 1);
}
