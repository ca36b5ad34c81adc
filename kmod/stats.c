// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcpobs/stats: "name value" lines with the namespace's totals.
 *
 *   <cause>               listen drops of every listener of the namespace
 *                         since tcpobs started counting it, including
 *                         listeners that have closed since
 *   untracked_<cause>     the part of <cause> whose listener was not in the
 *                         ledger (it was full)
 *   unattributed_<cause>  the kernel's counter's increase over the same time
 *                         minus <cause>: what the probes did not see (0
 *                         when attribution is exact)
 *   kprobe_missed         calls the kretprobes could not instrument (global)
 *   listeners             listeners in the ledger for this namespace
 *   listeners_table_full  listeners not tracked because the ledger was full
 *                         (global)
 *   sockets               sockets of this namespace in the lifecycle table
 *   sockets_table_full    sockets of this namespace born while the table
 *                         was full, hence never tracked
 */
#include <linux/seq_file.h>

#include "tcpobs.h"

int tcpobs_stats_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	struct tcpobs_pcpu __percpu *pcpu = tcpobs_pcpu(net);
	struct tcpobs_net *tn = tcpobs_net(net);
	u64 drops[TCPOBS_DROP_MAX] = {}, untracked[TCPOBS_DROP_MAX] = {};
	u64 table_full = 0;
	s64 sockets = 0;
	unsigned long mib[TCPOBS_DROP_MAX];
	unsigned int i;
	int cpu;

	if (!pcpu)
		return 0;
	for_each_possible_cpu(cpu) {
		const struct tcpobs_pcpu *p = per_cpu_ptr(pcpu, cpu);

		for (i = 0; i < TCPOBS_DROP_MAX; i++) {
			drops[i] += p->drops[i];
			untracked[i] += p->untracked[i];
		}
		sockets += p->sockets;
		table_full += p->sockets_table_full;
	}
	tcpobs_listen_drops_mib(net, mib);

	seq_puts(seq, "name value\n");
	for (i = 0; i < TCPOBS_DROP_MAX; i++)
		seq_printf(seq, "%s %llu\n", tcpobs_drop_names[i], drops[i]);
	for (i = 0; i < TCPOBS_DROP_MAX; i++)
		seq_printf(seq, "untracked_%s %llu\n", tcpobs_drop_names[i],
			   untracked[i]);
	for (i = 0; i < TCPOBS_DROP_MAX; i++)
		seq_printf(seq, "unattributed_%s %lld\n", tcpobs_drop_names[i],
			   (s64)(mib[i] - tn->mib_base[i] - drops[i]));
	seq_printf(seq, "kprobe_missed %lu\n", tcpobs_listen_drops_missed());
	seq_printf(seq, "listeners %u\n", tcpobs_listeners_count(net));
	seq_printf(seq, "listeners_table_full %lu\n",
		   tcpobs_listeners_table_full());
	seq_printf(seq, "sockets %lld\n", sockets);
	seq_printf(seq, "sockets_table_full %llu\n", table_full);
	return 0;
}
