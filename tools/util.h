/* SPDX-License-Identifier: GPL-2.0 */
/* Allocation that cannot fail (the tool exits on out-of-memory). */
#ifndef TCPOBS_UTIL_H
#define TCPOBS_UTIL_H

#include <stddef.h>

void oom(void) __attribute__((noreturn));
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
/*
 * Grows the array *@v of *@n elements of @size bytes by one zeroed element
 * and returns it; *@cap is its capacity.
 */
void *vec_push(void *v, size_t *n, size_t *cap, size_t size);

#endif
