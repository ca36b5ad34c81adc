// SPDX-License-Identifier: GPL-2.0
/* Allocation helpers, clocks, messages. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tool.h"
#include "util.h"

void oom(void)
{
	fputs(TOOL_NAME ": out of memory\n", stderr);
	exit(EXIT_FAIL);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		oom();
	return d;
}

void *vec_push(void *v, size_t *n, size_t *cap, size_t size)
{
	void **pv = v;
	char *e;

	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		*pv = xrealloc(*pv, *cap * size);
	}
	e = (char *)*pv + *n * size;
	memset(e, 0, size);
	(*n)++;
	return e;
}

void warnmsg(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs(TOOL_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs(TOOL_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry '" TOOL_NAME " --help'.\n", stderr);
	return EXIT_USAGE;
}

double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

uint64_t now_boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void sleep_secs(double secs, volatile sig_atomic_t *stop)
{
	struct timespec ts;

	if (!(secs > 0))
		return;
	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - floor(secs)) * 1e9);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		if (stop && *stop)
			return;
}
