// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/tcpobs/objects: what tcpobs holds right now, over all
 * network namespaces, for leak checks (the abuse selftests): namespaces
 * with tcpobs state, lifecycle entries, ledger entries, TIME_WAIT keys (and
 * the longest chain of their tables) and ECN service rows. Readable by
 * root only: it crosses namespaces.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/rculist.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "debugfs.h"
#include "listeners.h"
#include "netns.h"
#include "sockets.h"
#include "timewait.h"

static struct dentry *tcpobs_debugfs_dir;

static int tcpobs_objects_show(struct seq_file *seq, void *v)
{
	unsigned long tw_keys = 0, ecn_ports = 0, nets = 0, tw_chain = 0;
	struct tcpobs_pcpu __percpu *pcpu;
	struct net *net;

	rcu_read_lock();
	for_each_net_rcu(net) {
		struct tcpobs_net *tn = tcpobs_net(net);

		nets++;
		tw_keys += READ_ONCE(tn->tw.nkeys);
		/*
		 * Counted: its key table is freed only after a grace
		 * period that this read-side section holds off.
		 */
		if (tcpobs_net_counted(net, &pcpu))
			tw_chain = max(tw_chain, tcpobs_timewait_chain_max(&tn->tw));
		ecn_ports += READ_ONCE(tn->ecn_nports);
	}
	rcu_read_unlock();

	seq_printf(seq, "kernel_namespaces %lu\n", nets);
	seq_printf(seq, "namespaces %d\n", tcpobs_netns_count());
	seq_printf(seq, "sockets %d\n", tcpobs_sockets_count());
	seq_printf(seq, "listeners %u\n", tcpobs_listeners_count_all());
	seq_printf(seq, "tw_keys %lu\n", tw_keys);
	seq_printf(seq, "tw_chain_max %lu\n", tw_chain);
	seq_printf(seq, "ecn_ports %lu\n", ecn_ports);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tcpobs_objects);

void tcpobs_debugfs_init(void)
{
	/* Optional: without debugfs tcpobs works the same. */
	tcpobs_debugfs_dir = debugfs_create_dir("tcpobs", NULL);
	debugfs_create_file("objects", 0400, tcpobs_debugfs_dir, NULL,
			    &tcpobs_objects_fops);
}

void tcpobs_debugfs_exit(void)
{
	debugfs_remove_recursive(tcpobs_debugfs_dir);
}
