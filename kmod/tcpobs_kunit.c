// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites of tcpobs's arithmetic: the time-in-state buckets, the
 * TIME_WAIT ring and its ages, the top rows, the listen-drop MIB deltas.
 *
 * A module of its own (tcpobs_kunit.ko, built only against a kernel with
 * KUnit: the debug kernel), testing the static inline functions of the
 * units' headers, which are the code tcpobs.ko runs. Loading it runs the
 * suites; selftests/vm/tests/kunit.sh turns their results into TAP. It
 * needs no tcpobs state and calls nothing in tcpobs.ko.
 *
 * Each case is an edge where the arithmetic could go wrong: zero, the
 * exact powers of two, the clamps, the ring's wrap-around, unsigned
 * wrap-around.
 */
#include <kunit/test.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>

#include "listen_drops.h"
#include "sockets.h"
#include "timewait.h"

/* --- time-in-state buckets ------------------------------------------- */

static void tcpobs_lt_zero(struct kunit *test)
{
	/* ilog2(0) is undefined: 0 us must not reach it. */
	KUNIT_EXPECT_EQ(test, tcpobs_lt_bucket(0), 0U);
	KUNIT_EXPECT_EQ(test, tcpobs_lt_bucket(1), 1U);
}

static void tcpobs_lt_powers_of_two(struct kunit *test)
{
	unsigned int b;

	/*
	 * Bucket b holds [2^(b-1), 2^b): each power opens the next one.
	 * (Asserts in loops: the first failure ends the case, whose log
	 * holds 512 bytes.)
	 */
	for (b = 1; b < TCPOBS_LT_BUCKETS - 1; b++) {
		u64 p = 1ULL << (b - 1);

		KUNIT_ASSERT_EQ_MSG(test, tcpobs_lt_bucket(p), b, "us = %llu", p);
		KUNIT_ASSERT_EQ_MSG(test, tcpobs_lt_bucket(2 * p - 1), b,
				    "us = %llu", 2 * p - 1);
		KUNIT_ASSERT_EQ_MSG(test, tcpobs_lt_bucket(2 * p), b + 1,
				    "us = %llu", 2 * p);
	}
}

static void tcpobs_lt_clamp(struct kunit *test)
{
	const unsigned int top = TCPOBS_LT_BUCKETS - 1;

	/* The last bucket opens at 2^38 us and takes everything beyond. */
	KUNIT_EXPECT_EQ(test, tcpobs_lt_bucket((1ULL << (top - 1)) - 1), top - 1);
	KUNIT_EXPECT_EQ(test, tcpobs_lt_bucket(1ULL << (top - 1)), top);
	KUNIT_EXPECT_EQ(test, tcpobs_lt_bucket(1ULL << top), top);
	KUNIT_EXPECT_EQ(test, tcpobs_lt_bucket(1ULL << 63), top);
	KUNIT_EXPECT_EQ(test, tcpobs_lt_bucket(U64_MAX), top);
}

static struct kunit_case tcpobs_lt_cases[] = {
	KUNIT_CASE(tcpobs_lt_zero),
	KUNIT_CASE(tcpobs_lt_powers_of_two),
	KUNIT_CASE(tcpobs_lt_clamp),
	{}
};

static struct kunit_suite tcpobs_lt_suite = {
	.name = "tcpobs_lifetimes",
	.test_cases = tcpobs_lt_cases,
};

/* --- the TIME_WAIT ring and its ages --------------------------------- */

/* The age bucket of a timer armed at @armed, read at @now (jiffies). */
static unsigned int tcpobs_test_tw_bucket(unsigned long armed, unsigned long now)
{
	unsigned int slot = tcpobs_tw_slot(armed + TCP_TIMEWAIT_LEN);

	return tcpobs_tw_age_bucket(tcpobs_tw_age(tcpobs_tw_left(slot, now), TCP_TIMEWAIT_LEN));
}

