/* SPDX-License-Identifier: GPL-2.0 */
/* top and export: per-listener rates and the Prometheus exposition. */
#ifndef TCPOBS_TOP_H
#define TCPOBS_TOP_H

#include <stdio.h>

#include "msg.h"

struct top_row {
	const struct listener *l;
	uint64_t delta;		/* listen_drops over the interval */
	double rate;		/* per second */
};

/*
 * The rows of @cur with their listen_drops rate since @prev (a listener
 * new in @cur counts from 0), @elapsed seconds apart, sorted by rate, then
 * listen_drops, descending. @rows has room for cur->n.
 */
void top_rows(const struct listeners *prev, const struct listeners *cur,
	      double elapsed, struct top_row *rows);

/*
 * The Prometheus text exposition of the namespace @netns: per-listener
 * series (listeners with the same address and port, SO_REUSEPORT groups,
 * summed) and the namespace totals of @st.
 */
void prom_write(FILE *f, const char *netns, const struct stats_reply *st,
		const struct listeners *ls);

#endif
