/*
 * failmalloc.c - the allocator of the allocation-failure pass (failmalloc.h).
 *
 * dlsym() may itself allocate while the next malloc is being looked up; those
 * few early blocks come from a static arena and are never given back.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unwind.h>

#include "failmalloc.h"

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);

static void *(*next_malloc)(size_t);
static void *(*next_calloc)(size_t, size_t);
static void *(*next_realloc)(void *, size_t);
static void (*next_free)(void *);
static int resolving;

/* ---- the early arena ---- */

static alignas(max_align_t) unsigned char arena[1 << 16];
static size_t arena_used;

static bool in_arena(const void *p)
{
	return (const unsigned char *)p >= arena && (const unsigned char *)p < arena + sizeof arena;
}

/* Each arena block is preceded by its size, for realloc. */
static void *arena_alloc(size_t size)
{
	size_t a = alignof(max_align_t);
	size_t need = a + (size + a - 1) / a * a;
	if (size > sizeof arena || need > sizeof arena - arena_used)
		return NULL;
	unsigned char *p = arena + arena_used + a;
	memcpy(p - sizeof(size_t), &size, sizeof size);
	arena_used += need;
	return p;
}

static void resolve(void)
{
	resolving = 1;
	next_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	next_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
	next_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	next_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
	resolving = 0;
}

/* ---- counting ---- */

static _Thread_local bool armed, persistent, fired;
static _Thread_local unsigned long target, counted;
static _Thread_local void *fired_caller; /* return address of the first failed call */
static _Thread_local uint64_t *rec_sites; /* failmalloc_record()'s output, or NULL */
static _Thread_local unsigned long rec_cap;
static _Thread_local int rec_depth;
static _Thread_local bool in_backtrace; /* allocations backtrace() makes are not counted */

void failmalloc_arm(unsigned long n, bool persist)
{
	target = n;
	persistent = persist;
	counted = 0;
	fired = false;
	fired_caller = NULL;
	rec_sites = NULL;
	armed = true;
}

enum { MAX_DEPTH = 16 };

void failmalloc_record(uint64_t *sites, unsigned long cap, int depth)
{
	failmalloc_arm(0, false);
	rec_sites = sites;
	rec_cap = cap;
	rec_depth = depth < 1 ? 1 : depth > MAX_DEPTH ? MAX_DEPTH : depth;
}

/* libgcc's unwinder, called directly: glibc's backtrace() dlopen()s
 * libgcc_s on first use, and LeakSanitizer counts what that keeps. */
typedef struct walk {
	void *frames[MAX_DEPTH + 8];
	int n;
} walk;

static _Unwind_Reason_Code walk_frame(struct _Unwind_Context *ctx, void *arg)
{
	walk *w = arg;
	if (w->n == (int)(sizeof w->frames / sizeof w->frames[0]))
		return _URC_END_OF_STACK;
	w->frames[w->n++] = (void *)_Unwind_GetIP(ctx);
	return _URC_NO_REASON;
}

/* FNV-1a over the return addresses from @p caller (the code that called
 * malloc) outwards: the frames of failmalloc itself are skipped. */
static uint64_t site_of(void *caller)
{
	walk w = { .n = 0 };
	in_backtrace = true;
	_Unwind_Backtrace(walk_frame, &w);
	in_backtrace = false;
	int from = 0;
	while (from < w.n && w.frames[from] != caller)
		from++;
	if (from == w.n) /* not found (a tail call): the caller alone */
		w.frames[0] = caller, from = 0, w.n = 1;
	uint64_t h = 14695981039346656037u;
	for (int i = from; i < w.n && i < from + rec_depth; i++) {
		uintptr_t a = (uintptr_t)w.frames[i];
		for (size_t b = 0; b < sizeof a; b++) {
			h ^= (a >> (8 * b)) & 0xff;
			h *= 1099511628211u;
		}
	}
	return h;
}

unsigned long failmalloc_disarm(void)
{
	armed = false;
	return counted;
}

bool failmalloc_fired(void)
{
	return fired;
}

const char *failmalloc_fired_in(void)
{
	Dl_info info;
	if (!fired_caller || !dladdr(fired_caller, &info) || !info.dli_fname)
		return "?";
	const char *slash = strrchr(info.dli_fname, '/');
	return slash ? slash + 1 : info.dli_fname;
}

/* True when this allocation, asked for by code at @p caller, must fail. */
static bool should_fail(void *caller)
{
	if (!armed || in_backtrace)
		return false;
	counted++;
	if (rec_sites && counted <= rec_cap)
		rec_sites[counted - 1] = site_of(caller);
	if (target == 0 || counted < target || (counted > target && !persistent))
		return false;
	if (!fired)
		fired_caller = caller;
	fired = true;
	return true;
}

/* ---- the allocator ---- */

void *malloc(size_t size)
{
	if (!next_malloc) {
		if (resolving)
			return arena_alloc(size);
		resolve();
	}
	if (should_fail(__builtin_return_address(0))) {
		errno = ENOMEM;
		return NULL;
	}
	return next_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	if (!next_calloc) {
		if (resolving) {
			if (size && n > SIZE_MAX / size)
				return NULL;
			void *p = arena_alloc(n * size);
			if (p)
				memset(p, 0, n * size);
			return p;
		}
		resolve();
	}
	if (should_fail(__builtin_return_address(0))) {
		errno = ENOMEM;
		return NULL;
	}
	return next_calloc(n, size);
}

void *realloc(void *ptr, size_t size)
{
	if (!next_realloc)
		resolve();
	if (in_arena(ptr)) { /* move an early block to the real heap */
		size_t old;
		memcpy(&old, (unsigned char *)ptr - sizeof(size_t), sizeof old);
		void *p = malloc(size);
		if (p)
			memcpy(p, ptr, old < size ? old : size);
		return p;
	}
	if (size && should_fail(__builtin_return_address(0))) {
		errno = ENOMEM;
		return NULL;
	}
	return next_realloc(ptr, size);
}

void free(void *ptr)
{
	if (!ptr || in_arena(ptr))
		return;
	if (!next_free)
		resolve();
	next_free(ptr);
}