static void tcpobs_tw_slot_wrap(struct kunit *test)
{
	unsigned long t = 5 * TCPOBS_TW_SLOTS * HZ;

	KUNIT_EXPECT_EQ(test, tcpobs_tw_slot(t), 0U);
	KUNIT_EXPECT_EQ(test, tcpobs_tw_slot(t + HZ - 1), 0U);
	KUNIT_EXPECT_EQ(test, tcpobs_tw_slot(t + HZ), 1U);
	KUNIT_EXPECT_EQ(test, tcpobs_tw_slot(t - 1), TCPOBS_TW_SLOTS - 1U);
	KUNIT_EXPECT_EQ(test, tcpobs_tw_slot(t + TCPOBS_TW_SLOTS * HZ), 0U);
}

static void tcpobs_tw_left_ring_end(struct kunit *test)
{
	/* now in the ring's last second: expiries 60 s on have wrapped to the start. */
	unsigned long now = (3 * TCPOBS_TW_SLOTS + TCPOBS_TW_SLOTS - 1) * HZ + HZ / 2;

	KUNIT_EXPECT_EQ(test, tcpobs_tw_left(tcpobs_tw_slot(now + 60 * HZ), now), 60);
	KUNIT_EXPECT_EQ(test, tcpobs_tw_left(0, now), 1);
	KUNIT_EXPECT_EQ(test, tcpobs_tw_left(TCPOBS_TW_SLOTS - 1, now), 0);
	/* now at the ring's start: the slot just before it is the last. */
	now = 4 * TCPOBS_TW_SLOTS * HZ;
	KUNIT_EXPECT_EQ(test, tcpobs_tw_left(TCPOBS_TW_SLOTS - 1, now), -1);
	KUNIT_EXPECT_EQ(test, tcpobs_tw_left(59, now), 59);
}

static void tcpobs_tw_left_negative(struct kunit *test)
{
	unsigned long now = 1000UL * HZ;
	unsigned int here = tcpobs_tw_slot(now);

	/* Up to 16 s overdue is a late timer, negative time left... */
	KUNIT_EXPECT_EQ(test, tcpobs_tw_left(here, now), 0);
	KUNIT_EXPECT_EQ(test, tcpobs_tw_left(tcpobs_tw_slot(now - HZ), now), -1);
	KUNIT_EXPECT_EQ(test, tcpobs_tw_left(tcpobs_tw_slot(now - 16 * HZ), now), -16);
	/* ...beyond that, the ring reads it as far ahead: 111 s is its end. */
	KUNIT_EXPECT_EQ(test, tcpobs_tw_left(tcpobs_tw_slot(now - 17 * HZ), now),
			TCPOBS_TW_SLOTS - 17);
	KUNIT_EXPECT_EQ(test, tcpobs_tw_left(tcpobs_tw_slot(now + 111 * HZ), now), 111);
	/* A late timer is older than TIME-WAIT's length: the last bucket. */
	KUNIT_EXPECT_EQ(test, tcpobs_tw_age_bucket(tcpobs_tw_age(-16, TCP_TIMEWAIT_LEN)),
			TCPOBS_TW_AGE_BUCKETS - 1);
	KUNIT_EXPECT_EQ(test, tcpobs_tw_age(-1, TCP_TIMEWAIT_LEN), TCP_TIMEWAIT_LEN / HZ);
}

