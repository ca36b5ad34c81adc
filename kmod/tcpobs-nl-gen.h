/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/tcpobs.yaml */
/* YNL-GEN kernel header */
/* To regenerate run: tools/net/ynl/ynl-regen.sh */

#ifndef _LINUX_TCPOBS_GEN_H
#define _LINUX_TCPOBS_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/tcpobs.h>

/* Ops table for tcpobs */
extern const struct genl_split_ops tcpobs_nl_ops[11];

int tcpobs_nl_socket_start(struct netlink_callback *cb);
int tcpobs_nl_ecn_start(struct netlink_callback *cb);
int tcpobs_nl_socket_done(struct netlink_callback *cb);
int tcpobs_nl_ecn_done(struct netlink_callback *cb);

int tcpobs_nl_get_stats_doit(struct sk_buff *skb, struct genl_info *info);
int tcpobs_nl_get_states_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);
int tcpobs_nl_get_listener_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb);
int tcpobs_nl_get_socket_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);
int tcpobs_nl_get_timewait_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb);
int tcpobs_nl_get_lifetimes_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb);
int tcpobs_nl_get_ecn_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int tcpobs_nl_reset_doit(struct sk_buff *skb, struct genl_info *info);
int tcpobs_nl_set_options_doit(struct sk_buff *skb, struct genl_info *info);
int tcpobs_nl_get_options_doit(struct sk_buff *skb, struct genl_info *info);
int tcpobs_nl_get_features_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb);

enum {
	TCPOBS_NLGRP_EVENTS,
};

#endif /* _LINUX_TCPOBS_GEN_H */
