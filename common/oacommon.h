/*
 * oacommon.h - small helpers that the library, the server, the plugins and
 * the tools share. Built as a static, position-independent archive and
 * linked into each of them (a plugin stays one .so with no new runtime
 * dependency); never installed, never part of any exported ABI.
 */
#ifndef OFFERAPI_OACOMMON_H
#define OFFERAPI_OACOMMON_H

#include <stdbool.h>
#include <stddef.h>

/* True when the @len bytes at @s are strict UTF-8: no overlong forms, no
 * surrogates, nothing above U+10FFFF, and no NUL byte (text is handled as
 * C strings everywhere). */
bool oa_utf8_valid(const char *s, size_t len);

#endif
