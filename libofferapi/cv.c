/*
 * cv.c - text extraction from PDF CVs with MuPDF.
 *
 * One public function, offerapi_cv_extract(). Each call builds its own MuPDF
 * context, so calls on different threads share nothing and need no locks.
 * The cost of a context is small next to parsing a page (see bench/extract).
 *
 * Memory is bounded twice, on purpose:
 *  - MuPDF's resource store (a cache of fonts, images and other decoded
 *    resources) is limited to CV_STORE_BYTES (16 MiB) instead of the 256 MiB
 *    default: the cache lives only for one call, a CV uses a handful of
 *    fonts, and several worker threads may each hold one, so a small cache
 *    is both enough and predictable.
 *  - Every allocation goes through a counting allocator that refuses to go
 *    above CV_MEMORY_CAP (64 MiB, the store included). The store bound does
 *    not limit working memory, and a 10 MiB upload can inflate (a deflate
 *    "bomb" in an embedded font or object stream) to gigabytes. Real CVs
 *    peak under 1 MiB of MuPDF memory (50 pages: 0.9 MiB) and large embedded
 *    CJK fonts stay well under 64 MiB, so with N workers the server needs at
 *    most N x 64 MiB for extraction. A refused allocation makes MuPDF throw
 *    (then OFFERAPI_ETOOBIG), or skip the resource and go on, as it does for
 *    an embedded font it cannot load.
 *
 * Time is bounded too (limits->max_cpu_ms, default 3 s of the calling
 * thread's processor time). Memory caps do not bound time: a 3 MB content
 * stream of deflated whitespace inflates to 3 GB that MuPDF lexes in one
 * call of its lexer (12.9 s of CPU), allocating nothing and never looking at
 * the cookie's abort flag, which its interpreter reads only between tokens.
 * So the clock is read where the work flows, on the calling thread (no
 * watchdog thread: a watchdog can only set a flag, and the lexer reads none):
 *  - every content stream the interpreter runs (pages, forms, annotations)
 *    is opened through __wrap_pdf_open_contents_stream (the link uses
 *    -Wl,--wrap=pdf_open_contents_stream, see libofferapi/meson.build), which
 *    puts cv_guard in front of the decoded bytes: it reads the clock every
 *    256 KiB and ends the stream once the budget is spent, whatever the
 *    filters below it (nested FlateDecode multiplies ratios);
 *  - the allocator reads the clock every 64 allocations, and refuses every
 *    allocation once the budget is spent, so that any other slow path
 *    (fonts, object streams, repair) fails fast;
 *  - the cookie's abort flag is set at the same time, so the interpreter
 *    stops at its next token, and the page loop stops before the next page.
 * Processor time, not wall time: it is the resource an attacker spends, and
 * it does not shrink when the machine is busy, so a loaded server does not
 * start refusing honest CVs. Extraction never waits on I/O, so the two agree
 * on an idle machine. Reading the thread's CPU clock is a system call
 * (about 0.2 us), hence the strides.
 *
 * MuPDF prints warnings and errors to stderr by default; each context gets
 * callbacks that route them to oa_log() at DEBUG level instead.
 *
 * Separate contexts are not quite independent in MuPDF 1.21: two globals are
 * shared (found with valgrind --tool=helgrind on tests/cv). fz_new_context()
 * reseeds a global random generator, so contexts are created under a mutex;
 * the AES tables used to decrypt PDFs are built lazily on first use, so they
 * are built once, before any context, with pthread_once().
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mupdf/fitz.h>
#include <mupdf/pdf.h>

#include "offerapi/cv.h"
#include "internal.h"

/* Store (cache) size of each context: see the file comment. */
#define CV_STORE_BYTES ((size_t)16 << 20)
/* Hard limit on everything one extraction allocates inside MuPDF. */
#define CV_MEMORY_CAP ((size_t)64 << 20)
/* Memory set aside for MuPDF to unwind once the call is stopping (see
 * cv_block_new): one malloc per call, touched only when needed. MuPDF asks
 * for 224 KiB in one block while it makes a context; 512 KiB was enough for
 * every run of tests/alloc; past it MuPDF gets NULL. */
#define CV_RESERVE_BYTES ((size_t)1 << 19)
/* Readers accept a "%PDF-" header anywhere in the first 1024 bytes. */
#define CV_HEADER_WINDOW 1024
/* MuPDF messages logged per call; a damaged file can produce thousands. */
#define CV_MAX_LOGGED 50
/* Allocations, and content-stream bytes, between two readings of the
 * thread's CPU clock (see the file comment). */
#define CV_BUDGET_ALLOC_STRIDE 64u
#define CV_BUDGET_BYTES_STRIDE ((size_t)256 << 10)

/* ---- processor-time budget ---- */

