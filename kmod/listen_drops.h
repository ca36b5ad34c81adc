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

#endif /* _TCPOBS_LISTEN_DROPS_H */
