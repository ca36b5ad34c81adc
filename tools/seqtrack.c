// SPDX-License-Identifier: GPL-2.0
/* Event sequence tracking: gaps are lost events, with a grace period. */
#include <string.h>

#include "seqtrack.h"

void seq_init(struct seqtrack *t)
{
	memset(t, 0, sizeof(*t));
}

static void seq_remove(struct seqtrack *t, size_t i)
{
	memmove(&t->pend[i], &t->pend[i + 1], (t->n - i - 1) * sizeof(t->pend[0]));
	t->n--;
}

/* Adds a pending gap, reporting the oldest if there is no room. */
static void seq_add(struct seqtrack *t, uint64_t from, uint64_t to,
		    double deadline, seq_report_t report, void *arg)
{
	size_t i;

	if (t->n == SEQ_MAX_PENDING) {
		report(t->pend[0].from, t->pend[0].to, arg);
		seq_remove(t, 0);
	}
	/* Keep the list ordered by sequence number (deadlines follow). */
	for (i = t->n; i > 0 && t->pend[i - 1].from > from; i--)
		;
	memmove(&t->pend[i + 1], &t->pend[i], (t->n - i) * sizeof(t->pend[0]));
	t->pend[i] = (struct seq_gap){ .from = from, .to = to, .deadline = deadline };
	t->n++;
}

void seq_feed(struct seqtrack *t, uint64_t seq, double now, seq_report_t report,
	      void *arg)
{
	size_t i;

	if (!t->started) {
		t->started = true;
		t->next = seq + 1;
		return;
	}
	if (seq >= t->next) {
		if (seq > t->next)
			seq_add(t, t->next, seq - 1, now + SEQ_GRACE, report, arg);
		t->next = seq + 1;
		return;
	}
	/* A late one: fill its gap, if it is pending (else a duplicate). */
	for (i = 0; i < t->n; i++) {
		struct seq_gap *g = &t->pend[i];

		if (seq < g->from || seq > g->to)
			continue;
		if (g->from == g->to) {
			seq_remove(t, i);
		} else if (seq == g->from) {
			g->from++;
		} else if (seq == g->to) {
			g->to--;
		} else {
			struct seq_gap hi = { seq + 1, g->to, g->deadline };

			g->to = seq - 1;
			seq_add(t, hi.from, hi.to, hi.deadline, report, arg);
		}
		return;
	}
}

void seq_flush(struct seqtrack *t, double now, bool all, seq_report_t report,
	       void *arg)
{
	size_t i = 0;

	while (i < t->n) {
		if (all || t->pend[i].deadline <= now) {
			report(t->pend[i].from, t->pend[i].to, arg);
			seq_remove(t, i);
		} else {
			i++;
		}
	}
}

double seq_deadline(const struct seqtrack *t)
{
	double d = -1;
	size_t i;

	for (i = 0; i < t->n; i++)
		if (d < 0 || t->pend[i].deadline < d)
			d = t->pend[i].deadline;
	return d;
}
