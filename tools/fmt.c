// SPDX-License-Identifier: GPL-2.0
/* Formatting and parsing of addresses, times, states, numbers. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "fmt.h"
#include "tool.h"

static const char *const state_names[TCP_STATE_MAX + 1] = {
	[1] = "ESTAB",
	[2] = "SYN-SENT",
	[3] = "SYN-RECV",
	[4] = "FIN-WAIT-1",
	[5] = "FIN-WAIT-2",
	[6] = "TIME-WAIT",
	[7] = "CLOSE",
	[8] = "CLOSE-WAIT",
	[9] = "LAST-ACK",
	[10] = "LISTEN",
	[11] = "CLOSING",
	[12] = "NEW-SYN-RECV",
	[13] = "BOUND-INACTIVE",
};

/* ss(8)'s filter names and other spellings. */
static const struct {
	const char *name;
	int state;
} state_aliases[] = {
	{ "established", 1 },
	{ "syn-received", 3 },
	{ "closed", 7 },
	{ "listening", 10 },
};

const char *state_name(unsigned int s)
{
	if (s > TCP_STATE_MAX || !state_names[s])
		return "UNKNOWN";
	return state_names[s];
}

/* Case-insensitive, '_' matching '-'. */
static bool state_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a == '_' ? '-' : tolower((unsigned char)*a);
		char y = *b == '_' ? '-' : tolower((unsigned char)*b);

		if (x != y)
			return false;
	}
	return !*a && !*b;
}

int state_parse(const char *s)
{
	unsigned long n;
	unsigned int i;

	if (!s || !*s)
		return -1;
	for (i = 1; i <= TCP_STATE_MAX; i++)
		if (state_eq(s, state_names[i]))
			return i;
	for (i = 0; i < ARRAY_SIZE(state_aliases); i++)
		if (state_eq(s, state_aliases[i].name))
			return state_aliases[i].state;
	if (!parse_ulong(s, 1, TCP_STATE_MAX, &n))
		return (int)n;
	return -1;
}

static const char *const cause_names[__TCPOBS_CAUSE_MAX] = {
	[TCPOBS_CAUSE_LISTEN_OVERFLOWS] = "listen_overflows",
	[TCPOBS_CAUSE_LISTEN_DROPS] = "listen_drops",
	[TCPOBS_CAUSE_REQQ_FULL_DROPS] = "reqq_full_drops",
	[TCPOBS_CAUSE_REQQ_FULL_COOKIES] = "reqq_full_cookies",
	[TCPOBS_CAUSE_SYNCOOKIES_SENT] = "syncookies_sent",
	[TCPOBS_CAUSE_SYNCOOKIES_RECV] = "syncookies_recv",
	[TCPOBS_CAUSE_SYNCOOKIES_FAILED] = "syncookies_failed",
};

const char *cause_name(unsigned int c)
{
	return c < __TCPOBS_CAUSE_MAX ? cause_names[c] : NULL;
}

int cause_parse(const char *s)
{
	unsigned int i;

	for (i = 0; i < __TCPOBS_CAUSE_MAX; i++)
		if (!strcmp(s, cause_names[i]))
			return i;
	return -1;
}

const char *family_name(unsigned int family)
{
	switch (family) {
	case AF_INET:
		return "inet";
	case AF_INET6:
		return "inet6";
	default:
		return "unknown";
	}
}

int fmt_addr(char *buf, size_t len, unsigned int family, const void *addr,
	     size_t alen)
{
	if (!addr || !((family == AF_INET && alen == 4) ||
		       (family == AF_INET6 && alen == 16)) ||
	    !inet_ntop(family, addr, buf, len)) {
		snprintf(buf, len, "?");
		return -1;
	}
	return 0;
}

int fmt_endpoint(char *buf, size_t len, unsigned int family, const void *addr,
		 size_t alen, unsigned int port)
{
	char a[ADDR_LEN];
	int err = fmt_addr(a, sizeof(a), family, addr, alen);

	if (family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
	return err;
}

void fmt_secs3(char *buf, size_t len, uint64_t ns)
{
	snprintf(buf, len, "%llu.%03u", (unsigned long long)(ns / 1000000000ULL),
		 (unsigned int)(ns % 1000000000ULL / 1000000ULL));
}

void fmt_cookie(char *buf, size_t len, uint64_t cookie)
{
	snprintf(buf, len, "%llx", (unsigned long long)cookie);
}

int parse_ulong(const char *s, unsigned long min, unsigned long max,
		unsigned long *v)
{
	unsigned long long n;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || *end || n < min || n > max)
		return -1;
	*v = (unsigned long)n;
	return 0;
}

int parse_port(const char *s, uint16_t *port)
{
	unsigned long n;

	if (parse_ulong(s, 1, 65535, &n))
		return -1;
	*port = (uint16_t)n;
	return 0;
}

int parse_seconds(const char *s, double *v)
{
	char *end;
	double d;

	if (!s || !(isdigit((unsigned char)*s) || *s == '.'))
		return -1;
	errno = 0;
	d = strtod(s, &end);
	if (errno || *end || !isfinite(d) || d <= 0 || d > 86400)
		return -1;
	*v = d;
	return 0;
}

void prom_escape(char *buf, size_t len, const char *s)
{
	size_t o = 0;

	if (!len)
		return;
	for (; *s && o + 1 < len; s++) {
		const char *rep = NULL;

		if (*s == '\\')
			rep = "\\\\";
		else if (*s == '"')
			rep = "\\\"";
		else if (*s == '\n')
			rep = "\\n";
		if (rep) {
			if (o + 2 >= len)
				break;
			buf[o++] = rep[0];
			buf[o++] = rep[1];
		} else {
			buf[o++] = *s;
		}
	}
	buf[o] = '\0';
}
