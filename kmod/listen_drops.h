/* SPDX-License-Identifier: GPL-2.0 */
/* tcpobs: listen drops attributed to their listener (listen_drops.c). */
#ifndef _TCPOBS_LISTEN_DROPS_H
#define _TCPOBS_LISTEN_DROPS_H

#include "tcpobs.h"

int tcpobs_listen_drops_init(void);
void tcpobs_listen_drops_exit(void);
void tcpobs_listen_drops_mib(const struct net *net,
			     unsigned long val[TCPOBS_DROP_MAX]);
unsigned long tcpobs_listen_drops_missed(void);

extern const struct tcpobs_net_feature tcpobs_listen_drops_feature;

/*
 * What one probed call added to the listen-drop counters: @now, this
 * CPU's values at return, becomes @now minus @then, its values at entry
 * (here rather than in listen_drops.c so that the KUnit suites in
 * tcpobs_kunit.c test the very code the module runs). Unsigned, like the
 * counters: one that wrapped in between still gives what was added, and a
 * counter that did not move gives exactly 0, which the ledger skips.
 */
static inline void tcpobs_mib_delta(unsigned long now[TCPOBS_DROP_MAX],
				    const unsigned long then[TCPOBS_DROP_MAX])
{
	unsigned int i;

	for (i = 0; i < TCPOBS_DROP_MAX; i++)
		now[i] -= then[i];
}

#endif /* _TCPOBS_LISTEN_DROPS_H */
