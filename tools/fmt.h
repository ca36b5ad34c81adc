/* SPDX-License-Identifier: GPL-2.0 */
/* Formatting and parsing of addresses, times, states, numbers. */
#ifndef TCPOBS_FMT_H
#define TCPOBS_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ADDR_LEN	48	/* an IPv6 address, NUL included */
#define ENDPOINT_LEN	64	/* "[addr]:port" */

#define TCP_STATE_MAX	13	/* BOUND-INACTIVE, 6.6 and later */

/* ss(8)'s name of TCP state @s (1 ESTAB .. 13 BOUND-INACTIVE), or "UNKNOWN". */
const char *state_name(unsigned int s);
/*
 * A state from its name, case-insensitive: ss's display names (ESTAB,
 * SYN-SENT, ...), ss's filter names (established, syn-sent, ..., closed,
 * listening), with '-' or '_', or the number. -1 if unknown.
 */
int state_parse(const char *s);

/* The name of enum tcpobs_cause @c (as the procfs columns), or NULL. */
const char *cause_name(unsigned int c);
int cause_parse(const char *s);

/* "inet" / "inet6", or "unknown". */
const char *family_name(unsigned int family);

/*
 * @addr of @alen bytes, 4 for AF_INET and 16 for AF_INET6, as
 * inet_ntop(3) prints it. Returns 0, or -1 (and "?") if the family and
 * length do not match.
 */
int fmt_addr(char *buf, size_t len, unsigned int family, const void *addr,
	     size_t alen);
/* "127.0.0.1:8080", "[::1]:8080". Returns as fmt_addr(). */
int fmt_endpoint(char *buf, size_t len, unsigned int family, const void *addr,
		 size_t alen, unsigned int port);
/* Nanoseconds as seconds with 3 decimals, truncated: "12.412". */
void fmt_secs3(char *buf, size_t len, uint64_t ns);
/* A socket cookie in hexadecimal, as procfs and ss -e: "2f". */
void fmt_cookie(char *buf, size_t len, uint64_t cookie);

/* Strict decimal parsing; 0 on success, -1 otherwise. */
int parse_ulong(const char *s, unsigned long min, unsigned long max,
		unsigned long *v);
/* A port, 1..65535. */
int parse_port(const char *s, uint16_t *port);
/* Seconds, a positive decimal number up to a day ("1", "0.5"). */
int parse_seconds(const char *s, double *v);

/* Prometheus label value escaping (backslash, quote, newline). */
void prom_escape(char *buf, size_t len, const char *s);

#endif
