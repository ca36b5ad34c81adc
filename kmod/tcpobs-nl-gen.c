// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/tcpobs.yaml */
/* YNL-GEN kernel source */
/* To regenerate run: tools/net/ynl/ynl-regen.sh */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "tcpobs-nl-gen.h"

#include <uapi/linux/tcpobs.h>

/* Integer value ranges */
static const struct netlink_range_validation tcpobs_a_options_interval_ms_range = {
	.min	= 1ULL,
	.max	= 60000ULL,
};

/* TCPOBS_CMD_GET_LISTENER - dump */
static const struct nla_policy tcpobs_get_listener_nl_policy[TCPOBS_A_LISTENER_PORT + 1] = {
	[TCPOBS_A_LISTENER_FAMILY] = NLA_POLICY_RANGE(NLA_U8, 2, 10),
	[TCPOBS_A_LISTENER_PORT] = { .type = NLA_BE16, },
};

/* TCPOBS_CMD_GET_SOCKET - dump */
static const struct nla_policy tcpobs_get_socket_nl_policy[TCPOBS_A_SOCKET_PORT + 1] = {
	[TCPOBS_A_SOCKET_FAMILY] = NLA_POLICY_RANGE(NLA_U8, 2, 10),
	[TCPOBS_A_SOCKET_STATE] = NLA_POLICY_RANGE(NLA_U8, 1, 13),
	[TCPOBS_A_SOCKET_PORT] = { .type = NLA_BE16, },
};

/* TCPOBS_CMD_GET_TIMEWAIT - dump */
static const struct nla_policy tcpobs_get_timewait_nl_policy[TCPOBS_A_TIMEWAIT_TOP + 1] = {
	[TCPOBS_A_TIMEWAIT_TOP] = NLA_POLICY_RANGE(NLA_U32, 1, TCPOBS_TW_TOP_MAX),
};

/* TCPOBS_CMD_SET_OPTIONS - do */
static const struct nla_policy tcpobs_set_options_nl_policy[TCPOBS_A_OPTIONS_INTERVAL_MS + 1] = {
	[TCPOBS_A_OPTIONS_EVENTS] = NLA_POLICY_MASK(NLA_U32, 0x3),
	[TCPOBS_A_OPTIONS_INTERVAL_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &tcpobs_a_options_interval_ms_range),
};

/* Ops table for tcpobs */
const struct genl_split_ops tcpobs_nl_ops[11] = {
	{
		.cmd	= TCPOBS_CMD_GET_STATS,
		.doit	= tcpobs_nl_get_stats_doit,
		.flags	= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= TCPOBS_CMD_GET_STATES,
		.dumpit	= tcpobs_nl_get_states_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= TCPOBS_CMD_GET_LISTENER,
		.dumpit		= tcpobs_nl_get_listener_dumpit,
		.policy		= tcpobs_get_listener_nl_policy,
		.maxattr	= TCPOBS_A_LISTENER_PORT,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= TCPOBS_CMD_GET_SOCKET,
		.start		= tcpobs_nl_socket_start,
		.dumpit		= tcpobs_nl_get_socket_dumpit,
		.done		= tcpobs_nl_socket_done,
		.policy		= tcpobs_get_socket_nl_policy,
		.maxattr	= TCPOBS_A_SOCKET_PORT,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= TCPOBS_CMD_GET_TIMEWAIT,
		.dumpit		= tcpobs_nl_get_timewait_dumpit,
		.policy		= tcpobs_get_timewait_nl_policy,
		.maxattr	= TCPOBS_A_TIMEWAIT_TOP,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd	= TCPOBS_CMD_GET_LIFETIMES,
		.dumpit	= tcpobs_nl_get_lifetimes_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd	= TCPOBS_CMD_GET_ECN,
		.start	= tcpobs_nl_ecn_start,
		.dumpit	= tcpobs_nl_get_ecn_dumpit,
		.done	= tcpobs_nl_ecn_done,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd	= TCPOBS_CMD_RESET,
		.doit	= tcpobs_nl_reset_doit,
		.flags	= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= TCPOBS_CMD_SET_OPTIONS,
		.doit		= tcpobs_nl_set_options_doit,
		.policy		= tcpobs_set_options_nl_policy,
		.maxattr	= TCPOBS_A_OPTIONS_INTERVAL_MS,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= TCPOBS_CMD_GET_OPTIONS,
		.doit	= tcpobs_nl_get_options_doit,
		.flags	= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= TCPOBS_CMD_GET_FEATURES,
		.dumpit	= tcpobs_nl_get_features_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
};

static const struct genl_multicast_group tcpobs_nl_mcgrps[] = {
	[TCPOBS_NLGRP_EVENTS] = { "events", },
};
