// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state, and the registry of the features that keep
 * a part of it.
 *
 * Probes are global and fire for every namespace, including ones whose
 * init has not run yet or whose exit already has. They reach the counters
 * through tcpobs_pcpu(), which returns NULL outside init..exit. The
 * per-CPU memory is freed only in exit_batch, after an RCU grace period,
 * so a probe that read the pointer just before exit cleared it finishes
 * on valid memory.
 *
 * Each feature describes its part with a struct tcpobs_net_feature (all
 * operations optional), and main.c hands the list to tcpobs_netns_init():
 * this file calls no feature by name. For a namespace:
 *
 *   init   in list order, before ->pcpu is set (nothing counts yet)
 *   exit   in reverse, from the netns core's exit, before ->pcpu is
 *          cleared: detach what reaches the state from outside (hooks)
 *   stop   in reverse, in exit_batch before the RCU grace period: no probe
 *          that starts after it reaches the part any more
 *   free   in reverse, after that grace period
 *   reset  in list order, for TCPOBS_CMD_RESET, after the counters are
 *          zeroed
 *
 * A failed init undoes the features before it the same way.
 */
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "netns.h"

static unsigned int repair_interval = 10;
module_param(repair_interval, uint, 0644);
MODULE_PARM_DESC(repair_interval, "Seconds within which a table that disagrees with the kernel's (TIME_WAIT inventory, listener ledger) is repaired (default 10, 0 = never)");

static unsigned int tcpobs_net_id __read_mostly;
/* Namespaces with tcpobs state, for debugfs.c's leak checks. */
static atomic_t tcpobs_nnets = ATOMIC_INIT(0);
/* Set once at load, before the pernet operations are registered. */
static const struct tcpobs_net_feature * const *tcpobs_features;
static unsigned int tcpobs_nfeatures;

struct tcpobs_net *tcpobs_net(const struct net *net)
{
	return net_generic(net, tcpobs_net_id);
}

/*
 * The one test every probe makes before it touches a namespace's state:
 * the state, with its counters in *@pcpu, while tcpobs counts the
 * namespace (from the end of its init to its exit), else NULL. A probe
 * fires for namespaces being set up too, before tcpobs's part of them is
 * allocated (net_generic() has no slot for it yet), and for ones being
 * torn down.
 *
 * No rcu_read_lock() of its own: probes run with preemption off (an RCU
 * read-side section, which exit_batch waits out before freeing), procfs
 * files are removed (waiting for readers inside them) before the pointer
 * is cleared, and netlink requests hold a reference to the namespace.
 */
struct tcpobs_net *tcpobs_net_counted(const struct net *net,
				      struct tcpobs_pcpu __percpu **pcpu)
{
	struct tcpobs_net *tn = tcpobs_net(net);

	*pcpu = tn ? READ_ONCE(tn->pcpu) : NULL;
	return *pcpu ? tn : NULL;
}

struct tcpobs_pcpu __percpu *tcpobs_pcpu(const struct net *net)
{
	struct tcpobs_pcpu __percpu *pcpu;

	tcpobs_net_counted(net, &pcpu);
	return pcpu;
}

/* Features [0, @n) of @net are set up: take them down, last first. */
static void tcpobs_net_undo(struct net *net, struct tcpobs_net *tn,
			    unsigned int n)
{
	unsigned int i;

	for (i = n; i--; )
		if (tcpobs_features[i]->exit)
			tcpobs_features[i]->exit(net, tn);
	for (i = n; i--; )
		if (tcpobs_features[i]->stop)
			tcpobs_features[i]->stop(tn);
	synchronize_rcu();
	for (i = n; i--; )
		if (tcpobs_features[i]->free)
			tcpobs_features[i]->free(tn);
}

static int __net_init tcpobs_net_init(struct net *net)
{
	struct tcpobs_net *tn = tcpobs_net(net);
	struct tcpobs_pcpu __percpu *pcpu;
	unsigned int i;
	int err;

	/* The per-CPU allocator's limit for one object. */
	BUILD_BUG_ON(sizeof(struct tcpobs_pcpu) > PCPU_MIN_UNIT_SIZE);
	pcpu = alloc_percpu(struct tcpobs_pcpu);
	if (!pcpu)
		return -ENOMEM;

	for (i = 0; i < tcpobs_nfeatures; i++) {
		if (!tcpobs_features[i]->init)
			continue;
		err = tcpobs_features[i]->init(net, tn);
		if (err) {
			tcpobs_net_undo(net, tn, i);
			free_percpu(pcpu);
			return err;
		}
	}

	WRITE_ONCE(tn->pcpu, pcpu);
	atomic_inc(&tcpobs_nnets);
	return 0;
}

static void __net_exit tcpobs_net_exit(struct net *net)
{
	struct tcpobs_net *tn = tcpobs_net(net);
	unsigned int i;

	/* Its files are gone already (proc.c's exit runs before this one). */
	for (i = tcpobs_nfeatures; i--; )
		if (tcpobs_features[i]->exit)
			tcpobs_features[i]->exit(net, tn);
	tn->dead_pcpu = tn->pcpu;
	WRITE_ONCE(tn->pcpu, NULL);
}

static void __net_exit tcpobs_net_exit_batch(struct list_head *net_list)
{
	struct net *net;
	unsigned int i;

	list_for_each_entry(net, net_list, exit_list)
		for (i = tcpobs_nfeatures; i--; )
			if (tcpobs_features[i]->stop)
				tcpobs_features[i]->stop(tcpobs_net(net));
	/*
	 * Wait for probes that read ->pcpu before exit cleared it, and for
	 * those a feature's stop shut out.
	 */
	synchronize_rcu();
	list_for_each_entry(net, net_list, exit_list) {
		struct tcpobs_net *tn = tcpobs_net(net);

		for (i = tcpobs_nfeatures; i--; )
			if (tcpobs_features[i]->free)
				tcpobs_features[i]->free(tn);
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

/*
 * How often the self-repair checkers (timewait.c, listeners.c) look, in
 * jiffies: every half repair_interval, or every second while repairs are
 * off (0), so that turning them on takes effect within a second.
 */
unsigned long tcpobs_repair_period(bool *on)
{
	unsigned int interval = READ_ONCE(repair_interval);

	*on = interval;
	return interval ? max_t(unsigned long, interval * HZ / 2, HZ / 2) : HZ;
}

int tcpobs_netns_count(void)
{
	return atomic_read(&tcpobs_nnets);
}

/* Every namespace, now and later, gets the @n features' state. */
int tcpobs_netns_init(const struct tcpobs_net_feature * const *features,
		      unsigned int n)
{
	tcpobs_features = features;
	tcpobs_nfeatures = n;
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
	for (i = 0; i < tcpobs_nfeatures; i++)
		if (tcpobs_features[i]->reset)
			tcpobs_features[i]->reset(net, tn);
}
