// SPDX-License-Identifier: GPL-2.0
/*
 * tcpobs: load and unload.
 *
 * Load: namespaces first (so every probe finds its counters), then the
 * lifecycle table, the event rings and the generic netlink family, then
 * the state tracepoint (it keeps the listener ledger and the lifecycle
 * table current), then the listeners that already exist, then the
 * listen-drop and TIME_WAIT probes.
 * Unload in reverse: every probe is detached and drained before the
 * ledger and the namespaces' state are freed.
 */
#include <linux/module.h>

#include "tcpobs.h"

static int __init tcpobs_init(void)
{
	int err;

	err = tcpobs_netns_init();
	if (err)
		return err;

	err = tcpobs_sockets_init();
	if (err)
		goto err_netns;

	err = tcpobs_sockets_register();
	if (err)
		goto err_sockets_cache;

	err = tcpobs_events_init();
	if (err)
		goto err_sockets;

	err = tcpobs_genl_init();
	if (err)
		goto err_events;

	err = tcpobs_states_init();
	if (err)
		goto err_genl;

	tcpobs_listeners_init();

	err = tcpobs_listen_drops_init();
	if (err)
		goto err_states;

	err = tcpobs_timewait_init();
	if (err)
		goto err_listen_drops;

	tcpobs_debugfs_init();
	pr_info("tcpobs: loaded, version %s\n", TCPOBS_VERSION);
	return 0;

err_listen_drops:
	tcpobs_listen_drops_exit();
err_states:
	tcpobs_states_exit();
	/* The ledger is fed by the state probe: free it once that is gone. */
	tcpobs_listeners_exit();
err_genl:
	tcpobs_genl_exit();
err_events:
	tcpobs_events_exit();
err_sockets:
	tcpobs_sockets_unregister();
err_sockets_cache:
	tcpobs_netns_exit();
	tcpobs_sockets_exit();
	return err;
err_netns:
	tcpobs_netns_exit();
	return err;
}

static void __exit tcpobs_exit(void)
{
	tcpobs_debugfs_exit();
	tcpobs_timewait_exit();
	tcpobs_listen_drops_exit();
	tcpobs_states_exit();
	tcpobs_sockets_unregister();
	/* No probe left to queue events: send the rest, then close the API. */
	tcpobs_events_exit();
	tcpobs_genl_exit();
	tcpobs_listeners_exit();
	tcpobs_netns_exit();
	tcpobs_sockets_exit();
	pr_info("tcpobs: unloaded\n");
}

module_init(tcpobs_init);
module_exit(tcpobs_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("TCP observability: state transitions, listen drops, TIME_WAIT, ECN");
MODULE_VERSION(TCPOBS_VERSION);
