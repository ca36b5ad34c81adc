/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event sequence tracking for watch: every event of a namespace takes the
 * next sequence number, so a number that never arrives is an event lost.
 * The kernel sends events from per-CPU buffers, so they may arrive a
 * little out of order: a missing number is reported only once it has not
 * arrived within SEQ_GRACE seconds.
 */
#ifndef TCPOBS_SEQTRACK_H
#define TCPOBS_SEQTRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEQ_GRACE 1.0
#define SEQ_MAX_PENDING 64

struct seq_gap {
	uint64_t from, to;
	double deadline;
};

struct seqtrack {
	bool started;
	uint64_t next;		/* the number expected next */
	size_t n;
	struct seq_gap pend[SEQ_MAX_PENDING];	/* oldest first */
};

/* Called for each gap found lost: events @from..@to. */
typedef void (*seq_report_t)(uint64_t from, uint64_t to, void *arg);

void seq_init(struct seqtrack *t);
/* Event @seq arrived at @now (seconds, any monotonic clock). */
void seq_feed(struct seqtrack *t, uint64_t seq, double now, seq_report_t report,
	      void *arg);
/* Reports the gaps whose grace period is over at @now, or all if @all. */
void seq_flush(struct seqtrack *t, double now, bool all, seq_report_t report,
	       void *arg);
/* The earliest deadline of a pending gap, or -1 if none. */
double seq_deadline(const struct seqtrack *t);

#endif