static void tcpobs_tw_age_edges(struct kunit *test)
{
	static const int edges[TCPOBS_TW_AGE_BUCKETS - 1] = {
		1, 2, 4, 8, 16, 32, 60
	};
	unsigned int b;
	u32 from, to;

	KUNIT_EXPECT_EQ(test, tcpobs_tw_age_bucket(-1), 0U);
	KUNIT_EXPECT_EQ(test, tcpobs_tw_age_bucket(0), 0U);
	for (b = 0; b < ARRAY_SIZE(edges); b++) {
		KUNIT_ASSERT_EQ_MSG(test, tcpobs_tw_age_bucket(edges[b] - 1), b,
				    "age %d", edges[b] - 1);
		KUNIT_ASSERT_EQ_MSG(test, tcpobs_tw_age_bucket(edges[b]), b + 1,
				    "age %d", edges[b]);
	}
	KUNIT_EXPECT_EQ(test, tcpobs_tw_age_bucket(INT_MAX), TCPOBS_TW_AGE_BUCKETS - 1);

	/* What the files print as each bucket's bounds agrees. */
	for (b = 0; b < TCPOBS_TW_AGE_BUCKETS; b++) {
		tcpobs_timewait_age_bounds(b, &from, &to);
		KUNIT_ASSERT_EQ_MSG(test, from, b ? (u32)edges[b - 1] : 0U, "bucket %u", b);
		KUNIT_ASSERT_EQ_MSG(test, to, b < ARRAY_SIZE(edges) ? (u32)edges[b] : 0U,
				    "bucket %u", b);
	}
}

static void tcpobs_tw_age_of_timer(struct kunit *test)
{
	unsigned long armed = 777UL * HZ + HZ / 3;

	/* Just armed: bucket 0 whatever the phase of the second. */
	KUNIT_EXPECT_EQ(test, tcpobs_test_tw_bucket(armed, armed), 0U);
	KUNIT_EXPECT_EQ(test, tcpobs_test_tw_bucket(armed, armed + HZ / 2), 0U);
	/* An age is never more than the time waited. */
	KUNIT_EXPECT_EQ(test, tcpobs_test_tw_bucket(armed, armed + 2 * HZ - 1), 1U);
	KUNIT_EXPECT_EQ(test, tcpobs_test_tw_bucket(armed, armed + 4 * HZ - 1), 2U);
	/* Due, and late: [32, 60) then [60, ...). */
	KUNIT_EXPECT_EQ(test, tcpobs_test_tw_bucket(armed, armed + 59 * HZ), 6U);
	KUNIT_EXPECT_EQ(test, tcpobs_test_tw_bucket(armed, armed + 62 * HZ), 7U);
}

static void tcpobs_tw_jiffies_wrap(struct kunit *test)
{
	/*
	 * jiffies starts 5 minutes short of 2^32 (INITIAL_JIFFIES) so that
	 * code truncating it to 32 bits breaks at once; the ring must not:
	 * a timer armed 10 s before jiffies passes 2^32 still has 60 s left
	 * when armed, 50 s left 10 s later, and ages by the second across
	 * it. (unsigned long's own wrap, at 2^64 jiffies, is never reached.)
	 */
	unsigned long armed = 0x100000000UL - 10 * HZ;
	unsigned int slot = tcpobs_tw_slot(armed + TCP_TIMEWAIT_LEN);

	KUNIT_EXPECT_EQ(test, tcpobs_tw_left(slot, armed), 60);
	KUNIT_EXPECT_EQ(test, tcpobs_tw_left(slot, armed + 10 * HZ), 50);
	KUNIT_EXPECT_EQ(test, tcpobs_tw_left(slot, armed + 60 * HZ), 0);
	KUNIT_EXPECT_EQ(test, tcpobs_test_tw_bucket(armed, armed + 20 * HZ), 5U);
	KUNIT_EXPECT_EQ(test, tcpobs_test_tw_bucket(INITIAL_JIFFIES, INITIAL_JIFFIES), 0U);
}

static struct kunit_case tcpobs_tw_cases[] = {
	KUNIT_CASE(tcpobs_tw_slot_wrap),
	KUNIT_CASE(tcpobs_tw_left_ring_end),
	KUNIT_CASE(tcpobs_tw_left_negative),
	KUNIT_CASE(tcpobs_tw_age_edges),
	KUNIT_CASE(tcpobs_tw_age_of_timer),
	KUNIT_CASE(tcpobs_tw_jiffies_wrap),
	{}
};

static struct kunit_suite tcpobs_tw_suite = {
	.name = "tcpobs_timewait_ring",
	.test_cases = tcpobs_tw_cases,
};

