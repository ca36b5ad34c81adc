/* SPDX-License-Identifier: GPL-2.0 */
/* tcpobs: ECN rows of closed sockets by service port (ecn_ports.c). */
#ifndef _TCPOBS_ECN_PORTS_H
#define _TCPOBS_ECN_PORTS_H

#include "tcpobs.h"

unsigned int tcpobs_ecn_ports_max(void);
unsigned int tcpobs_ecn_ports_count(struct tcpobs_net *tn);

/* The key of a service's row: its port and side. */
static inline u32 tcpobs_ecn_key(u16 port, bool passive)
{
	return (u32)port << 1 | passive;
}

void tcpobs_ecn_row_add(struct tcpobs_ecn_row *r, bool ecn,
			const struct tcpobs_sk_ecn *x, u32 delivered_ce);
void tcpobs_ecn_closed(struct tcpobs_net *tn, u16 port, bool passive, bool ecn,
		       const struct tcpobs_sk_ecn *x, u32 delivered_ce);
void tcpobs_ecn_ports_read(struct tcpobs_net *tn,
			   void (*fn)(void *arg, const struct tcpobs_ecn_row *r,
				      bool other),
			   void *arg);

extern const struct tcpobs_net_feature tcpobs_ecn_ports_feature;

#endif /* _TCPOBS_ECN_PORTS_H */
