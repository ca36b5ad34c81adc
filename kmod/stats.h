/* SPDX-License-Identifier: GPL-2.0 */
/* tcpobs: /proc/net/tcpobs/stats and the stats netlink section (stats.c). */
#ifndef _TCPOBS_STATS_H
#define _TCPOBS_STATS_H

#include "tcpobs.h"

int tcpobs_stats_counters(struct net *net, struct tcpobs_emit *e);
int tcpobs_stats_show(struct seq_file *seq, void *v);

#endif /* _TCPOBS_STATS_H */