/* --- the TIME_WAIT top rows ------------------------------------------- */

/* Offers @counts in order, each row's port its index; returns how many made it. */
static unsigned int tcpobs_test_top(const long *counts, unsigned int nc,
				    unsigned int want, struct tcpobs_tw_row *top)
{
	struct tcpobs_tw_row *r;
	unsigned int n = 0, i;

	for (i = 0; i < nc; i++) {
		r = tcpobs_tw_top_insert(top, &n, want, counts[i]);
		if (r)
			r->port = i;
	}
	return n;
}

static void tcpobs_top_sorted(struct kunit *test)
{
	static const long counts[] = { 3, 9, 1, 7, 5, 8 };
	struct tcpobs_tw_row top[3];

	KUNIT_ASSERT_EQ(test, tcpobs_test_top(counts, ARRAY_SIZE(counts), 3, top), 3U);
	KUNIT_EXPECT_EQ(test, top[0].count, 9L);
	KUNIT_EXPECT_EQ(test, top[0].port, 1);
	KUNIT_EXPECT_EQ(test, top[1].count, 8L);
	KUNIT_EXPECT_EQ(test, top[1].port, 5);
	KUNIT_EXPECT_EQ(test, top[2].count, 7L);
	KUNIT_EXPECT_EQ(test, top[2].port, 3);
}

static void tcpobs_top_ties(struct kunit *test)
{
	static const long counts[] = { 4, 6, 4, 6, 4 };
	struct tcpobs_tw_row top[3];

	/* Equal counts keep the order found; a tie with a full list's last stays out. */
	KUNIT_ASSERT_EQ(test, tcpobs_test_top(counts, ARRAY_SIZE(counts), 3, top), 3U);
	KUNIT_EXPECT_EQ(test, top[0].port, 1);
	KUNIT_EXPECT_EQ(test, top[1].port, 3);
	KUNIT_EXPECT_EQ(test, top[2].port, 0);
	KUNIT_EXPECT_EQ(test, top[2].count, 4L);
}

static void tcpobs_top_want_more(struct kunit *test)
{
	static const long counts[] = { 2, 5 };
	struct tcpobs_tw_row *top;

	/* As many rows as the procfs file ever asks for. */
	top = kunit_kmalloc_array(test, TCPOBS_TW_TOP_MAX, sizeof(*top), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, top);
	KUNIT_ASSERT_EQ(test, tcpobs_test_top(counts, ARRAY_SIZE(counts),
					      TCPOBS_TW_TOP_MAX, top), 2U);
	KUNIT_EXPECT_EQ(test, top[0].count, 5L);
	KUNIT_EXPECT_EQ(test, top[1].count, 2L);
	KUNIT_EXPECT_EQ(test, tcpobs_test_top(counts, 0, 4, top), 0U);
}

static void tcpobs_top_want_none(struct kunit *test)
{
	static const long counts[] = { 2, 5 };
	struct tcpobs_tw_row top[1] = { { .count = -1 } };

	/* N = 0: nothing written, not even top[0] (it may not exist). */
	KUNIT_EXPECT_EQ(test, tcpobs_test_top(counts, ARRAY_SIZE(counts), 0, top), 0U);
	KUNIT_EXPECT_EQ(test, top[0].count, -1L);
}

static void tcpobs_top_want_one(struct kunit *test)
{
	static const long counts[] = { 2, 5, 5, 9, 1 };
	struct tcpobs_tw_row top[2] = { {}, { .count = -1 } };

	KUNIT_ASSERT_EQ(test, tcpobs_test_top(counts, ARRAY_SIZE(counts), 1, top), 1U);
	KUNIT_EXPECT_EQ(test, top[0].count, 9L);
	KUNIT_EXPECT_EQ(test, top[0].port, 3);
	/* Never past want rows. */
	KUNIT_EXPECT_EQ(test, top[1].count, -1L);
}

