/* SPDX-License-Identifier: GPL-2.0 */
/* tcpobs: ECN accounting (netfilter hooks) and the ecn file (ecn.c). */
#ifndef _TCPOBS_ECN_H
#define _TCPOBS_ECN_H

#include "tcpobs.h"

/* The rows being assembled for a read: open addressing by key. */
struct tcpobs_ecn_table {
	struct tcpobs_ecn_row *rows;
	unsigned int size;	/* power of 2 */
	unsigned int n;
	struct tcpobs_ecn_row other;
};

int tcpobs_ecn_counters(struct net *net, struct tcpobs_emit *e);
int tcpobs_ecn_rows(struct net *net, struct tcpobs_ecn_table *t);
void tcpobs_ecn_rows_free(struct tcpobs_ecn_table *t);
int tcpobs_ecn_show(struct seq_file *seq, void *v);

extern const struct tcpobs_net_feature tcpobs_ecn_feature;

#endif /* _TCPOBS_ECN_H */
