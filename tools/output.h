/* SPDX-License-Identifier: GPL-2.0 */
/* Listeners, sockets and counters, described once for text and JSON. */
#ifndef TCPOBS_OUTPUT_H
#define TCPOBS_OUTPUT_H

#include "msg.h"
#include "print.h"

/*
 * Counters: with PRINT_FP in @type, "name value" rows of the current
 * table; with PRINT_JSON, the object @key, {name: value, ...}.
 */
void print_counters(enum output_type type, const char *key,
		    const struct counters *c);

/*
 * The fields of a listener: its procfs columns (local backlog accept_q
 * accept_q_max syn_q syn_q_max, the causes, cookie) where @type says, then
 * family, addr and port in JSON only.
 */
void print_listener(enum output_type type, const struct listener *l);

/*
 * A table of listeners, in JSON an array of objects with their
 * listener_events; @now: CLOCK_BOOTTIME ns, for "last_ago".
 */
void print_listeners(const struct listeners *ls, uint64_t now);
/* A table of sockets, in JSON an array of objects. */
void print_sockets(const struct sockets *ss);

#endif
