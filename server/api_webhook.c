/*
 * api_webhook.c - /api/v1/me/webhooks: a recruiter's endpoints, their test
 * event and delivery log (offerapi/webhook.h).
 */
#include <string.h>

#include <sodium.h>

#include "api.h"
#include "i18n.h"

static json_t *events_json(unsigned events)
{
	json_t *a = json_array();
	for (unsigned bit = 1; bit <= OFFERAPI_EVENT_ALL; bit <<= 1)
		if (events & bit)
			json_array_append_new(a, json_string(offerapi_event_name(bit)));
	return a;
}

static json_t *webhook_json(const offerapi_webhook *w)
{
	return json_pack("{s:I,s:s,s:o,s:I}", "id", (json_int_t)w->id, "url", w->url, "events",
	                 events_json(w->events), "created_at", (json_int_t)w->created_at);
}

/* The recruiter's endpoints, newest first, by page (api_page.c). */
void api_my_webhooks(req *r)
{
	api_list q;
	if (!api_list_query(r, 0, &q))
		return;
	offerapi_webhook_list *l = NULL;
	if (api_page_failed(r, svc_webhooks(r, &q.page, &l), &q.page))
		return;
	json_t *arr = json_array();
	for (size_t i = 0; i < l->count; i++)
		json_array_append_new(arr, webhook_json(&l->items[i]));
	api_list_send(r, &q, json_pack("{s:o}", "webhooks", arr), l->next, l->prev, l->total);
	offerapi_webhook_list_free(l);
}

/* POST {url, events}: 201 with the secret, this once. */
void api_webhook_create(req *r)
{
	json_t *body = api_need_body(r, OFFERAPI_ROLE_RECRUITER);
	if (!body)
		return;
	json_t *errs = json_array();
	api_check_string(r, body, "url", OFFERAPI_WEBHOOK_URL_MAX, true, errs);
	api_check_strings(r, body, "events", 3, 40, errs);
	json_t *events = json_object_get(body, "events");
	if (!json_array_size(events))
		problem_add(r, errs, "/events", "field.missing");
	if (!api_fields_ok(r, errs)) {
		json_decref(body);
		return;
	}
	const char *names[3];
	size_t n = 0;
	for (size_t i = 0; i < json_array_size(events) && i < 3; i++)
		names[n++] = json_string_value(json_array_get(events, i));
	bool bad = false;
	char secret[OFFERAPI_WEBHOOK_SECRET_SIZE];
	offerapi_id id = 0;
	int rc = svc_webhook_create(r, jstr(body, "url", &bad), names, n, secret, &id);
	offerapi_webhook_list *l = NULL;
	if (rc == 0)
		rc = svc_webhooks(r, NULL, &l);
	const offerapi_webhook *made = NULL;
	for (size_t i = 0; l && i < l->count && !made; i++)
		if (l->items[i].id == id)
			made = &l->items[i];
	json_decref(body);
	if (rc) {
		api_fail(r, rc, false);
	} else if (!made) { /* removed between the two calls */
		api_fail(r, svc_fail(OFFERAPI_ENOTFOUND, "err.no_webhook"), false);
	} else {
		json_t *o = webhook_json(made);
		json_object_set_new(o, "secret", json_string(secret));
		respond_json(r, 201, o);
	}
	sodium_memzero(secret, sizeof secret);
	offerapi_webhook_list_free(l);
}

void api_webhook_delete(req *r)
{
	api_done(r, svc_webhook_delete(r), 204);
}

void api_webhook_test(req *r)
{
	api_done(r, svc_webhook_test(r), 202);
}

static json_t *delivery_json(const offerapi_delivery *d)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:I,s:I}", "id", (json_int_t)d->id, "event", d->event,
	                      "state", offerapi_delivery_state_name(d->state), "attempts",
	                      (json_int_t)d->attempts, "created_at", (json_int_t)d->created_at);
	json_object_set_new(o, "last_status",
	                    d->last_status ? json_integer(d->last_status) : json_null());
	json_object_set_new(o, "last_error",
	                    d->last_error ? json_string(d->last_error) : json_null());
	json_object_set_new(o, "finished_at",
	                    d->finished_at ? json_integer(d->finished_at) : json_null());
	return o;
}

/* Endpoint r->id's deliveries, newest first, by page (api_page.c). */
void api_webhook_deliveries(req *r)
{
	api_list q;
	if (!api_list_query(r, 0, &q))
		return;
	offerapi_delivery_list *l = NULL;
	if (api_page_failed(r, svc_webhook_deliveries(r, &q.page, &l), &q.page))
		return;
	json_t *arr = json_array();
	for (size_t i = 0; i < l->count; i++)
		json_array_append_new(arr, delivery_json(&l->items[i]));
	api_list_send(r, &q, json_pack("{s:o}", "deliveries", arr), l->next, l->prev, l->total);
	offerapi_delivery_list_free(l);
}
