/*
 * archive_dl.c - libarchive opened on first use (archive_dl.h).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "archive_dl.h"
#include "internal.h"

/* libarchive 3's soname (Debian 12: libarchive13). */
#define LIBARCHIVE_SONAME "libarchive.so.13"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static oa_libarchive table;
static const oa_libarchive *loaded;
static char why[300];

/* dlsym into @slot, a function pointer of the table. */
static int sym(void *dl, const char *name, void *slot)
{
	void *f = dlsym(dl, name);
	if (!f) {
		snprintf(why, sizeof why, "%s has no %s", LIBARCHIVE_SONAME, name);
		return -1;
	}
	memcpy(slot, &f, sizeof f); /* object pointer to function pointer, as POSIX allows */
	return 0;
}

static void load(void)
{
	void *dl = dlopen(LIBARCHIVE_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		const char *e = dlerror();
		snprintf(why, sizeof why, "cannot open %s: %s", LIBARCHIVE_SONAME,
		         e ? e : "unknown error");
		return;
	}
	oa_libarchive *t = &table;
	const struct {
		const char *name;
		void *slot;
	} syms[] = {
		{ "archive_write_new", &t->write_new },
		{ "archive_write_set_format_zip", &t->write_set_format_zip },
		{ "archive_write_set_format_pax_restricted", &t->write_set_format_pax_restricted },
		{ "archive_write_add_filter_gzip", &t->write_add_filter_gzip },
		{ "archive_write_zip_set_compression_deflate",
		  &t->write_zip_set_compression_deflate },
		{ "archive_write_set_bytes_in_last_block", &t->write_set_bytes_in_last_block },
		{ "archive_write_open", &t->write_open },
		{ "archive_write_header", &t->write_header },
		{ "archive_write_data", &t->write_data },
		{ "archive_write_close", &t->write_close },
		{ "archive_write_free", &t->write_free },
		{ "archive_error_string", &t->error_string },
		{ "archive_entry_new", &t->entry_new },
		{ "archive_entry_free", &t->entry_free },
		{ "archive_entry_set_pathname", &t->entry_set_pathname },
		{ "archive_entry_set_filetype", &t->entry_set_filetype },
		{ "archive_entry_set_perm", &t->entry_set_perm },
		{ "archive_entry_set_size", &t->entry_set_size },
		{ "archive_entry_set_mtime", &t->entry_set_mtime },
	};
	for (size_t i = 0; i < sizeof syms / sizeof *syms; i++)
		if (sym(dl, syms[i].name, syms[i].slot) < 0) {
			dlclose(dl);
			return;
		}
	loaded = t; /* published by pthread_once's own barrier */
}

const oa_libarchive *oa_libarchive_get(void)
{
	pthread_once(&once, load);
	if (!loaded)
		oa_error(OFFERAPI_ERROR, "export: %s", why);
	return loaded;
}
