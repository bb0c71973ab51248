/*
 * pages_token.c - /me/tokens: personal access tokens for integrations
 * (offerapi/token.h), made, listed and revoked by their owner. A new
 * token is shown once, in the answer to the form (never in an address).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "app.h"
#include "i18n.h"
#include "pages.h"
#include "svc.h"

/* The scopes as the form names them, and their labels. */
static const char *const scope_keys[] = { "scope.offers_read", "scope.offers_write",
	                                  "scope.applications_read", "scope.applications_write" };
#define NSCOPES (sizeof scope_keys / sizeof *scope_keys)

/* The choices of the expiry, in days (0: never). */
static const int expiry_days[] = { 30, 90, 365, 0 };

static void token_row(req *r, buf *b, const offerapi_pat *t)
{
	char c[DATE_STR_MAX], u[DATE_STR_MAX], e[DATE_STR_MAX];
	date_str(r, c, sizeof c, t->created_at);
	snprintf(u, sizeof u, "%s", T(r, "tokens.never_used"));
	if (t->last_used_at)
		date_str(r, u, sizeof u, t->last_used_at);
	snprintf(e, sizeof e, "%s", T(r, "tokens.no_end"));
	if (t->expires_at)
		date_str(r, e, sizeof e, t->expires_at);
	/* data-label: the column's name, beside the value when the rows are
	 * stacked on a phone */
	buf_printf(b, "<tr><td data-label=\"%s\">", T(r, "tokens.name"));
	buf_esc(b, t->name);
	buf_printf(b, "</td><td data-label=\"%s\">", T(r, "tokens.scopes"));
	for (size_t i = 0; i < NSCOPES; i++)
		if (t->scopes & (1u << i))
			buf_printf(b, "<code>%s</code> ", offerapi_scope_name(1u << i));
	buf_printf(b,
	           "</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
	           "<td data-label=\"%s\">%s</td><td data-label=\"%s\"><form method=\"post\" "
	           "action=\"/me/tokens/%lld/revoke\" class=\"inline\">",
	           T(r, "tokens.created"), c, T(r, "tokens.last_used"), u, T(r, "tokens.expires"),
	           e, T(r, "sessions.action"), (long long)t->id);
	hidden_csrf(r, b);
	buf_printf(b, "<button type=\"submit\" aria-label=\"%s ", T(r, "tokens.revoke"));
	buf_esc(b, t->name);
	buf_printf(b, "\">%s</button></form></td></tr>", T(r, "tokens.revoke"));
}

/* The page: @made (a new token to show once, or NULL), the form with its
 * errors and what was typed, then the live tokens. */
