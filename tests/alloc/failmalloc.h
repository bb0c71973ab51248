/*
 * failmalloc.h - make the n-th allocation fail, as SQLite's test_malloc.c,
 * curl's `runtests.pl -t` and jansson's test_chaos.c do.
 *
 * failmalloc.c defines malloc, calloc, realloc and free in the test program
 * itself. An executable's symbols come first in the dynamic linker's search,
 * so every allocation of the process goes through them: libofferapi's own,
 * and those of everything it calls (SQLite, jansson, libsodium,
 * libunistring, MuPDF through cv.c's allocator, glibc). They forward to the
 * next definition (glibc's, or AddressSanitizer's in a sanitizer build,
 * found with dlsym(RTLD_NEXT)), so ASan and LeakSanitizer still see every
 * block. Nothing of this is in the library or its ABI.
 *
 * Only allocations made on the calling thread between failmalloc_arm() and
 * failmalloc_disarm() are counted, so the test's own allocations never fail.
 */
#ifndef OFFERAPI_TEST_FAILMALLOC_H
#define OFFERAPI_TEST_FAILMALLOC_H

#include <stdbool.h>
#include <stdint.h>

/* Count allocations from now on this thread; the @p n-th (from 1) fails,
 * and when @p persistent every later one too (0: count, fail none). */
void failmalloc_arm(unsigned long n, bool persistent);

/* Count allocations from now on this thread without failing any, and record
 * where each comes from: @p sites[i] is a hash of the @p depth return
 * addresses above malloc (the caller and its callers) of the (i+1)-th
 * allocation, for the first @p cap allocations. Two allocations with the
 * same hash were asked for along the same call path. The hashes are only
 * meaningful within this process (addresses move from run to run). */
void failmalloc_record(uint64_t *sites, unsigned long cap, int depth);

/* Stop counting. Returns the number of allocations counted since arming
 * (failed ones included). */
unsigned long failmalloc_disarm(void);

/* True when the last armed run reached its n-th allocation (and failed it). */
bool failmalloc_fired(void);

/* The file name of the shared object (or program) whose code asked for the
 * first allocation that failed ("libsodium.so.23"), or "?". */
const char *failmalloc_fired_in(void);

#endif
