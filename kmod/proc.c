// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcpobs/: one directory per network namespace. Every file is a
 * seq_file bound to its namespace, so a reader only ever sees the
 * namespace it opened the file in: single_open for the small ones, an
 * iterator for the tables (below).
 *
 * The files come from their own pernet_operations, registered after
 * everything they show (main.c) and unregistered first: a namespace gets
 * its files after its tcpobs state is set up and loses them before that
 * state goes (the netns core runs inits in registration order and exits
 * in reverse), and at unload every namespace's files are gone before any
 * probe is detached or anything freed. Removing a file waits for readers
 * inside it.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "proc.h"
#include "ecn.h"
#include "features.h"
#include "listeners.h"
#include "sockets.h"
#include "states.h"
#include "stats.h"
#include "timewait.h"

#define TCPOBS_PROC_DIR "tcpobs"

/*
 * A file is a single_open one (@show) when its size is bounded by a small
 * constant, else a seq_file iterator (@ops over a private state of
 * *@size bytes, starting with a struct seq_net_private) whose reader holds
 * one buffer, not the whole output: the tables that grow with the
 * sockets and listeners.
 */
struct tcpobs_proc_file {
	const char *name;
	int (*show)(struct seq_file *seq, void *v);
	const struct seq_operations *ops;
	const unsigned int *size;
};

static const struct tcpobs_proc_file tcpobs_proc_files[] = {
	{ "states", tcpobs_states_show },
	{ "listeners", .ops = &tcpobs_listeners_seq_ops,
	  .size = &tcpobs_listeners_seq_size },
	{ "listener_events", .ops = &tcpobs_listener_events_seq_ops,
	  .size = &tcpobs_listeners_seq_size },
	{ "stats", tcpobs_stats_show },
	{ "timewait", tcpobs_timewait_show },
	{ "sockets", .ops = &tcpobs_sockets_seq_ops,
	  .size = &tcpobs_sockets_seq_size },
	{ "lifetimes", tcpobs_lifetimes_show },
	{ "ecn", tcpobs_ecn_show },
	{ "features", tcpobs_features_show },
};

static int __net_init tcpobs_proc_net_init(struct net *net)
{
	struct proc_dir_entry *dir;
	unsigned int i;

	dir = proc_net_mkdir(net, TCPOBS_PROC_DIR, net->proc_net);
	if (!dir)
		return -ENOMEM;

	for (i = 0; i < ARRAY_SIZE(tcpobs_proc_files); i++) {
		const struct tcpobs_proc_file *f = &tcpobs_proc_files[i];
		struct proc_dir_entry *pde;

		if (f->ops)
			pde = proc_create_net(f->name, 0444, dir, f->ops, *f->size);
		else
			pde = proc_create_net_single(f->name, 0444, dir, f->show,
						     NULL);
		if (!pde)
			goto err;
	}
	return 0;

err:
	remove_proc_subtree(TCPOBS_PROC_DIR, net->proc_net);
	return -ENOMEM;
}

static void __net_exit tcpobs_proc_net_exit(struct net *net)
{
	remove_proc_subtree(TCPOBS_PROC_DIR, net->proc_net);
}

static struct pernet_operations tcpobs_proc_net_ops = {
	.init = tcpobs_proc_net_init,
	.exit = tcpobs_proc_net_exit,
};

int tcpobs_proc_init(void)
{
	return register_pernet_subsys(&tcpobs_proc_net_ops);
}

void tcpobs_proc_exit(void)
{
	unregister_pernet_subsys(&tcpobs_proc_net_ops);
}
