/*
 * api_page.c - the one pagination scheme of every API list (offers, my
 * applications, an offer's dashboard): ?limit (1..OFFERAPI_PAGE_MAX) and
 * an opaque ?cursor (the library's keyset cursors, page.h); the answer
 * carries next, prev, limit and total in its body and the same cursors in
 * an RFC 8288 Link header (rel="next", rel="prev"). A query parameter the
 * list does not know is a 400 that lists the ones it knows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "i18n.h"

/* Whether the raw query name [@p, @p + @n) is "limit", "cursor" or in @known. */
static bool name_known(const char *p, size_t n, const char *const *known)
{
	static const char *const paging[] = { "limit", "cursor", NULL };
	for (const char *const *k = paging; *k; k++)
		if (strlen(*k) == n && !memcmp(*k, p, n))
			return true;
	for (const char *const *k = known; k && *k; k++)
		if (strlen(*k) == n && !memcmp(*k, p, n))
			return true;
	return false;
}

static json_t *allowed_names(const char *const *known)
{
	json_t *a = json_array();
	for (const char *const *k = known; k && *k; k++)
		json_array_append_new(a, json_string(*k));
	json_array_append_new(a, json_string("limit"));
	json_array_append_new(a, json_string("cursor"));
	return a;
}

/* Every parameter of the query that the list does not know: one error
 * each (at most 8), with the allowed names. */
static json_t *unknown_params(req *r, const char *const *known)
{
	json_t *errs = json_array();
	const char *p = r->query, *end = r->query + strlen(r->query);
	while (p < end && json_array_size(errs) < 8) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		size_t n = (size_t)((eq ? eq : stop) - p);
		if (n > 0 && !name_known(p, n, known)) {
			char name[48];
			/* the name is shown as sent, cut and with bytes outside
			 * printable ASCII replaced: it goes into JSON text */
			size_t k = 0;
			for (; k < n && k + 1 < sizeof name; k++)
				name[k] = p[k] > 0x20 && p[k] < 0x7f ? p[k] : '?';
			name[k] = '\0';
			problem_add(r, errs, name, "field.unknown_param");
			json_object_set_new(json_array_get(errs, json_array_size(errs) - 1),
			                    "allowed", allowed_names(known));
		}
		p = stop + 1;
	}
	return errs;
}

static bool cursor_chars_ok(const char *c)
{
	size_t n = strlen(c);
	return n > 0 &&
	       strspn(c, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == n;
}

bool api_page_query(req *r, const char *const *known, offerapi_page *page,
                    char cursor[OFFERAPI_CURSOR_MAX])
{
	*page = (offerapi_page)OFFERAPI_PAGE_INIT;
	json_t *errs = unknown_params(r, known);
	char lim[16];
	int l = query_var(r, "limit", lim, sizeof lim);
	int c = query_var(r, "cursor", cursor, OFFERAPI_CURSOR_MAX);
	if (l >= 0) {
		char *end;
		long v = strtol(lim, &end, 10);
		if (!lim[0] || *end || lim[0] == '-' || lim[0] == '+' || v < 1 ||
		    v > OFFERAPI_PAGE_MAX)
			problem_add(r, errs, "limit", "field.limit");
		else
			page->limit = (size_t)v;
	} else if (l != -1) {
		problem_add(r, errs, "limit", "field.limit");
	}
	if (c >= 0 && cursor_chars_ok(cursor))
		page->cursor = cursor;
	else if (c != -1)
		problem_add(r, errs, "cursor", "field.cursor");
	if (json_array_size(errs)) {
		respond_problem(r, 400, "invalid", T(r, "problem.bad_query"), errs);
		return false;
	}
	json_decref(errs);
	if (!page->limit)
		page->limit = OFFERAPI_PAGE_DEFAULT;
	return true;
}

/* A cursor the library refused (OFFERAPI_EINVAL: it does not parse or is
 * another list's): 400 on the parameter, the library's line in English. */
void api_page_bad_cursor(req *r)
{
	const char *why = offerapi_error_last()->message;
	json_t *errs = json_array();
	json_array_append_new(errs,
	                      json_pack("{s:s,s:s}", "parameter", "cursor", "detail",
	                                r->lang == LANG_EN && why[0] ? why : T(r, "field.cursor")));
	respond_problem(r, 400, "invalid", T(r, "problem.bad_query"), errs);
}

bool api_page_failed(req *r, int rc, const offerapi_page *page)
{
	if (rc == 0)
		return false;
	if (rc == OFFERAPI_EINVAL && page->cursor)
		api_page_bad_cursor(r);
	else
		api_fail(r, rc, false);
	return true;
}

/* The link to this list with ?cursor=@cursor: the request's path and
 * query, its own cursor left out. Empty when it does not fit. */
static void page_url(req *r, const char *cursor, char *out, size_t n)
{
	size_t len = (size_t)snprintf(out, n, "%s?", r->path);
	const char *p = r->query, *end = r->query + strlen(r->query);
	while (p < end && len < n) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		size_t sn = (size_t)(stop - p);
		bool own = (sn >= 7 && !strncmp(p, "cursor=", 7)) ||
		           (sn == 6 && !strncmp(p, "cursor", 6));
		if (sn > 0 && !own)
			len += (size_t)snprintf(out + len, n - len, "%.*s&", (int)sn, p);
		p = stop + 1;
	}
	if (len < n)
		len += (size_t)snprintf(out + len, n - len, "cursor=%s", cursor);
	if (len >= n)
		out[0] = '\0';
}

void api_page_answer(req *r, json_t *out, const char *next, const char *prev, size_t limit,
                     int64_t total)
{
	if (!out)
		return;
	json_object_set_new(out, "next", next ? json_string(next) : json_null());
	json_object_set_new(out, "prev", prev ? json_string(prev) : json_null());
	json_object_set_new(out, "limit", json_integer((json_int_t)limit));
	json_object_set_new(out, "total", total >= 0 ? json_integer(total) : json_null());
	char link[2][1200];
	link[0][0] = link[1][0] = '\0';
	if (next)
		page_url(r, next, link[0], sizeof link[0]);
	if (prev)
		page_url(r, prev, link[1], sizeof link[1]);
	/* one header, both links (RFC 8288 section 3); a link too long for the
	 * response's header room is left out (the body always has the cursor) */
	if (link[0][0] && link[1][0])
		req_header(r, "Link: <%s>; rel=\"next\", <%s>; rel=\"prev\"", link[0], link[1]);
	else if (link[0][0] || link[1][0])
		req_header(r, "Link: <%s>; rel=\"%s\"", link[0][0] ? link[0] : link[1],
		           link[0][0] ? "next" : "prev");
}

bool api_list_query(req *r, int role, api_list *q)
{
	if (!api_page_query(r, NULL, &q->page, q->cursor) || (role && !api_need(r, role)))
		return false;
	q->page.flags = OFFERAPI_PAGE_TOTAL;
	return true;
}

void api_list_send(req *r, const api_list *q, json_t *out, const char *next, const char *prev,
                   int64_t total)
{
	api_page_answer(r, out, next, prev, q->page.limit, total);
	respond_json(r, 200, out);
}
