/* SPDX-License-Identifier: GPL-2.0 */
/* tcpobs: per-namespace state and the registry of features (netns.c). */
#ifndef _TCPOBS_NETNS_H
#define _TCPOBS_NETNS_H

#include "tcpobs.h"

int tcpobs_netns_init(const struct tcpobs_net_feature * const *features,
		      unsigned int n);
int tcpobs_netns_count(void);
void tcpobs_netns_exit(void);
struct tcpobs_net *tcpobs_net(const struct net *net);
struct tcpobs_net *tcpobs_net_counted(const struct net *net,
				      struct tcpobs_pcpu __percpu **pcpu);
struct tcpobs_pcpu __percpu *tcpobs_pcpu(const struct net *net);
void tcpobs_netns_reset(struct net *net);
unsigned long tcpobs_repair_period(bool *on);

#endif /* _TCPOBS_NETNS_H */