typedef struct cv_budget {
	double start; /* thread CPU time when the call started, in seconds */
	double limit; /* seconds of CPU time allowed */
	double spent; /* seconds used when the budget ran out */
	unsigned ticks; /* allocations counted toward the next reading */
	bool expired;
	fz_cookie cookie; /* its abort flag stops MuPDF's interpreter */
} cv_budget;

/* Processor time used by the calling thread, in seconds. */
static double cv_thread_cpu(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* True once the budget is spent (it then stays spent, and MuPDF's
 * interpreter is asked to stop through the cookie). */
static bool cv_budget_spent(cv_budget *b)
{
	if (b->expired)
		return true;
	double used = cv_thread_cpu() - b->start;
	if (used < b->limit)
		return false;
	b->expired = true;
	b->spent = used;
	b->cookie.abort = 1;
	return true;
}

/* ---- bounded allocator ---- */

/*
 * Per-call allocator state. Every block MuPDF allocates carries a header:
 * its size, so that free and realloc keep the count exact, and links in a
 * list of live blocks, so that whatever MuPDF still holds after
 * fz_drop_context() can be freed (cv_alloc_reclaim). MuPDF 1.21 leaks on some
 * paths: with FZ_STEXT_DEHYPHENATE it drops a joined hyphen without dropping
 * its font reference, so the font (about 50 KiB with its FreeType face)
 * outlives the context on every CV with a hyphenated line end. No pointer
 * into these blocks survives the context, so freeing them is safe.
 */
typedef union cv_block {
	struct {
		union cv_block *prev, *next;
		size_t size;
	} h;
	max_align_t align; /* keeps the payload aligned as malloc's */
} cv_block;

typedef struct cv_alloc {
	cv_block *live; /* blocks not yet freed, most recent first */
	size_t used; /* bytes currently allocated (without headers) */
	size_t peak; /* most bytes ever allocated at once */
	size_t cap; /* refuse allocations that would go above this */
	bool refused; /* an allocation was refused because of the cap */
	bool failed; /* malloc itself failed: the call will fail with ENOMEM */
	cv_budget *budget; /* once spent, the call is stopping */
	unsigned char *reserve; /* CV_RESERVE_BYTES served once stopping */
	size_t reserve_used;
} cv_alloc;

/* True once the call is stopping: malloc failed, or the budget is spent
 * (the clock is read every CV_BUDGET_ALLOC_STRIDE allocations). The call
 * then ends in an error whatever MuPDF does. */
static bool cv_stopping(cv_alloc *a)
{
	cv_budget *b = a->budget;
	if (a->failed || b->expired)
		return true;
	if (++b->ticks % CV_BUDGET_ALLOC_STRIDE)
		return false;
	return cv_budget_spent(b);
}

static bool cv_in_reserve(const cv_alloc *a, const cv_block *b)
{
	const unsigned char *p = (const unsigned char *)b;
	return a->reserve && p >= a->reserve && p < a->reserve + CV_RESERVE_BYTES;
}

/* A block from the reserve (bump allocation, never freed one by one), or
 * NULL when it is used up. */
static cv_block *cv_reserve_take(cv_alloc *a, size_t size)
{
	size_t unit = sizeof(cv_block);
	if (size > CV_RESERVE_BYTES)
		return NULL;
	size_t need = unit + (size + unit - 1) / unit * unit;
	if (need > CV_RESERVE_BYTES - a->reserve_used)
		return NULL;
	cv_block *b = (cv_block *)(void *)(a->reserve + a->reserve_used);
	a->reserve_used += need;
	return b;
}

/*
 * A new block of @p size bytes. Once the call is stopping it comes from the
 * reserve: MuPDF, and FreeType inside it, then unwind (the cookie stops the
 * interpreter at its next operator) without meeting a NULL in the middle of
 * a glyph, which FreeType 2.12 does not always survive (found by
 * tests/alloc: a crash in FT_Load_Glyph once every allocation failed).
 * NULL only when the reserve is used up too.
 */
static cv_block *cv_block_new(cv_alloc *a, size_t size)
{
	if (!cv_stopping(a)) {
		cv_block *b = malloc(sizeof *b + size);
		if (b)
			return b;
		a->failed = true;
		a->budget->cookie.abort = 1;
	}
	return cv_reserve_take(a, size);
}

static void cv_block_link(cv_alloc *a, cv_block *b)
{
	b->h.prev = NULL;
	b->h.next = a->live;
	if (a->live)
		a->live->h.prev = b;
	a->live = b;
}

static void cv_block_unlink(cv_alloc *a, cv_block *b)
{
	if (b->h.prev)
		b->h.prev->h.next = b->h.next;
	else
		a->live = b->h.next;
	if (b->h.next)
		b->h.next->h.prev = b->h.prev;
}

/* malloc for MuPDF: NULL (MuPDF then throws FZ_ERROR_MEMORY, or skips the
 * resource) above the cap. */
static void *cv_malloc(void *user, size_t size)
{
	cv_alloc *a = user;
	if (size > a->cap - a->used) {
		a->refused = true;
		return NULL;
	}
	cv_block *b = cv_block_new(a, size);
	if (!b)
		return NULL;
	b->h.size = size;
	cv_block_link(a, b);
	a->used += size;
	if (a->used > a->peak)
		a->peak = a->used;
	return b + 1;
}

/* free for MuPDF: returns the block's size to the budget. */
static void cv_free(void *user, void *ptr)
{
	cv_alloc *a = user;
	if (!ptr)
		return;
	cv_block *b = (cv_block *)ptr - 1;
	cv_block_unlink(a, b);
	a->used -= b->h.size;
	if (!cv_in_reserve(a, b))
		free(b);
}

/* realloc for MuPDF: same contract as realloc(3), under the cap. */
static void *cv_realloc(void *user, void *ptr, size_t size)
{
	cv_alloc *a = user;
	if (!ptr)
		return cv_malloc(user, size);
	if (size == 0) {
		cv_free(user, ptr);
		return NULL;
	}
	cv_block *b = (cv_block *)ptr - 1;
	size_t old = b->h.size;
	if (size > old && size - old > a->cap - a->used) {
		a->refused = true;
		return NULL;
	}
	if (!cv_in_reserve(a, b) && !cv_stopping(a)) {
		/* The block may move: take it out of the list while it does. */
		cv_block_unlink(a, b);
		cv_block *n = realloc(b, sizeof *n + size);
		if (n) {
			n->h.size = size;
			cv_block_link(a, n);
			a->used = a->used - old + size;
			if (a->used > a->peak)
				a->peak = a->used;
			return n + 1;
		}
		cv_block_link(a, b);
		a->failed = true;
		a->budget->cookie.abort = 1;
	}
	/* stopping, or a reserve block: a new block and a copy */
	void *p = cv_malloc(user, size);
	if (p) {
		memcpy(p, ptr, old < size ? old : size);
		cv_free(user, ptr);
	}
	return p;
}

/* After fz_drop_context(): free what MuPDF left, and the reserve; returns
 * the bytes MuPDF left. */
static size_t cv_alloc_reclaim(cv_alloc *a)
{
	size_t bytes = 0;
	while (a->live) {
		cv_block *b = a->live;
		a->live = b->h.next;
		bytes += b->h.size;
		if (!cv_in_reserve(a, b))
			free(b);
	}
	a->used = 0;
	free(a->reserve);
	a->reserve = NULL;
	return bytes;
}

/* ---- MuPDF messages ---- */

/* Per-call state of the message callbacks. */
typedef struct cv_messages {
	unsigned logged;
} cv_messages;

/* Warning and error callback: keep MuPDF off stderr, log a bounded number. */
static void cv_on_message(void *user, const char *message)
{
	cv_messages *m = user;
	if (m->logged < CV_MAX_LOGGED)
		oa_log(OFFERAPI_LOG_DEBUG, "cv: mupdf: %s", message);
	else if (m->logged == CV_MAX_LOGGED)
		oa_log(OFFERAPI_LOG_DEBUG, "cv: mupdf: further messages not logged");
	m->logged++;
}

/* ---- MuPDF's shared state ---- */

static pthread_once_t cv_globals_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t cv_context_lock = PTHREAD_MUTEX_INITIALIZER;

/* Build MuPDF's AES tables (aes_gen_tables, run by the first key setup)
 * while no other thread can race on them. */
static void cv_init_globals(void)
{
	static const unsigned char key[16];
	fz_aes aes;
	fz_aes_setkey_enc(&aes, key, 128);
}

/* fz_new_context() under cv_context_lock: see the file comment. */
static fz_context *cv_new_context(fz_alloc_context *allocator)
{
	pthread_once(&cv_globals_once, cv_init_globals);
	pthread_mutex_lock(&cv_context_lock);
	fz_context *ctx = fz_new_context(allocator, NULL, CV_STORE_BYTES);
	pthread_mutex_unlock(&cv_context_lock);
	return ctx;
}

/* ---- the state of one call, reachable from its context ---- */

/* Everything one extraction keeps about itself; the context's user pointer
 * (fz_user_context) points to it, so that the content-stream hook below
 * finds the budget. Every context of this library carries one. */
typedef struct cv_call {
	cv_alloc alloc;
	cv_budget budget;
	cv_messages messages;
} cv_call;

/* ---- content streams under the budget ---- */

/* A pass-through stream in front of a decoded content stream: it hands on
 * the bytes of the stream below (no copy) and ends early, as if the content
 * stopped there, once the budget is spent. MuPDF then finishes the page
 * with what it read; the caller sees budget.expired and fails the call. */
typedef struct cv_guard {
	fz_stream *chain;
	cv_budget *budget;
	size_t unchecked; /* bytes handed on since the clock was last read */
} cv_guard;

static int cv_guard_next(fz_context *ctx, fz_stream *stm, size_t max)
{
	cv_guard *g = stm->state;
	if (g->unchecked >= CV_BUDGET_BYTES_STRIDE) {
		g->unchecked = 0;
		if (cv_budget_spent(g->budget))
			return EOF;
	} else if (g->budget->expired) {
		return EOF;
	}
	size_t n = fz_available(ctx, g->chain, max);
	if (n == 0)
		return EOF;
	stm->rp = g->chain->rp;
	stm->wp = stm->rp + n;
	g->chain->rp = stm->wp;
	stm->pos += (int64_t)n;
	g->unchecked += n;
	return *stm->rp++;
}

static void cv_guard_drop(fz_context *ctx, void *state)
{
	cv_guard *g = state;
	fz_drop_stream(ctx, g->chain);
	fz_free(ctx, g);
}

fz_stream *__real_pdf_open_contents_stream(fz_context *ctx, pdf_document *doc, pdf_obj *obj);
fz_stream *__wrap_pdf_open_contents_stream(fz_context *ctx, pdf_document *doc, pdf_obj *obj);

/*
 * The linker sends MuPDF's own calls of pdf_open_contents_stream() here
 * (-Wl,--wrap): the interpreter opens every content stream it runs with it.
 * Contexts without a cv_call (none in this library) get the stream as is.
 */
fz_stream *__wrap_pdf_open_contents_stream(fz_context *ctx, pdf_document *doc, pdf_obj *obj)
{
	cv_call *call = fz_user_context(ctx);
	if (call && cv_budget_spent(&call->budget))
		fz_throw(ctx, FZ_ERROR_ABORT, "processor time budget spent");
	fz_stream *chain = __real_pdf_open_contents_stream(ctx, doc, obj);
	if (!call || !chain)
		return chain;
	cv_guard *g = fz_calloc_no_throw(ctx, 1, sizeof *g);
	if (!g) {
		fz_drop_stream(ctx, chain);
		fz_throw(ctx, FZ_ERROR_MEMORY, "out of memory");
	}
	g->chain = chain;
	g->budget = &call->budget;
	/* on failure fz_new_stream() drops the state with cv_guard_drop */
	return fz_new_stream(ctx, g, cv_guard_next, cv_guard_drop);
}

/* ---- text output ---- */

/*
 * The output text, built one code point at a time while whitespace is
 * normalised: spaces are only written before the next visible character of
 * the same line, and line or paragraph breaks only before the next visible
 * character of the text. So lines are trimmed, runs collapse, and nothing
 * blank can lead or trail, without a second pass over the text.
 */
typedef struct cv_text {
	char *buf;
	size_t len;
	size_t cap; /* allocated bytes, including room for the NUL */
	size_t max; /* max_text */
	bool pending_space; /* whitespace seen after content on this line */
	int pending_breaks; /* 0, 1 (new line) or 2 (blank line) before next */
	bool line_content; /* the current line has a visible character */
	bool full; /* max was reached: stop reading */
	bool nomem; /* growing buf failed */
	int pages_read; /* pages read so far, for the log */
	size_t readable; /* characters other than U+FFFD written */
} cv_text;

/* True for code points that count as horizontal whitespace. C0 controls and
 * DEL are included: they have no business in extracted text. */
static bool cv_is_space(int c)
{
	return c <= 0x20 || c == 0x7F || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
	       c == 0x202F || c == 0x205F || c == 0x3000;
}

/* Encode @p c (a valid scalar value) as UTF-8 into @p b; returns the length. */
static size_t cv_utf8_encode(char b[4], uint32_t c)
{
	if (c < 0x80) {
		b[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		b[0] = (char)(0xC0 | (c >> 6));
		b[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		b[0] = (char)(0xE0 | (c >> 12));
		b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		b[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	b[0] = (char)(0xF0 | (c >> 18));
	b[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	b[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	b[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/*
 * Append @p n bytes (separators plus one code point) if they fit in max,
 * else mark the text full and return false. All or nothing: the text is
 * always cut between code points, so it stays valid UTF-8.
 */
static bool cv_text_append(cv_text *t, const char *bytes, size_t n)
{
	if (n > t->max - t->len) {
		t->full = true;
		return false;
	}
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		while (cap < t->len + n + 1)
			cap *= 2;
		if (cap > t->max + 1)
			cap = t->max + 1;
		char *b = realloc(t->buf, cap);
		if (!b) {
			t->nomem = true;
			t->full = true;
			return false;
		}
		t->buf = b;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, bytes, n);
	t->len += n;
	if (t->len == t->max) /* nothing more fits: read no further page */
		t->full = true;
	return true;
}

/*
 * Add one character as MuPDF gave it. NUL is dropped; values that are not
 * Unicode scalar values (negative, surrogates, above U+10FFFF: fonts with
 * broken ToUnicode maps produce them) become U+FFFD.
 */
static void cv_text_char(cv_text *t, int c)
{
	if (t->full || c == 0)
		return;
	if (cv_is_space(c)) {
		if (t->line_content)
			t->pending_space = true;
		return;
	}
	if (c >= 0x80 && c <= 0x9F) /* C1 controls: invisible noise */
		return;
	if (c < 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		c = 0xFFFD;
	char b[2 + 4];
	size_t n = 0;
	if (t->len > 0) {
		if (t->pending_breaks > 0) {
			b[n++] = '\n';
			if (t->pending_breaks > 1)
				b[n++] = '\n';
		} else if (t->pending_space) {
			b[n++] = ' ';
		}
	}
	n += cv_utf8_encode(b + n, (uint32_t)c);
	if (cv_text_append(t, b, n)) {
		if (c != 0xFFFD)
			t->readable++;
		t->pending_space = false;
		t->pending_breaks = 0;
		t->line_content = true;
	}
}

/* End the current line (@p breaks 1) or paragraph (@p breaks 2). */
static void cv_text_break(cv_text *t, int breaks)
{
	if (t->line_content && t->pending_breaks < 1)
		t->pending_breaks = 1;
	if (t->len > 0 && breaks > t->pending_breaks)
		t->pending_breaks = breaks;
	t->pending_space = false;
	t->line_content = false;
}

/*
 * Walk one structured-text page into @p t: a line break after each line, a
 * blank line after each block (MuPDF's paragraphs) and each page. MuPDF has
 * already joined hyphenated words (FZ_STEXT_DEHYPHENATE merges the lines).
 */
static void cv_text_page(cv_text *t, const fz_stext_page *page)
{
	for (const fz_stext_block *b = page->first_block; b && !t->full; b = b->next) {
		if (b->type != FZ_STEXT_BLOCK_TEXT)
			continue;
		for (const fz_stext_line *l = b->u.t.first_line; l && !t->full; l = l->next) {
			for (const fz_stext_char *ch = l->first_char; ch && !t->full; ch = ch->next)
				cv_text_char(t, ch->c);
			cv_text_break(t, 1);
		}
		cv_text_break(t, 2);
	}
	cv_text_break(t, 2);
}

/* ---- the extraction ---- */

/* "12.3 MiB", "10 MiB", "800 KiB", "512 bytes": sizes for people. */
static void cv_format_size(char *buf, size_t size, size_t bytes)
{
	if (bytes >= (size_t)1 << 20)
		snprintf(buf, size, "%.1f MiB", (double)bytes / (1 << 20));
	else if (bytes >= 1024)
		snprintf(buf, size, "%.1f KiB", (double)bytes / 1024);
	else
		snprintf(buf, size, "%zu bytes", bytes);
	char *zero = strstr(buf, ".0 ");
	if (zero)
		memmove(zero, zero + 2, strlen(zero + 2) + 1);
}

/* True when "%PDF-" occurs in the first CV_HEADER_WINDOW bytes. */
static bool cv_has_pdf_header(const unsigned char *p, size_t len)
{
	size_t end = len < CV_HEADER_WINDOW ? len : CV_HEADER_WINDOW;
	for (size_t i = 0; i + 5 <= end; i++)
		if (p[i] == '%' && memcmp(p + i, "%PDF-", 5) == 0)
			return true;
	return false;
}

/* The error once the budget is spent, after @p pages_read of @p pages. */
static int cv_timeout_error(const cv_budget *b, int pages_read, int pages)
{
	if (pages <= 0)
		return oa_error(OFFERAPI_EPDFTOOCOMPLEX,
		                "the PDF takes too long to read: %.1f s of processor time "
		                "spent before its first page, at most %g s are allowed",
		                b->spent, b->limit);
	return oa_error(OFFERAPI_EPDFTOOCOMPLEX,
	                "the PDF takes too long to read: %.1f s of processor time spent "
	                "on page %d of %d, at most %g s are allowed",
	                b->spent, pages_read, pages, b->limit);
}

/*
 * The error for a MuPDF exception caught in @p ctx: the budget's error when
 * time ran out (MuPDF may report it as anything: refused allocations, an
 * aborted stream); a memory failure is ETOOBIG when our cap refused it (the
 * file needs too much to read) and ENOMEM otherwise; anything else means the
 * file could not be parsed.
 */
static int cv_fz_error(fz_context *ctx, const cv_call *call)
{
	if (call->budget.expired)
		return cv_timeout_error(&call->budget, 0, 0);
	if (fz_caught(ctx) == FZ_ERROR_MEMORY) {
		if (call->alloc.refused)
			return oa_error(OFFERAPI_ETOOBIG,
			                "the PDF needs more than %zu MiB of memory to read",
			                call->alloc.cap >> 20);
		return oa_error(OFFERAPI_ENOMEM, "out of memory while reading the PDF");
	}
	return oa_error(OFFERAPI_EPDFDAMAGED,
	                "the PDF is damaged and cannot be read "
	                "(%s)",
	                fz_caught_message(ctx));
}

/*
 * The structured text of @p page, as fz_new_stext_page_from_page() makes it
 * (page contents only, no annotations) but with the budget's cookie, so that
 * the interpreter stops between two operators once time is up.
 */
static fz_stext_page *cv_stext_page(fz_context *ctx, fz_page *page, fz_cookie *cookie)
{
	static const fz_stext_options opts = {
		.flags = FZ_STEXT_DEHYPHENATE | FZ_STEXT_MEDIABOX_CLIP,
		.scale = 1,
	};
	fz_stext_page *text = fz_new_stext_page(ctx, fz_bound_page(ctx, page));
	fz_device *volatile dev = NULL;
	fz_try(ctx)
	{
		dev = fz_new_stext_device(ctx, text, &opts);
		fz_run_page_contents(ctx, page, dev, fz_identity, cookie);
		fz_close_device(ctx, dev);
	}
	fz_always(ctx)
	{
		fz_drop_device(ctx, dev);
	}
	fz_catch(ctx)
	{
		fz_drop_stext_page(ctx, text);
		fz_rethrow(ctx);
	}
	return text;
}

/*
 * Extract page @p i (from 0) of @p doc into @p t. Returns 0; 1 when MuPDF
 * could not read the page (the reason goes to @p why when not NULL); or a
 * negative error, set, when memory ran out (then reading further is futile).
 * Time running out is left to the caller, which sees budget.expired.
 */
static int cv_read_page(fz_context *ctx, cv_call *call, fz_document *doc, int i, cv_text *t,
                        char *why, size_t why_size)
{
	fz_page *volatile page = NULL;
	fz_stext_page *volatile text = NULL;
	volatile int rc = 0;

	fz_try(ctx)
	{
		page = fz_load_page(ctx, doc, i);
		text = cv_stext_page(ctx, page, &call->budget.cookie);
		cv_text_page(t, text);
	}
	fz_always(ctx)
	{
		fz_drop_stext_page(ctx, text);
		fz_drop_page(ctx, page);
	}
	fz_catch(ctx)
	{
		if (call->budget.expired) {
			rc = 0;
		} else if (fz_caught(ctx) == FZ_ERROR_MEMORY) {
			rc = cv_fz_error(ctx, call);
		} else {
			rc = 1;
			if (why)
				snprintf(why, why_size, "page %d: %s", i + 1,
				         fz_caught_message(ctx));
			oa_log(OFFERAPI_LOG_DEBUG, "cv: skipping page %d: %s", i + 1,
			       fz_caught_message(ctx));
		}
	}
	return rc;
}

/* Open @p pdf in @p ctx and count its pages, refusing what cannot be read.
 * Returns 0 with *out_doc and *out_pages, or an error already set. */
static int cv_open(fz_context *ctx, const cv_call *call, const unsigned char *pdf, size_t len,
                   unsigned max_pages, fz_document **out_doc, int *out_pages)
{
	fz_stream *volatile stm = NULL;
	fz_document *volatile doc = NULL;
	volatile int rc = 0;
	volatile int pages = 0;
	volatile int encrypted = 0;

	fz_try(ctx)
	{
		fz_register_document_handlers(ctx);
		stm = fz_open_memory(ctx, pdf, len);
		doc = fz_open_document_with_stream(ctx, "application/pdf", stm);
		/* An owner password alone leaves the user password empty,
		 * which MuPDF may or may not have tried already. */
		if (fz_needs_password(ctx, doc) && !fz_authenticate_password(ctx, doc, ""))
			encrypted = 1;
		else
			pages = fz_count_pages(ctx, doc);
	}
	fz_catch(ctx)
	{
		rc = cv_fz_error(ctx, call);
	}
	fz_drop_stream(ctx, stm);
	if (rc == 0 && call->budget.expired)
		rc = cv_timeout_error(&call->budget, 0, 0);
	else if (rc == 0 && encrypted)
		rc = oa_error(OFFERAPI_EPDFENCRYPTED, "the PDF is protected by a password: "
		                                      "send a copy without password");
	else if (rc == 0 && pages <= 0)
		rc = oa_error(OFFERAPI_EPDFDAMAGED, "the PDF is damaged: it has no pages");
	else if (rc == 0 && (unsigned)pages > max_pages)
		rc = oa_error(OFFERAPI_ETOOMANYPAGES,
		              "the PDF has %d pages, at most %u "
		              "are accepted",
		              pages, max_pages);
	if (rc != 0) {
		fz_drop_document(ctx, doc);
		return rc;
	}
	*out_doc = doc;
	*out_pages = pages;
	return 0;
}

/*
 * Everything that happens inside one MuPDF context: open, check the password
 * and the page count, then extract page by page into @p t until the end, or
 * max_text, or the end of the budget. A page that fails is skipped (its
 * neighbours are still worth reading); the file is damaged only when no page
 * could be read. Returns 0 or an error already set with oa_error().
 *
 * Variables assigned inside fz_try and read after it (in fz_always, fz_catch
 * or later) are volatile: fz_try is setjmp-based.
 */
static int cv_extract_ctx(fz_context *ctx, cv_call *call, cv_text *t, const unsigned char *pdf,
                          size_t len, unsigned max_pages)
{
	fz_document *doc = NULL;
	int pages = 0;
	int rc = cv_open(ctx, call, pdf, len, max_pages, &doc, &pages);
	if (rc != 0)
		return rc;

	int failed = 0;
	char first_failure[256] = "";
	for (int i = 0; i < pages && !t->full && rc == 0; i++) {
		int r = cv_budget_spent(&call->budget) || call->alloc.failed
		                ? 0
		                : cv_read_page(ctx, call, doc, i, t, failed ? NULL : first_failure,
		                               sizeof first_failure);
		t->pages_read = i + 1;
		if (call->alloc.failed)
			rc = oa_error(OFFERAPI_ENOMEM, "out of memory while reading the PDF");
		else if (call->budget.expired)
			rc = cv_timeout_error(&call->budget, i + 1, pages);
		else if (r > 0)
			failed++;
		else if (r < 0)
			rc = r;
	}
	if (rc == 0 && t->nomem)
		rc = oa_error(OFFERAPI_ENOMEM, "out of memory while extracting the text");

	pdf_document *pdoc = pdf_specifics(ctx, doc);
	int repaired = pdoc ? pdf_was_repaired(ctx, pdoc) : 0;
	fz_drop_document(ctx, doc);

	if (rc == 0 && failed == pages)
		rc = oa_error(OFFERAPI_EPDFDAMAGED,
		              "the PDF is damaged and no page "
		              "could be read (%s)",
		              first_failure);
	/* Text is missing from a file MuPDF had to repair: say it is damaged,
	 * not that it is a scan, which would mislead the candidate. */
	else if (rc == 0 && t->readable == 0 && (repaired || failed > 0))
		rc = oa_error(OFFERAPI_EPDFDAMAGED, "the PDF is damaged: no text "
		                                    "could be recovered from it");
	/* Blanks only, or only glyphs that map to no character (U+FFFD: a font
	 * without a Unicode map) is no text a scorer can use. */
	else if (rc == 0 && t->readable == 0)
		rc = oa_error(OFFERAPI_ENOTEXT, "the PDF has no extractable text "
		                                "(a scanned image?)");
	else if (rc == 0 && failed > 0)
		oa_log(OFFERAPI_LOG_INFO, "cv: %d of %d pages could not be read (%s)", failed,
		       pages, first_failure);
	return rc;
}

/* The limits of one call, defaults applied. */
typedef struct cv_bounds {
	size_t max_bytes, max_text;
	unsigned max_pages;
	double max_cpu_s;
} cv_bounds;

/* Check @p limits (NULL, version 1 or 2) and fill @p b with the defaults
 * applied; version 1 ends before max_cpu_ms, which is then not read. */
static int cv_bounds_of(const offerapi_cv_limits *limits, cv_bounds *b)
{
	if (limits && (limits->version < 1 || limits->version > OFFERAPI_CV_LIMITS_VERSION))
		return oa_error(OFFERAPI_EINVAL,
		                "limits: unsupported version %u "
		                "(expected 1 to %u)",
		                limits->version, OFFERAPI_CV_LIMITS_VERSION);
	b->max_bytes = limits && limits->max_bytes ? limits->max_bytes
	                                           : OFFERAPI_CV_DEFAULT_MAX_BYTES;
	b->max_pages = limits && limits->max_pages ? limits->max_pages
	                                           : OFFERAPI_CV_DEFAULT_MAX_PAGES;
	b->max_text = limits && limits->max_text ? limits->max_text : OFFERAPI_CV_DEFAULT_MAX_TEXT;
	unsigned cpu_ms = limits && limits->version >= 2 && limits->max_cpu_ms
	                          ? limits->max_cpu_ms
	                          : OFFERAPI_CV_DEFAULT_MAX_CPU_MS;
	b->max_cpu_s = cpu_ms / 1000.0;
	/* MuPDF counts pages in an int; and the text buffer's growth
	 * (cv_text_append) must not overflow with a huge max_text. */
	if (b->max_pages > INT32_MAX)
		b->max_pages = INT32_MAX;
	if (b->max_text > SIZE_MAX / 4)
		b->max_text = SIZE_MAX / 4;
	return 0;
}

/* The checks made before MuPDF sees anything: size, emptiness, header. */
static int cv_precheck(const void *pdf, size_t len, size_t max_bytes)
{
	if (len > max_bytes) {
		char have[32], most[32];
		cv_format_size(have, sizeof have, len);
		cv_format_size(most, sizeof most, max_bytes);
		if (strcmp(have, most) == 0) { /* rounding hid the difference */
			snprintf(have, sizeof have, "%zu bytes", len);
			snprintf(most, sizeof most, "%zu bytes", max_bytes);
		}
		return oa_error(OFFERAPI_ETOOBIG, "the PDF is %s, at most %s are accepted", have,
		                most);
	}
	if (len == 0)
		return oa_error(OFFERAPI_ENOTPDF, "the file is empty");
	if (!cv_has_pdf_header(pdf, len))
		return oa_error(OFFERAPI_ENOTPDF, "the file is not a PDF");
	return 0;
}

/*
 * Contract: include/offerapi/cv.h. Cheap checks first (arguments, size,
 * header), so that junk never reaches MuPDF; then one private MuPDF context
 * for the whole call.
 */
int offerapi_cv_extract(char **out, size_t *out_len, const void *pdf, size_t len,
                        const offerapi_cv_limits *limits)
{
	if (out)
		*out = NULL;
	if (out_len)
		*out_len = 0;
	if (!out)
		return oa_error(OFFERAPI_EINVAL, "out: missing");
	if (!pdf)
		return oa_error(OFFERAPI_EINVAL, "pdf: missing");
	cv_bounds bounds = { 0 };
	int rc = cv_bounds_of(limits, &bounds);
	if (rc == 0)
		rc = cv_precheck(pdf, len, bounds.max_bytes);
	if (rc != 0)
		return rc;

	cv_call call = {
		.alloc = { .cap = CV_MEMORY_CAP, .budget = &call.budget },
		.budget = { .start = cv_thread_cpu(), .limit = bounds.max_cpu_s },
	};
	fz_alloc_context allocator = {
		.user = &call.alloc,
		.malloc = cv_malloc,
		.realloc = cv_realloc,
		.free = cv_free,
	};
	call.alloc.reserve = malloc(CV_RESERVE_BYTES);
	fz_context *ctx = call.alloc.reserve ? cv_new_context(&allocator) : NULL;
	if (!ctx) {
		cv_alloc_reclaim(&call.alloc);
		return oa_error(OFFERAPI_ENOMEM, "out of memory (cannot start the PDF reader)");
	}
	fz_set_user_context(ctx, &call);
	fz_set_warning_callback(ctx, cv_on_message, &call.messages);
	fz_set_error_callback(ctx, cv_on_message, &call.messages);

	cv_text t = { .max = bounds.max_text };
	rc = call.alloc.failed ? OFFERAPI_ENOMEM
	                       : cv_extract_ctx(ctx, &call, &t, pdf, len, bounds.max_pages);
	fz_drop_context(ctx);
	/* MuPDF gets over many failed allocations (a font it cannot load, a
	 * stream it cannot inflate) and reads on: the text could then lack
	 * words, or the file look damaged. Memory running out is not a
	 * property of the file: say so, whatever MuPDF made of it. (A refusal
	 * by the cap is, and is handled as such above.) */
	if (call.alloc.failed && rc != OFFERAPI_EPDFTOOCOMPLEX)
		rc = oa_error(OFFERAPI_ENOMEM, "out of memory while reading the PDF");
	size_t leaked = cv_alloc_reclaim(&call.alloc);
	oa_log(OFFERAPI_LOG_DEBUG,
	       "cv: read %d pages of a %zu-byte PDF: %zu bytes "
	       "of text%s; MuPDF peak %zu KiB, %zu bytes reclaimed from MuPDF; "
	       "%.3f s of CPU",
	       t.pages_read, len, t.len, t.full ? " (cut at max_text)" : "", call.alloc.peak >> 10,
	       leaked, cv_thread_cpu() - call.budget.start);
	if (rc != 0) {
		free(t.buf);
		return rc;
	}

	/* Valid by construction; checked anyway because this text goes into
	 * the database and to scorers, which trust it. */
	t.buf[t.len] = '\0';
	if (!oa_utf8_valid(t.buf, t.len)) {
		free(t.buf);
		return oa_error(OFFERAPI_ERROR, "internal error: extracted text is not "
		                                "valid UTF-8");
	}
	*out = t.buf;
	if (out_len)
		*out_len = t.len;
	return 0;
}
