/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpobs: TCP observability at the socket level.
 *
 * Shared declarations of the module's parts. Each part owns one concern:
 *   main.c        load and unload order
 *   netns.c       per network namespace state (pernet_operations)
 *   proc.c        /proc/net/tcpobs/ directory of each namespace
 *   tracepoint.c  finding and attaching to non-exported tracepoints
 *   states.c      the TCP state-transition matrix (sock:inet_sock_set_state)
 */
#ifndef _TCPOBS_H
#define _TCPOBS_H

#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/types.h>
#include <net/net_namespace.h>
#include <net/tcp_states.h>

#include "compat.h"

#define TCPOBS_VERSION "0.1.0"

/* Counters of one namespace on one CPU. Only ever written by that CPU. */
struct tcpobs_pcpu {
	u64 transitions[TCP_MAX_STATES][TCP_MAX_STATES];
};

/* Per network namespace state, allocated by the netns core (.size). */
struct tcpobs_net {
	/*
	 * NULL before init and after exit. Probes may run for a namespace
	 * that is being torn down; they read this once and skip on NULL.
	 * The memory is freed in exit_batch after an RCU grace period.
	 */
	struct tcpobs_pcpu __percpu *pcpu;
	struct tcpobs_pcpu __percpu *dead_pcpu;
	struct proc_dir_entry *proc_dir;
};

/* netns.c */
int tcpobs_netns_init(void);
void tcpobs_netns_exit(void);
struct tcpobs_net *tcpobs_net(const struct net *net);
struct tcpobs_pcpu __percpu *tcpobs_pcpu(const struct net *net);

/* proc.c */
int tcpobs_proc_net_init(struct net *net, struct tcpobs_net *tn);
void tcpobs_proc_net_exit(struct net *net, struct tcpobs_net *tn);

/* tracepoint.c */
struct tcpobs_tracepoint {
	const char *name;
	void *probe;
	struct tracepoint *tp;
};

int tcpobs_tracepoints_register(struct tcpobs_tracepoint *tps, unsigned int n);
void tcpobs_tracepoints_unregister(struct tcpobs_tracepoint *tps,
				   unsigned int n);

/* states.c */
int tcpobs_states_init(void);
void tcpobs_states_exit(void);
int tcpobs_states_show(struct seq_file *seq, void *v);
const char *tcpobs_state_name(unsigned int state);

#endif /* _TCPOBS_H */
