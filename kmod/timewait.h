/* SPDX-License-Identifier: GPL-2.0 */
/* tcpobs: the TIME_WAIT inventory (timewait.c). */
#ifndef _TCPOBS_TIMEWAIT_H
#define _TCPOBS_TIMEWAIT_H

#include "tcpobs.h"

int tcpobs_timewait_init(void);
void tcpobs_timewait_exit(void);
unsigned long tcpobs_timewait_missed(void);
int tcpobs_timewait_counters(struct net *net, struct tcpobs_emit *e);
void tcpobs_timewait_age_bounds(unsigned int b, u32 *from, u32 *to);

#define TCPOBS_TW_TOP_MAX 64

struct tcpobs_tw_row {
	long count;
	struct in6_addr addr;
	u16 port;
	u8 family;
};

unsigned int tcpobs_timewait_top(struct net *net, unsigned int kind,
				 unsigned int want, struct tcpobs_tw_row *top);
unsigned int tcpobs_timewait_default_top(void);
long tcpobs_timewait_ages(struct net *net, long ages[TCPOBS_TW_AGE_BUCKETS]);
int tcpobs_timewait_show(struct seq_file *seq, void *v);

extern const struct tcpobs_net_feature tcpobs_timewait_feature;

#endif /* _TCPOBS_TIMEWAIT_H */
