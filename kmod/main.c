// SPDX-License-Identifier: GPL-2.0
/*
 * tcpobs: load and unload.
 *
 * Load: namespaces first (so every probe finds its counters), then probes.
 * Unload in reverse: probes are detached and drained
 * (tracepoint_synchronize_unregister) before any namespace state is freed.
 */
#include <linux/module.h>

#include "tcpobs.h"

static int __init tcpobs_init(void)
{
	int err;

	err = tcpobs_netns_init();
	if (err)
		return err;

	err = tcpobs_states_init();
	if (err)
		goto err_netns;

	pr_info("tcpobs: loaded, version %s\n", TCPOBS_VERSION);
	return 0;

err_netns:
	tcpobs_netns_exit();
	return err;
}

static void __exit tcpobs_exit(void)
{
	tcpobs_states_exit();
	tcpobs_netns_exit();
	pr_info("tcpobs: unloaded\n");
}

module_init(tcpobs_init);
module_exit(tcpobs_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("TCP observability: state transitions, listen drops, TIME_WAIT, ECN");
MODULE_VERSION(TCPOBS_VERSION);
