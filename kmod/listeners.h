/* SPDX-License-Identifier: GPL-2.0 */
/* tcpobs: the listener ledger (listeners.c). */
#ifndef _TCPOBS_LISTENERS_H
#define _TCPOBS_LISTENERS_H

#include "tcpobs.h"

int tcpobs_listeners_gen(void);
int tcpobs_listeners_walk_net(struct net *net, unsigned long pos[2],
			      int (*fn)(void *arg,
					const struct tcpobs_listener_snap *snap),
			      void *arg);
void tcpobs_listeners_start(void);
void tcpobs_listeners_exit(void);
bool tcpobs_listener_add(struct sock *sk);
void tcpobs_listener_del(const struct sock *sk);
void tcpobs_listener_account(const struct sock *sk,
			     const unsigned long delta[TCPOBS_DROP_MAX]);
unsigned int tcpobs_listeners_count(const struct net *net);
unsigned long tcpobs_listeners_table_full(void);
unsigned int tcpobs_listeners_count_all(void);
extern const struct seq_operations tcpobs_listeners_seq_ops;
extern const struct seq_operations tcpobs_listener_events_seq_ops;
extern const unsigned int tcpobs_listeners_seq_size;

extern const struct tcpobs_net_feature tcpobs_listeners_feature;

#endif /* _TCPOBS_LISTENERS_H */
