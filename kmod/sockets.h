/* SPDX-License-Identifier: GPL-2.0 */
/* tcpobs: the socket lifecycle table, time in state (sockets.c). */
#ifndef _TCPOBS_SOCKETS_H
#define _TCPOBS_SOCKETS_H

#include <linux/log2.h>

#include "tcpobs.h"

int tcpobs_sockets_init(void);
int tcpobs_sockets_count(void);
int tcpobs_sockets_register(void);
void tcpobs_sockets_unregister(void);
void tcpobs_sockets_exit(void);
struct tcpobs_sockets_walk;
struct tcpobs_sockets_walk *tcpobs_sockets_walk_start(struct net *net);
int tcpobs_sockets_walk(struct tcpobs_sockets_walk *w,
			int (*fn)(void *arg, const struct tcpobs_socket_snap *s),
			void *arg, unsigned int *resized);
void tcpobs_sockets_walk_end(struct tcpobs_sockets_walk *w);
void tcpobs_sockets_state_event(const struct sock *sk, int oldstate,
				int newstate);
struct tcpobs_sk_ecn *tcpobs_sockets_ecn(struct tcpobs_net *tn,
					 const struct sock *sk);
void tcpobs_sockets_for_each(struct tcpobs_net *tn,
			     void (*fn)(void *arg, u16 port, bool passive,
					bool ecn, const struct tcpobs_sk_ecn *x,
					u32 delivered_ce),
			     void *arg);
void tcpobs_sockets_transition(struct sock *sk, struct tcpobs_net *tn,
			       struct tcpobs_pcpu __percpu *pcpu,
			       int oldstate, int newstate);
void tcpobs_sockets_handshake(const struct sock *child, u64 start);
void tcpobs_lifetime_add(struct tcpobs_pcpu __percpu *pcpu, unsigned int state,
			 u64 ns);
extern const struct seq_operations tcpobs_sockets_seq_ops;
extern const unsigned int tcpobs_sockets_seq_size;
int tcpobs_lifetimes_show(struct seq_file *seq, void *v);

extern const struct tcpobs_net_feature tcpobs_sockets_feature;

/*
 * The time-in-state histogram's bucket of @us microseconds: bucket b holds
 * [2^(b-1), 2^b) us, 0 holds 0 us, and the last also everything longer
 * (2^38 us: over three days). Here, not in sockets.c, so that the KUnit
 * suites (tcpobs_kunit.c) test the very code the module runs.
 */
static inline unsigned int tcpobs_lt_bucket(u64 us)
{
	unsigned int b = us ? ilog2(us) + 1 : 0;

	return min_t(unsigned int, b, TCPOBS_LT_BUCKETS - 1);
}

#endif /* _TCPOBS_SOCKETS_H */