static struct kunit_case tcpobs_top_cases[] = {
	KUNIT_CASE(tcpobs_top_sorted),
	KUNIT_CASE(tcpobs_top_ties),
	KUNIT_CASE(tcpobs_top_want_more),
	KUNIT_CASE(tcpobs_top_want_none),
	KUNIT_CASE(tcpobs_top_want_one),
	{}
};

static struct kunit_suite tcpobs_top_suite = {
	.name = "tcpobs_timewait_top",
	.test_cases = tcpobs_top_cases,
};

/* --- listen-drop MIB deltas ------------------------------------------- */

static void tcpobs_mib_unmoved(struct kunit *test)
{
	unsigned long then[TCPOBS_DROP_MAX], now[TCPOBS_DROP_MAX];
	unsigned int i;

	for (i = 0; i < TCPOBS_DROP_MAX; i++) {
		then[i] = 1000 * i + 7;
		now[i] = then[i];
	}
	tcpobs_mib_delta(now, then);
	/* Exactly 0: the ledger skips a call that dropped nothing by it. */
	for (i = 0; i < TCPOBS_DROP_MAX; i++)
		KUNIT_ASSERT_EQ_MSG(test, now[i], 0UL, "counter %u", i);
}

static void tcpobs_mib_one_moved(struct kunit *test)
{
	unsigned long then[TCPOBS_DROP_MAX], now[TCPOBS_DROP_MAX];
	unsigned int moved, i;

	/* Each counter alone: its own delta, no neighbour's. */
	for (moved = 0; moved < TCPOBS_DROP_MAX; moved++) {
		for (i = 0; i < TCPOBS_DROP_MAX; i++) {
			then[i] = 50 + i;
			now[i] = then[i];
		}
		now[moved] += 3;
		tcpobs_mib_delta(now, then);
		for (i = 0; i < TCPOBS_DROP_MAX; i++)
			KUNIT_ASSERT_EQ_MSG(test, now[i], i == moved ? 3UL : 0UL,
					    "counter %u, %u moved", i, moved);
	}
}

static void tcpobs_mib_wrap(struct kunit *test)
{
	unsigned long then[TCPOBS_DROP_MAX] = {}, now[TCPOBS_DROP_MAX] = {};

	/* A counter that wrapped during the call: still what was added. */
	then[TCPOBS_LISTEN_OVERFLOWS] = ULONG_MAX - 1;
	now[TCPOBS_LISTEN_OVERFLOWS] = 2;
	then[TCPOBS_LISTEN_DROPS] = ULONG_MAX;
	now[TCPOBS_LISTEN_DROPS] = 0;
	then[TCPOBS_SYNCOOKIES_SENT] = ULONG_MAX - 5;
	now[TCPOBS_SYNCOOKIES_SENT] = ULONG_MAX;
	tcpobs_mib_delta(now, then);
	KUNIT_EXPECT_EQ(test, now[TCPOBS_LISTEN_OVERFLOWS], 4UL);
	KUNIT_EXPECT_EQ(test, now[TCPOBS_LISTEN_DROPS], 1UL);
	KUNIT_EXPECT_EQ(test, now[TCPOBS_SYNCOOKIES_SENT], 5UL);
	KUNIT_EXPECT_EQ(test, now[TCPOBS_REQQ_FULL_DROPS], 0UL);
}

static struct kunit_case tcpobs_mib_cases[] = {
	KUNIT_CASE(tcpobs_mib_unmoved),
	KUNIT_CASE(tcpobs_mib_one_moved),
	KUNIT_CASE(tcpobs_mib_wrap),
	{}
};

static struct kunit_suite tcpobs_mib_suite = {
	.name = "tcpobs_listen_drops_mib",
	.test_cases = tcpobs_mib_cases,
};

kunit_test_suites(&tcpobs_lt_suite, &tcpobs_tw_suite, &tcpobs_top_suite,
		  &tcpobs_mib_suite);

MODULE_DESCRIPTION("KUnit suites of tcpobs's arithmetic");
MODULE_LICENSE("GPL");
