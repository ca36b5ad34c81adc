// SPDX-License-Identifier: GPL-2.0
/*
 * The TCP state-transition matrix, per network namespace.
 *
 * Fed by the sock:inet_sock_set_state tracepoint, which fires for every
 * state change of a full socket (IPv4 and IPv6). It never fires for
 * request sockets (SYN-RECV before the child exists) nor for timewait
 * minisockets: an active close is traced as FIN-WAIT-1 -> FIN-WAIT-2 ->
 * CLOSE while a separate minisock carries TIME-WAIT.
 */
#include <linux/in.h>
#include <linux/socket.h>
#include <net/sock.h>

#include "states.h"
#include "events.h"
#include "format.h"
#include "listeners.h"
#include "netns.h"
#include "sockets.h"
#include "tracepoint.h"
#include "uapi/linux/tcpobs.h"

static void tcpobs_probe_set_state(void *data, const struct sock *sk,
				   const int oldstate, const int newstate)
{
	struct tcpobs_pcpu __percpu *pcpu;
	struct tcpobs_net *tn;

	if (sk->sk_protocol != IPPROTO_TCP)
		return;
	if (sk->sk_family != AF_INET && sk->sk_family != AF_INET6)
		return;
	if ((unsigned int)oldstate >= TCP_MAX_STATES ||
	    (unsigned int)newstate >= TCP_MAX_STATES)
		return;

	/* The listener ledger follows sockets into and out of LISTEN. */
	if (newstate == TCP_LISTEN)
		tcpobs_listener_add((struct sock *)sk);
	else if (oldstate == TCP_LISTEN)
		tcpobs_listener_del(sk);

	/* One lookup of the namespace's state for all that follows. */
	tn = tcpobs_net_counted(sock_net(sk), &pcpu);
	if (!tn)
		return;
	this_cpu_inc(pcpu->transitions[oldstate][newstate]);
	tcpobs_sockets_transition((struct sock *)sk, tn, pcpu, oldstate, newstate);
	if ((READ_ONCE(tn->events_mask) & TCPOBS_EVENTS_STATES) &&
	    tcpobs_events_want(sock_net(sk), TCPOBS_EVENTS_STATES))
		tcpobs_sockets_state_event(sk, oldstate, newstate);
}

static struct tcpobs_tracepoint tcpobs_states_tps[] = {
	{ .name = "inet_sock_set_state", .probe = tcpobs_probe_set_state },
};

int tcpobs_states_init(void)
{
	return tcpobs_tracepoints_register(tcpobs_states_tps,
					   ARRAY_SIZE(tcpobs_states_tps));
}

void tcpobs_states_exit(void)
{
	tcpobs_tracepoints_unregister(tcpobs_states_tps,
				      ARRAY_SIZE(tcpobs_states_tps));
}

int tcpobs_states_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	struct tcpobs_pcpu __percpu *pcpu = tcpobs_pcpu(net);
	unsigned int from, to;
	int cpu;

	seq_puts(seq, "from to count\n");
	if (!pcpu)
		return 0;

	for (from = 0; from < TCP_MAX_STATES; from++) {
		for (to = 0; to < TCP_MAX_STATES; to++) {
			u64 sum = 0;

			for_each_possible_cpu(cpu)
				sum += per_cpu_ptr(pcpu, cpu)->transitions[from][to];
			if (sum)
				seq_printf(seq, "%s %s %llu\n",
					   tcpobs_state_name(from),
					   tcpobs_state_name(to), sum);
		}
	}
	return 0;
}
