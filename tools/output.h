/* SPDX-License-Identifier: GPL-2.0 */
/* Text and JSON output of listeners, sockets and counters. */
#ifndef TCPOBS_OUTPUT_H
#define TCPOBS_OUTPUT_H

#include <stdio.h>

#include "json.h"
#include "msg.h"
#include "table.h"

#define LISTENER_COLUMNS \
	"local backlog accept_q accept_q_max syn_q syn_q_max listen_overflows listen_drops reqq_full_drops reqq_full_cookies syncookies_sent syncookies_recv syncookies_failed cookie"
#define SOCKET_COLUMNS \
	"local peer state age_in_state age transitions cookie ecn ce ect0 ect1 noect ece_in ece_out cwr_in cwr_out delivered_ce"

/* Counters as a JSON object {name: value}. */
void json_counters(struct json *j, const struct counters *c);
/* Counters as "name value" rows. */
void table_counters(struct table *t, const struct counters *c);

/* The fields of a listener, inside an open JSON object. */
void json_listener_fields(struct json *j, const struct listener *l);
/* Listener rows of the procfs columns (LISTENER_COLUMNS). */
void table_listener(struct table *t, const struct listener *l);
void print_listeners(FILE *f, const struct listeners *ls);
/* @now: CLOCK_BOOTTIME ns, for "last_ago". */
void json_listeners(FILE *f, const struct listeners *ls, uint64_t now);

void print_sockets(FILE *f, const struct sockets *ss);
void json_sockets(FILE *f, const struct sockets *ss);

#endif
