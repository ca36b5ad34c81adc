// SPDX-License-Identifier: GPL-2.0
/*
 * tcpobs: load and unload.
 *
 * Load, each step relying only on the ones before it:
 *
 *   1. the lifecycle entries' cache (sockets.c)
 *   2. per-namespace state (netns.c): counters, TIME_WAIT aggregates, the
 *      lifecycle table, the ECN hooks, for every namespace now and later
 *   3. the tcp_destroy_sock probe, which removes lifecycle entries: before
 *      anything can make one
 *   4. the event rings (events.c)
 *   5. the state tracepoint, which feeds the listener ledger, the matrix
 *      and the lifecycle table, then the scan for listeners that already
 *      exist
 *   6. the listen-drop kretprobes, which account into the ledger
 *   7. the TIME_WAIT probes
 *   8. /proc/net/tcpobs/ of every namespace (proc.c's pernet_operations)
 *   9. the generic netlink family and its multicast group; the family
 *      registers itself as the events' sink
 *  10. debugfs
 *
 * So the user-visible API (8-10) comes up last, once everything it shows
 * is there, and goes first. The family is the last step that can fail:
 * a dump holds a reference to the module, and a module whose init fails
 * is freed whatever its references, so no request may have started
 * before init is sure to succeed. Unload is the exact reverse, and so is the
 * error path of load: no reader is left when a probe is detached, no
 * probe is left when the state it writes is freed, and each lifecycle
 * entry and ledger entry is removed while its socket lives for as long as
 * anyone could read it.
 */
#include <linux/delay.h>
#include <linux/module.h>

#include "debugfs.h"
#include "ecn.h"
#include "ecn_ports.h"
#include "events.h"
#include "genl.h"
#include "listen_drops.h"
#include "listeners.h"
#include "netns.h"
#include "proc.h"
#include "sockets.h"
#include "states.h"
#include "timewait.h"

#ifdef TCPOBS_DEBUG
/*
 * Debug builds only (the KASAN kernel, see Kbuild): a pause after each
 * step of unload, so that a test can make readers, probes and closing
 * sockets race each teardown step for that long and prove no step frees
 * what an earlier-removed one could still reach. 0: no pause.
 */
static unsigned int unload_delay_ms;
module_param(unload_delay_ms, uint, 0644);
MODULE_PARM_DESC(unload_delay_ms, "Debug builds: pause between unload steps, in ms (default 0)");

static void tcpobs_unload_pause(const char *done)
{
	unsigned int ms = READ_ONCE(unload_delay_ms);

	if (!ms)
		return;
	pr_info("tcpobs: unload: %s done, pausing %u ms\n", done, ms);
	msleep(ms);
}
#else
static inline void tcpobs_unload_pause(const char *done)
{
}
#endif

/*
 * The parts of each namespace's state, set up in this order and taken
 * down in reverse: the ECN hooks look up lifecycle entries, so they come
 * after the table.
 */
static const struct tcpobs_net_feature * const tcpobs_net_features[] = {
	&tcpobs_listen_drops_feature,
	&tcpobs_timewait_feature,
	&tcpobs_events_feature,
	&tcpobs_ecn_ports_feature,
	&tcpobs_sockets_feature,
	&tcpobs_ecn_feature,
	&tcpobs_listeners_feature,
};

static int __init tcpobs_init(void)
{
	int err;

	err = tcpobs_sockets_init();
	if (err)
		return err;

	err = tcpobs_netns_init(tcpobs_net_features,
				ARRAY_SIZE(tcpobs_net_features));
	if (err)
		goto err_sockets;

	err = tcpobs_sockets_register();
	if (err)
		goto err_netns;

	err = tcpobs_events_init();
	if (err)
		goto err_sockets_probe;

	err = tcpobs_states_init();
	if (err)
		goto err_events;
	tcpobs_listeners_start();

	err = tcpobs_listen_drops_init();
	if (err)
		goto err_states;

	err = tcpobs_timewait_init();
	if (err)
		goto err_listen_drops;

	err = tcpobs_proc_init();
	if (err)
		goto err_timewait;

	err = tcpobs_genl_init();
	if (err)
		goto err_proc;

	tcpobs_debugfs_init();
	pr_info("tcpobs: loaded, version %s\n", TCPOBS_VERSION);
	return 0;

err_proc:
	tcpobs_proc_exit();
err_timewait:
	tcpobs_timewait_exit();
err_listen_drops:
	tcpobs_listen_drops_exit();
err_states:
	tcpobs_states_exit();
	tcpobs_listeners_exit();
err_events:
	tcpobs_events_exit();
err_sockets_probe:
	tcpobs_sockets_unregister();
err_netns:
	tcpobs_netns_exit();
err_sockets:
	tcpobs_sockets_exit();
	/* (the kernel says nothing of a module whose init failed) */
	pr_err("tcpobs: load failed: error %d, everything undone\n", err);
	return err;
}

static void __exit tcpobs_exit(void)
{
	tcpobs_debugfs_exit();
	tcpobs_unload_pause("debugfs");
	/* The event sink first, then the family (waits for requests). */
	tcpobs_genl_exit();
	tcpobs_unload_pause("netlink");
	/* Waits for readers inside the files. */
	tcpobs_proc_exit();
	tcpobs_unload_pause("procfs");
	tcpobs_timewait_exit();
	tcpobs_unload_pause("TIME_WAIT probes");
	tcpobs_listen_drops_exit();
	tcpobs_unload_pause("listen-drop kretprobes");
	tcpobs_states_exit();
	/* Nothing feeds or reads the ledger any more. */
	tcpobs_listeners_exit();
	tcpobs_unload_pause("state probe and ledger");
	/* No probe left to queue events, no sink: the rest are lost. */
	tcpobs_events_exit();
	tcpobs_unload_pause("event rings");
	tcpobs_sockets_unregister();
	tcpobs_unload_pause("destroy probe");
	tcpobs_netns_exit();
	tcpobs_unload_pause("namespaces");
	tcpobs_sockets_exit();
	pr_info("tcpobs: unloaded\n");
}

module_init(tcpobs_init);
module_exit(tcpobs_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("TCP observability: state transitions, listen drops, TIME_WAIT, ECN");
MODULE_VERSION(TCPOBS_VERSION);
