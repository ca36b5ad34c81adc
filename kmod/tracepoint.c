// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching to tracepoints that are not exported to modules.
 *
 * Most of the sock: and tcp: tracepoints have no EXPORT_TRACEPOINT_SYMBOL,
 * so they cannot be named from a module. They can still be found by name
 * among the core kernel's tracepoints and attached to with
 * tracepoint_probe_register(), which is exported.
 */
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "tracepoint.h"

struct tcpobs_tp_lookup {
	struct tcpobs_tracepoint *tps;
	unsigned int n;
};

static void tcpobs_tp_match(struct tracepoint *tp, void *priv)
{
	struct tcpobs_tp_lookup *lookup = priv;
	unsigned int i;

	for (i = 0; i < lookup->n; i++) {
		if (!lookup->tps[i].tp && !strcmp(tp->name, lookup->tps[i].name))
			lookup->tps[i].tp = tp;
	}
}

int tcpobs_tracepoints_register(struct tcpobs_tracepoint *tps, unsigned int n)
{
	struct tcpobs_tp_lookup lookup = { .tps = tps, .n = n };
	unsigned int i;
	int err;

	for (i = 0; i < n; i++)
		tps[i].tp = NULL;
	for_each_kernel_tracepoint(tcpobs_tp_match, &lookup);

	for (i = 0; i < n; i++) {
		if (!tps[i].tp) {
			pr_err("tcpobs: tracepoint %s not found\n", tps[i].name);
			err = -ENOENT;
			goto err_unwind;
		}
		err = tracepoint_probe_register(tps[i].tp, tps[i].probe, NULL);
		if (err) {
			pr_err("tcpobs: cannot attach to tracepoint %s: %d\n",
			       tps[i].name, err);
			goto err_unwind;
		}
	}
	return 0;

err_unwind:
	while (i--)
		tracepoint_probe_unregister(tps[i].tp, tps[i].probe, NULL);
	tracepoint_synchronize_unregister();
	return err;
}

void tcpobs_tracepoints_unregister(struct tcpobs_tracepoint *tps,
				   unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		tracepoint_probe_unregister(tps[i].tp, tps[i].probe, NULL);
	/* No probe of ours runs, or will run, once this returns. */
	tracepoint_synchronize_unregister();
}
