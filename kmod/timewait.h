/* SPDX-License-Identifier: GPL-2.0 */
/* tcpobs: the TIME_WAIT inventory (timewait.c). */
#ifndef _TCPOBS_TIMEWAIT_H
#define _TCPOBS_TIMEWAIT_H

#include <net/tcp.h>

#include "tcpobs.h"
#include "uapi/linux/tcpobs.h"

int tcpobs_timewait_init(void);
void tcpobs_timewait_exit(void);
unsigned long tcpobs_timewait_missed(void);
int tcpobs_timewait_counters(struct net *net, struct tcpobs_emit *e);

struct tcpobs_tw_row {
	long count;
	struct in6_addr addr;
	u16 port;
	u8 family;
};

unsigned int tcpobs_timewait_top(struct net *net, unsigned int kind,
				 unsigned int want, struct tcpobs_tw_row *top);
unsigned int tcpobs_timewait_default_top(void);
long tcpobs_timewait_ages(struct net *net, long ages[TCPOBS_TW_AGE_BUCKETS]);
int tcpobs_timewait_show(struct seq_file *seq, void *v);
unsigned long tcpobs_timewait_chain_max(struct tcpobs_tw *t);

extern const struct tcpobs_net_feature tcpobs_timewait_feature;

/*
 * The arithmetic of the ring and the top rows, here rather than in
 * timewait.c so that the KUnit suites (tcpobs_kunit.c) test the very code
 * the module runs.
 */

/* The ring slot of a timer expiring at @expires (jiffies): its second. */
static inline unsigned int tcpobs_tw_slot(unsigned long expires)
{
	return (expires / HZ) % TCPOBS_TW_SLOTS;
}

/*
 * Seconds left at @now (jiffies) on the timers of ring slot @slot, from
 * the ring position alone: in [-16, 112). A timer is armed at most
 * TCP_TIMEWAIT_LEN ahead, so no slot is 112 s or more ahead, while one
 * just behind now holds timers that are due but not yet run (their
 * softirq is late): those are the last 16 positions.
 */
static inline int tcpobs_tw_left(unsigned int slot, unsigned long now)
{
	int left = (int)((slot - now / HZ) % TCPOBS_TW_SLOTS);

	if (left >= TCPOBS_TW_SLOTS - 16)
		left -= TCPOBS_TW_SLOTS;
	return left;
}

/*
 * The time waited, in whole seconds, by a minisock with @left seconds
 * left on a timer armed to @armed jiffies: TCP_TIMEWAIT_LEN in TIME-WAIT,
 * tcp_fin_timeout in FIN-WAIT-2. Rounding both the expiry and now down to
 * their second can make armed - left one more than the whole seconds
 * waited, never less; minus 1, an age is never more than the time waited,
 * and -1 in the first second of a timer.
 */
static inline int tcpobs_tw_age(int left, int armed)
{
	return armed / HZ - 1 - left;
}

/*
 * The age buckets' lower edges, in seconds: [0,1) [1,2) [2,4) ... [32,60)
 * [60,...); edge b starts bucket b + 1. The last edge is the TIME-WAIT
 * length itself: a minisock older than that waits on a late timer.
 */
static inline unsigned int tcpobs_tw_age_edge(unsigned int b)
{
	return b < TCPOBS_TW_AGE_BUCKETS - 2 ? 1U << b : TCP_TIMEWAIT_LEN / HZ;
}

/* Age bucket @b's bounds in seconds; to is 0 for the last, unbounded. */
static inline void tcpobs_timewait_age_bounds(unsigned int b, u32 *from, u32 *to)
{
	*from = b ? tcpobs_tw_age_edge(b - 1) : 0;
	*to = b < TCPOBS_TW_AGE_BUCKETS - 1 ? tcpobs_tw_age_edge(b) : 0;
}

/* The age bucket of @age seconds; a negative age counts as 0. */
static inline unsigned int tcpobs_tw_age_bucket(int age)
{
	unsigned int b = 0;

	while (b < TCPOBS_TW_AGE_BUCKETS - 1 && age >= (int)tcpobs_tw_age_edge(b))
		b++;
	return b;
}

/*
 * One row of @count offered to @top, the *@n (at most @want) largest rows
 * so far, largest first: returns the row to fill in, its count set, or
 * NULL when @count does not make the list. A tie goes after the rows
 * already there, and is left out when the list is full: the first row
 * found of a count stays.
 */
static inline struct tcpobs_tw_row *
tcpobs_tw_top_insert(struct tcpobs_tw_row *top, unsigned int *n,
		     unsigned int want, long count)
{
	unsigned int j;

	if (!want || (*n == want && count <= top[*n - 1].count))
		return NULL;
	j = *n < want ? (*n)++ : *n - 1;
	while (j > 0 && top[j - 1].count < count) {
		top[j] = top[j - 1];
		j--;
	}
	top[j].count = count;
	return &top[j];
}

#endif /* _TCPOBS_TIMEWAIT_H */
