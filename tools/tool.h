/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpobs(8): shared declarations of the tool.
 */
#ifndef TCPOBS_TOOL_H
#define TCPOBS_TOOL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpobs.h"	/* kmod/uapi/linux/tcpobs.h, via -I */

#define TOOL_NAME	"tcpobs"
#define TOOL_VERSION	"0.1.0"

/* Exit codes. */
#define EXIT_OK		0
#define EXIT_FAIL	1	/* runtime error: module missing, kernel error */
#define EXIT_USAGE	2	/* bad arguments */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Global options (main.c). */
struct opts {
	bool json;
	bool pretty;
	bool numeric;
	bool no_header;
	const char *netns;	/* -N NAME, or NULL */
	double interval;	/* seconds */
	long count;		/* 0: unlimited */
	long rcvbuf;		/* --rcvbuf, 0: default */
};
extern struct opts opt;

/* Arguments of a command, after parsing. */
struct cmd_args {
	const char *name;	/* the command, for messages */
	bool has_port;
	uint16_t port;
	bool has_state;
	uint8_t state;
	uint32_t top;		/* 0: kernel default */
	uint32_t events;	/* watch: TCPOBS_EVENTS_* bits */
};

/* Messages on stderr, prefixed with "tcpobs: ". */
void warnmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A usage error: the reason and the hint; returns EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Commands (commands.c, watch.c, top.c, diagnose.c, export.c). */
int cmd_stats(const struct cmd_args *a);
int cmd_listeners(const struct cmd_args *a);
int cmd_sockets(const struct cmd_args *a);
int cmd_states(const struct cmd_args *a);
int cmd_timewait(const struct cmd_args *a);
int cmd_lifetimes(const struct cmd_args *a);
int cmd_ecn(const struct cmd_args *a);
int cmd_reset(const struct cmd_args *a);
int cmd_watch(const struct cmd_args *a);
int cmd_top(const struct cmd_args *a);
int cmd_diagnose(const struct cmd_args *a);
int cmd_export(const struct cmd_args *a);
int cmd_features(const struct cmd_args *a);

/* Monotonic and boot-time clocks, in seconds / nanoseconds. */
double now_mono(void);
uint64_t now_boottime_ns(void);
/* Sleeps @secs seconds, cut short by a signal that sets *@stop. */
void sleep_secs(double secs, volatile sig_atomic_t *stop);

#endif
