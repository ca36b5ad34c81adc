// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state.
 *
 * Probes are global and fire for every namespace, including ones whose
 * init has not run yet or whose exit already has. They reach the counters
 * through tcpobs_pcpu(), which returns NULL outside init..exit. The
 * per-CPU memory is freed only in exit_batch, after an RCU grace period,
 * so a probe that read the pointer just before exit cleared it finishes
 * on valid memory.
 */
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <net/netns/generic.h>

#include "tcpobs.h"

static unsigned int tcpobs_net_id __read_mostly;
/* Namespaces with tcpobs state, for debugfs.c's leak checks. */
static atomic_t tcpobs_nnets = ATOMIC_INIT(0);

struct tcpobs_net *tcpobs_net(const struct net *net)
{
	return net_generic(net, tcpobs_net_id);
}

/*
 * No rcu_read_lock() of its own: probes run with preemption off (an RCU
 * read-side section, which exit_batch waits out before freeing), procfs
 * files are removed (waiting for readers inside them) before the pointer
 * is cleared, and netlink requests hold a reference to the namespace.
 */
struct tcpobs_pcpu __percpu *tcpobs_pcpu(const struct net *net)
{
	return READ_ONCE(tcpobs_net(net)->pcpu);
}

static int __net_init tcpobs_net_init(struct net *net)
{
	struct tcpobs_net *tn = tcpobs_net(net);
	struct tcpobs_pcpu __percpu *pcpu;
	int err;

	pcpu = alloc_percpu(struct tcpobs_pcpu);
	if (!pcpu)
		return -ENOMEM;

	tcpobs_listen_drops_mib(net, tn->mib_base);
	tcpobs_timewait_net_init(net, tn);
	tcpobs_events_net_init(tn);
	tcpobs_ecn_ports_net_init(tn);
	err = tcpobs_sockets_net_init(tn);
	if (err)
		goto err_free;
	/* The hooks find no counters (and do nothing) until ->pcpu is set. */
	err = tcpobs_ecn_net_init(net, tn);
	if (err)
		goto err_sockets;

	WRITE_ONCE(tn->pcpu, pcpu);
	atomic_inc(&tcpobs_nnets);
	return 0;

err_sockets:
	tcpobs_sockets_net_stop(tn);
	synchronize_rcu();
	tcpobs_sockets_net_exit(tn);
err_free:
	free_percpu(pcpu);
	return err;
}

static void __net_exit tcpobs_net_exit(struct net *net)
{
	struct tcpobs_net *tn = tcpobs_net(net);

	/* Its files are gone already (proc.c's exit runs before this one). */
	tcpobs_ecn_net_exit(net, tn);
	tn->dead_pcpu = tn->pcpu;
	WRITE_ONCE(tn->pcpu, NULL);
}

static void __net_exit tcpobs_net_exit_batch(struct list_head *net_list)
{
	struct net *net;

	list_for_each_entry(net, net_list, exit_list)
		tcpobs_sockets_net_stop(tcpobs_net(net));
	/*
	 * Wait for probes that read ->pcpu before exit cleared it, and for
	 * destroy probes still removing entries from the tables.
	 */
	synchronize_rcu();
	list_for_each_entry(net, net_list, exit_list) {
		struct tcpobs_net *tn = tcpobs_net(net);

		tcpobs_sockets_net_exit(tn);
		tcpobs_timewait_net_free(&tn->tw);
		tcpobs_ecn_ports_net_free(tn);
		free_percpu(tn->dead_pcpu);
		tn->dead_pcpu = NULL;
		atomic_dec(&tcpobs_nnets);
	}
}

static struct pernet_operations tcpobs_net_ops = {
	.init = tcpobs_net_init,
	.exit = tcpobs_net_exit,
	.exit_batch = tcpobs_net_exit_batch,
	.id = &tcpobs_net_id,
	.size = sizeof(struct tcpobs_net),
};

int tcpobs_netns_count(void)
{
	return atomic_read(&tcpobs_nnets);
}

int tcpobs_netns_init(void)
{
	return register_pernet_subsys(&tcpobs_net_ops);
}

void tcpobs_netns_exit(void)
{
	unregister_pernet_subsys(&tcpobs_net_ops);
}

/*
 * TCPOBS_CMD_RESET: zero the namespace's counters. Inventories (TIME_WAIT
 * minisocks, tracked sockets) stay. Not atomic with respect to events on
 * other CPUs: one racing with the reset may be counted before or after.
 */
void tcpobs_netns_reset(struct net *net)
{
	struct tcpobs_pcpu __percpu *pcpu = tcpobs_pcpu(net);
	struct tcpobs_net *tn = tcpobs_net(net);
	unsigned long mib[TCPOBS_DROP_MAX];
	unsigned int i;
	int cpu;

	if (!pcpu)
		return;
	for_each_possible_cpu(cpu) {
		struct tcpobs_pcpu *p = per_cpu_ptr(pcpu, cpu);

		/* Everything but the count of tracked sockets. */
		memset(p, 0, offsetof(struct tcpobs_pcpu, sockets));
		memset((void *)p + offsetof(struct tcpobs_pcpu, sockets_table_full),
		       0, sizeof(*p) -
		       offsetof(struct tcpobs_pcpu, sockets_table_full));
	}
	tcpobs_listen_drops_mib(net, mib);
	for (i = 0; i < TCPOBS_DROP_MAX; i++)
		WRITE_ONCE(tn->mib_base[i], mib[i]);
	tcpobs_listeners_reset(net);
	tcpobs_timewait_reset(net, tn);
	tcpobs_ecn_ports_reset(net, tn);
	tcpobs_ecn_reset(net, tn);
}
