/* SPDX-License-Identifier: GPL-2.0 */
/* tcpobs: the event stream: per-CPU rings, sent through a sink (events.c). */
#ifndef _TCPOBS_EVENTS_H
#define _TCPOBS_EVENTS_H

#include "tcpobs.h"

/*
 * Where events go, registered by the netlink layer (genl.c): whether
 * anyone in @net listens (any context, under RCU), and sending one event
 * (process context; non-zero: lost).
 */
struct tcpobs_event_sink {
	bool (*has_listeners)(struct net *net);
	int (*send)(const struct tcpobs_event *ev);
};

int tcpobs_events_init(void);
void tcpobs_events_exit(void);
void tcpobs_events_set_sink(const struct tcpobs_event_sink *sink);
bool tcpobs_events_want(struct net *net, u32 bit);
u64 tcpobs_events_interval_ns(struct net *net);
void tcpobs_event_queue(struct net *net, const struct tcpobs_event *tmpl);
int tcpobs_events_counters(struct net *net, struct tcpobs_emit *e);

extern const struct tcpobs_net_feature tcpobs_events_feature;

#endif /* _TCPOBS_EVENTS_H */
