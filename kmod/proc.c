// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcpobs/: one directory per network namespace. Every file is a
 * single_open seq_file bound to its namespace, so a reader only ever sees
 * the namespace it opened the file in.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "tcpobs.h"

struct tcpobs_proc_file {
	const char *name;
	int (*show)(struct seq_file *seq, void *v);
};

static const struct tcpobs_proc_file tcpobs_proc_files[] = {
	{ "states", tcpobs_states_show },
	{ "listeners", tcpobs_listeners_show },
	{ "listener_events", tcpobs_listener_events_show },
	{ "stats", tcpobs_stats_show },
	{ "timewait", tcpobs_timewait_show },
	{ "sockets", tcpobs_sockets_show },
	{ "lifetimes", tcpobs_lifetimes_show },
	{ "ecn", tcpobs_ecn_show },
};

int tcpobs_proc_net_init(struct net *net, struct tcpobs_net *tn)
{
	unsigned int i;

	tn->proc_dir = proc_net_mkdir(net, "tcpobs", net->proc_net);
	if (!tn->proc_dir)
		return -ENOMEM;

	for (i = 0; i < ARRAY_SIZE(tcpobs_proc_files); i++) {
		const struct tcpobs_proc_file *f = &tcpobs_proc_files[i];

		if (!proc_create_net_single(f->name, 0444, tn->proc_dir,
					    f->show, NULL))
			goto err;
	}
	return 0;

err:
	remove_proc_subtree("tcpobs", net->proc_net);
	tn->proc_dir = NULL;
	return -ENOMEM;
}

void tcpobs_proc_net_exit(struct net *net, struct tcpobs_net *tn)
{
	if (!tn->proc_dir)
		return;
	remove_proc_subtree("tcpobs", net->proc_net);
	tn->proc_dir = NULL;
}