static void tokens_page(req *r, int status, const char *made, const char *err,
                        const field_errs *errs, const form *typed)
{
	offerapi_pat_list *l = NULL;
	int rc = svc_tokens(r, NULL, &l);
	if (rc) {
		page_fail(r, rc);
		return;
	}
	buf b;
	form_page_start(r, &b, T(r, "tokens.title"), err, errs, "/me/tokens");
	if (made) {
		buf_printf(&b,
		           "<div class=\"alert ok\" role=\"status\"><p>%s</p>"
		           "<p><label for=\"new-token\">%s</label> <input id=\"new-token\" "
		           "type=\"text\" readonly value=\"%s\" size=\"40\" spellcheck=\"false\" "
		           "autocomplete=\"off\"></p></div>",
		           T(r, "tokens.made"), T(r, "tokens.secret"), made);
	}
	alert_done(r, &b, "revoked=1", "tokens.revoked");
	buf_printf(&b, "<p>%s</p>", T(r, "tokens.intro"));
	const char *name = typed ? form_get(typed, "name") : NULL;
	field_ex(&b, "text", "name", T(r, "tokens.name"), name ? name : "",
	         "required maxlength=\"100\"", errs, T(r, "tokens.name_hint"));
	const char *serr = ferr_get(errs, "scopes");
	buf_printf(&b, "<fieldset id=\"f-scopes\"%s><legend>%s</legend>",
	           serr ? " aria-describedby=\"e-scopes\"" : "", T(r, "tokens.scopes"));
	if (serr)
		buf_printf(&b, "<p class=\"error\" id=\"e-scopes\">%s</p>", serr);
	for (size_t i = 0; i < NSCOPES; i++) {
		const char *sname = offerapi_scope_name(1u << i);
		bool on = typed && form_get(typed, sname);
		buf_printf(&b,
		           "<label class=\"check\"><input type=\"checkbox\" name=\"%s\" "
		           "value=\"1\"%s> <code>%s</code> %s</label>",
		           sname, on ? " checked" : "", sname, T(r, scope_keys[i]));
	}
	buf_printf(
		&b,
		"</fieldset><label for=\"f-days\">%s</label><select id=\"f-days\" name=\"days\">",
		T(r, "tokens.expiry"));
	for (size_t i = 0; i < sizeof expiry_days / sizeof *expiry_days; i++) {
		char label[64];
		if (expiry_days[i])
			TF(r, label, sizeof label, "tokens.days", expiry_days[i]);
		else
			snprintf(label, sizeof label, "%s", T(r, "tokens.no_end"));
		buf_printf(&b, "<option value=\"%d\"%s>%s</option>", expiry_days[i],
		           expiry_days[i] == 90 ? " selected" : "", label);
	}
	buf_printf(&b, "</select><button type=\"submit\">%s</button></form>",
	           T(r, "tokens.create"));
	buf_printf(&b, "<h2>%s</h2>", T(r, "tokens.live"));
	if (!l->count)
		buf_printf(&b, "<p class=\"empty\">%s</p>", T(r, "tokens.none"));
	else
		buf_printf(&b,
		           "<div class=\"scroll\"><table class=\"stack\"><thead><tr><th>%s</th>"
		           "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead>"
		           "<tbody>",
		           T(r, "tokens.name"), T(r, "tokens.scopes"), T(r, "tokens.created"),
		           T(r, "tokens.last_used"), T(r, "tokens.expires"),
		           T(r, "sessions.action"));
	for (size_t i = 0; i < l->count; i++)
		token_row(r, &b, &l->items[i]);
	buf_puts(&b, l->count ? "</tbody></table></div></section>" : "</section>");
	offerapi_pat_list_free(l);
	/* a new token is in this page only: never keep it in a cache */
	if (made)
		req_header(r, "Cache-Control: no-store");
	page_send(r, status, &b);
}

void page_my_tokens(req *r)
{
	if (need_role(r, 0))
		tokens_page(r, 200, NULL, NULL, NULL, NULL);
}

void page_token_create(req *r)
{
	form f;
	if (!page_form_as(r, &f, 0, 0))
		return;
	const char *names[NSCOPES];
	svc_token_in in = { .name = form_get(&f, "name"), .scopes = names };
	for (size_t i = 0; i < NSCOPES; i++)
		if (form_get(&f, offerapi_scope_name(1u << i)))
			names[in.nscopes++] = offerapi_scope_name(1u << i);
	const char *days = form_get(&f, "days");
	in.expires_in_days = days ? strtol(days, NULL, 10) : 90;
	field_errs errs = { 0 };
	ferr_text(r, &errs, "name", "tokens.name", in.name ? in.name : "", 1, OFFERAPI_PAT_NAME_MAX,
	          false);
	if (!in.nscopes)
		ferr_add(r, &errs, "scopes", "tokens.scopes", "ferr.empty");
	char token[OFFERAPI_PAT_SIZE] = "";
	int rc = errs.n ? 0 : svc_token_create(r, &in, token, NULL);
	if (errs.n) {
		tokens_page(r, 422, NULL, NULL, &errs, &f);
	} else if (rc) {
		http_error e;
		http_error_for(r, rc, false, &e);
		if (e.status >= 500)
			page_error(r, e.status, e.message);
		else
			tokens_page(r, e.status, NULL, e.message, NULL, &f);
	} else {
		tokens_page(r, 200, token, NULL, NULL, NULL);
	}
	sodium_memzero(token, sizeof token);
	form_free(&f);
}

void page_token_revoke(req *r)
{
	page_button_post(r, svc_token_revoke, "/me/tokens?revoked=1");
}
