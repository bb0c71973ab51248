/*
 * dl.c - shared libraries opened on first use (dl.h).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "dl.h"
#include "internal.h"

int oa_dl_open(const char *soname, const oa_dl_sym *syms, size_t n, char *why, size_t whysz)
{
	void *dl = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		const char *e = dlerror();
		snprintf(why, whysz, "cannot open %s: %s", soname, e ? e : "unknown error");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		void *f = dlsym(dl, syms[i].name);
		if (!f) {
			snprintf(why, whysz, "%s has no %s", soname, syms[i].name);
			dlclose(dl);
			return -1;
		}
		/* object pointer to function pointer, as POSIX allows */
		memcpy(syms[i].slot, &f, sizeof f);
	}
	return 0;
}

int oa_dl_load(oa_dl_lib *lib)
{
	pthread_mutex_lock(&lib->lock);
	if (!lib->tried) {
		lib->tried = 1;
		lib->loaded = oa_dl_open(lib->soname, lib->syms, lib->n, lib->why,
		                         sizeof lib->why) == 0;
	}
	int loaded = lib->loaded;
	pthread_mutex_unlock(&lib->lock);
	if (!loaded)
		return oa_error(OFFERAPI_ERROR, "%s: %s", lib->context, lib->why);
	return 0;
}
