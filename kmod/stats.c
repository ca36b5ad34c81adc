// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcpobs/stats: "name value" lines with the namespace's totals.
 *
 *   <cause>               listen drops of every listener of the namespace
 *                         since tcpobs started counting it, including
 *                         listeners that have closed since
 *   untracked_<cause>     the part of <cause> whose listener was not in the
 *                         ledger (it was full, or the listener was closing)
 *   unattributed_<cause>  the kernel's counter's increase over the same time
 *                         minus <cause>: what the probes did not see (0
 *                         when attribution is exact)
 *   kprobe_missed         calls the kretprobes could not instrument (global)
 *   listeners             listeners in the ledger for this namespace
 *   listeners_table_full  listeners not tracked because the ledger was full
 *                         (global)
 *   sockets               sockets of this namespace in the lifecycle table
 *   sockets_table_full    sockets of this namespace born while the table
 *                         was full (or with no memory for their entry),
 *                         hence never tracked
 *   events_*              tcpobs_events_counters()
 *   alloc_failed          records of this namespace dropped because an
 *                         allocation failed (each also counted where it
 *                         was lost: listeners_table_full,
 *                         sockets_table_full, events_lost, ...)
 *   listeners_repaired    listeners taken into the ledger by a repair scan
 */
#include <linux/seq_file.h>

#include "stats.h"
#include "events.h"
#include "format.h"
#include "listen_drops.h"
#include "listeners.h"
#include "netns.h"
#include "uapi/linux/tcpobs.h"

/* The causes' attributes follow the order of enum tcpobs_drop. */
static_assert(TCPOBS_A_STATS_SYNCOOKIES_FAILED - TCPOBS_A_STATS_LISTEN_OVERFLOWS ==
	      TCPOBS_DROP_MAX - 1);
static_assert(TCPOBS_A_STATS_UNTRACKED_LISTEN_OVERFLOWS ==
	      TCPOBS_A_STATS_LISTEN_OVERFLOWS + TCPOBS_DROP_MAX);
static_assert(TCPOBS_A_STATS_UNATTRIBUTED_LISTEN_OVERFLOWS ==
	      TCPOBS_A_STATS_UNTRACKED_LISTEN_OVERFLOWS + TCPOBS_DROP_MAX);
static_assert(TCPOBS_A_STATS_KPROBE_MISSED ==
	      TCPOBS_A_STATS_UNATTRIBUTED_LISTEN_OVERFLOWS + TCPOBS_DROP_MAX);

int tcpobs_stats_counters(struct net *net, struct tcpobs_emit *e)
{
	struct tcpobs_pcpu __percpu *pcpu = tcpobs_pcpu(net);
	struct tcpobs_net *tn = tcpobs_net(net);
	u64 drops[TCPOBS_DROP_MAX] = {}, untracked[TCPOBS_DROP_MAX] = {};
	unsigned long mib[TCPOBS_DROP_MAX];
	u64 table_full = 0, alloc_failed = 0, repaired = 0;
	s64 sockets = 0;
	unsigned int i;
	int cpu, err;

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
		alloc_failed += p->alloc_failed;
		repaired += p->listeners_repaired;
	}
	tcpobs_listen_drops_mib(net, mib);

	for (i = 0; i < TCPOBS_DROP_MAX; i++)
		tcpobs_emit(e, TCPOBS_A_STATS_LISTEN_OVERFLOWS + i, "",
			    tcpobs_drop_names[i], drops[i]);
	for (i = 0; i < TCPOBS_DROP_MAX; i++)
		tcpobs_emit(e, TCPOBS_A_STATS_UNTRACKED_LISTEN_OVERFLOWS + i,
			    "untracked_", tcpobs_drop_names[i], untracked[i]);
	for (i = 0; i < TCPOBS_DROP_MAX; i++)
		tcpobs_emit(e, TCPOBS_A_STATS_UNATTRIBUTED_LISTEN_OVERFLOWS + i,
			    "unattributed_", tcpobs_drop_names[i],
			    (s64)(mib[i] - READ_ONCE(tn->mib_base[i]) - drops[i]));
	tcpobs_emit(e, TCPOBS_A_STATS_KPROBE_MISSED, "", "kprobe_missed",
		    tcpobs_listen_drops_missed());
	tcpobs_emit(e, TCPOBS_A_STATS_LISTENERS, "", "listeners",
		    tcpobs_listeners_count(net));
	tcpobs_emit(e, TCPOBS_A_STATS_LISTENERS_TABLE_FULL, "",
		    "listeners_table_full", tcpobs_listeners_table_full());
	tcpobs_emit(e, TCPOBS_A_STATS_SOCKETS, "", "sockets", sockets);
	tcpobs_emit(e, TCPOBS_A_STATS_SOCKETS_TABLE_FULL, "",
		    "sockets_table_full", table_full);
	if (e->err)
		return e->err;
	err = tcpobs_events_counters(net, e);
	if (err)
		return err;
	tcpobs_emit(e, TCPOBS_A_STATS_ALLOC_FAILED, "", "alloc_failed",
		    alloc_failed);
	tcpobs_emit(e, TCPOBS_A_STATS_LISTENERS_REPAIRED, "", "listeners_repaired", repaired);
	return e->err;
}

int tcpobs_stats_show(struct seq_file *seq, void *v)
{
	return tcpobs_emit_seq(seq, tcpobs_stats_counters,
			       seq_file_single_net(seq));
}
