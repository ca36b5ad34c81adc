/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * tcpobs: the generic netlink interface of tcpobs.ko, shared with the
 * tcpobs(8) tool.
 *
 * Family "tcpobs", version TCPOBS_GENL_VERSION. Every request and reply is
 * about the network namespace of the requesting socket: a namespace sees
 * only its own sockets and counters. Reading is allowed to anyone (as
 * /proc/net/tcp is); TCPOBS_CMD_RESET and TCPOBS_CMD_SET_OPTIONS need
 * CAP_NET_ADMIN in the namespace's user namespace. Requests are validated
 * strictly: unknown attributes, wrong types or lengths, and nests without
 * NLA_F_NESTED are rejected with an errno and an extack message, and
 * change nothing.
 *
 * Integers are in host byte order (ports too); addresses are in network
 * byte order, 4 bytes for AF_INET and 16 for AF_INET6. Times are
 * nanoseconds. 64-bit values are padded with TCPOBS_A_PAD.
 *
 * Commands and their attribute trees:
 *
 * TCPOBS_CMD_GET_STATS (doit): the namespace's totals.
 *   reply:
 *     TCPOBS_A_STATS: NLA_NESTED     the lines of /proc/net/tcpobs/stats
 *       TCPOBS_A_COUNTER: NLA_NESTED  (one per line, in order)
 *         TCPOBS_A_COUNTER_NAME: NLA_NUL_STRING
 *         TCPOBS_A_COUNTER_VALUE: NLA_S64
 *     TCPOBS_A_TIMEWAIT: NLA_NESTED  totals of /proc/net/tcpobs/timewait,
 *                                    as TCPOBS_A_COUNTER nests
 *     TCPOBS_A_ECN: NLA_NESTED       totals of /proc/net/tcpobs/ecn, likewise
 *     TCPOBS_A_EVENTS: NLA_NESTED    the event stream's counters, likewise
 *                                    (events_seq, events_sent, events_lost)
 *     TCPOBS_A_STATES: NLA_NESTED    /proc/net/tcpobs/states
 *       TCPOBS_A_TRANSITION: NLA_NESTED
 *         TCPOBS_A_TRANSITION_FROM: NLA_U8   (TCP_ESTABLISHED, ...)
 *         TCPOBS_A_TRANSITION_TO: NLA_U8
 *         TCPOBS_A_TRANSITION_COUNT: NLA_U64
 *
 * TCPOBS_CMD_GET_LISTENER (dumpit): one message per live listener.
 *   request (optional):
 *     TCPOBS_A_FILTER: NLA_NESTED
 *       TCPOBS_A_FILTER_PORT: NLA_U16     local port
 *       TCPOBS_A_FILTER_FAMILY: NLA_U8    AF_INET or AF_INET6
 *   reply, per message:
 *     TCPOBS_A_LISTENER: NLA_NESTED
 *       TCPOBS_A_L_FAMILY: NLA_U8
 *       TCPOBS_A_L_ADDR: NLA_BINARY
 *       TCPOBS_A_L_PORT: NLA_U16
 *       TCPOBS_A_L_COOKIE: NLA_U64
 *       TCPOBS_A_L_BACKLOG, TCPOBS_A_L_ACCEPT_Q, TCPOBS_A_L_ACCEPT_Q_MAX,
 *       TCPOBS_A_L_SYN_Q, TCPOBS_A_L_SYN_Q_MAX: NLA_U32
 *       TCPOBS_A_L_LISTEN_OVERFLOWS ... TCPOBS_A_L_SYNCOOKIES_FAILED: NLA_U64
 *         (the listen-drop causes, in the order of enum tcpobs_cause)
 *       TCPOBS_A_L_CAUSES: NLA_NESTED   causes that happened at least once
 *         TCPOBS_A_L_CAUSE: NLA_NESTED
 *           TCPOBS_A_CAUSE_ID: NLA_U8      (enum tcpobs_cause)
 *           TCPOBS_A_CAUSE_COUNT: NLA_U64
 *           TCPOBS_A_CAUSE_FIRST: NLA_U64  (CLOCK_BOOTTIME)
 *           TCPOBS_A_CAUSE_LAST: NLA_U64   (CLOCK_BOOTTIME)
 *
 * TCPOBS_CMD_GET_SOCKET (dumpit): one message per tracked socket.
 *   request (optional):
 *     TCPOBS_A_FILTER: NLA_NESTED
 *       TCPOBS_A_FILTER_PORT: NLA_U16     local or peer port
 *       TCPOBS_A_FILTER_FAMILY: NLA_U8
 *       TCPOBS_A_FILTER_STATE: NLA_U8     TCP_ESTABLISHED, ...
 *   reply, per message:
 *     TCPOBS_A_SOCKET: NLA_NESTED
 *       TCPOBS_A_S_FAMILY: NLA_U8
 *       TCPOBS_A_S_SADDR, TCPOBS_A_S_DADDR: NLA_BINARY
 *       TCPOBS_A_S_SPORT, TCPOBS_A_S_DPORT: NLA_U16
 *       TCPOBS_A_S_STATE: NLA_U8
 *       TCPOBS_A_S_AGE_IN_STATE, TCPOBS_A_S_AGE: NLA_U64 (ns)
 *       TCPOBS_A_S_TRANSITIONS: NLA_U32
 *       TCPOBS_A_S_COOKIE: NLA_U64
 *       TCPOBS_A_S_ECN: NLA_U8             1 if ECN was negotiated
 *       TCPOBS_A_S_CE, _ECT0, _ECT1, _NOECT, _ECE_IN, _ECE_OUT, _CWR_IN,
 *       _CWR_OUT, _DELIVERED_CE: NLA_U32
 *   A dump whose table changed between messages is flagged NLM_F_DUMP_INTR.
 *
 * TCPOBS_CMD_GET_TIMEWAIT (doit): the TIME_WAIT inventory.
 *   request (optional):
 *     TCPOBS_A_TOP: NLA_U32              rows per table (1..64, default 10)
 *   reply:
 *     TCPOBS_A_TIMEWAIT: NLA_NESTED      totals, as TCPOBS_A_COUNTER nests
 *     TCPOBS_A_TW_TABLE: NLA_NESTED      one per table, in this order
 *       TCPOBS_A_TW_KIND: NLA_U8         enum tcpobs_tw_kind
 *       TCPOBS_A_TW_OTHER: NLA_U64       the rest beyond the rows
 *       TCPOBS_A_TW_ROW: NLA_NESTED      largest first
 *         TCPOBS_A_TW_PORT: NLA_U16      (port tables)
 *         TCPOBS_A_TW_FAMILY: NLA_U8, TCPOBS_A_TW_ADDR: NLA_BINARY (peer)
 *         TCPOBS_A_TW_COUNT: NLA_U64
 *     TCPOBS_A_TW_AGE: NLA_NESTED        one per age bucket
 *       TCPOBS_A_TW_AGE_FROM: NLA_U32    seconds
 *       TCPOBS_A_TW_AGE_TO: NLA_U32      seconds, 0 for no upper bound
 *       TCPOBS_A_TW_COUNT: NLA_U64
 *
 * TCPOBS_CMD_GET_LIFETIMES (doit): time-in-state histograms.
 *   reply: TCPOBS_A_LIFETIME: NLA_NESTED, one per non-empty bucket
 *       TCPOBS_A_LT_STATE: NLA_U8
 *       TCPOBS_A_LT_FROM_US, TCPOBS_A_LT_TO_US: NLA_U64 (TO 0: no bound)
 *       TCPOBS_A_LT_COUNT: NLA_U64
 *
 * TCPOBS_CMD_GET_ECN (doit): ECN totals and per-service rows.
 *   reply:
 *     TCPOBS_A_ECN: NLA_NESTED           totals, as TCPOBS_A_COUNTER nests
 *     TCPOBS_A_ECN_PORT: NLA_NESTED      one per service row
 *       TCPOBS_A_EP_SIDE: NLA_U8         enum tcpobs_ecn_side
 *       TCPOBS_A_EP_PORT: NLA_U16
 *       TCPOBS_A_EP_SOCKETS ... TCPOBS_A_EP_DELIVERED_CE: NLA_U64
 *
 * TCPOBS_CMD_RESET (doit, CAP_NET_ADMIN): zero the namespace's counters:
 *   transitions, listen drops (per listener too, with the queue high-water
 *   marks and first/last times), lifetimes, TIME_WAIT entry/exit counters,
 *   ECN counters. Inventories (current TIME_WAIT, tracked sockets) stay.
 *
 * TCPOBS_CMD_SET_OPTIONS (doit, CAP_NET_ADMIN), TCPOBS_CMD_GET_OPTIONS:
 *     TCPOBS_A_OPTIONS: NLA_NESTED
 *       TCPOBS_A_OPT_EVENTS: NLA_U32     TCPOBS_EVENT_* bits (default 0)
 *       TCPOBS_A_OPT_INTERVAL_MS: NLA_U32  at most one listen-drop event per
 *                                          listener per interval (1..60000,
 *                                          default 100)
 *
 * Multicast group TCPOBS_GENL_MCGRP_EVENTS, TCPOBS_CMD_EVENT:
 *     TCPOBS_A_EVENT: NLA_NESTED
 *       TCPOBS_A_EV_SEQ: NLA_U64     per namespace, +1 for every event
 *                                    generated: a gap is an event lost (the
 *                                    namespace counts them in events_lost)
 *       TCPOBS_A_EV_TYPE: NLA_U8     enum tcpobs_event_type
 *       TCPOBS_A_EV_TIME: NLA_U64    CLOCK_BOOTTIME
 *       TCPOBS_A_EV_LISTENER: NLA_NESTED  (LISTEN_DROP) the listener and
 *                         its cumulative counts: TCPOBS_A_L_* as in
 *                         TCPOBS_CMD_GET_LISTENER
 *       TCPOBS_A_EV_CAUSE: NLA_U8    (LISTEN_DROP) the cause that fired
 *       TCPOBS_A_EV_SOCKET: NLA_NESTED    (STATE) the socket: TCPOBS_A_S_*
 *                         (tuple, cookie)
 *       TCPOBS_A_EV_OLD_STATE, TCPOBS_A_EV_NEW_STATE: NLA_U8   (STATE)
 *   Events are off by default and cost nothing while nobody listens.
 *
 * TCPOBS_CMD_GET_FEATURES (doit): whether each feature is exact on the
 * running kernel (the same for every namespace), one nest per feature:
 *     TCPOBS_A_FEATURE: NLA_NESTED
 *       TCPOBS_A_FEAT_NAME: NLA_NUL_STRING   states, listen_drops, ...
 *       TCPOBS_A_FEAT_EXACT: NLA_U8          1 exact, 0 degraded
 *       TCPOBS_A_FEAT_REASON: NLA_NUL_STRING  why it is degraded, in one
 *                         line; or, while exact, why there is nothing to
 *                         see (a part the kernel was built without)
 */
#ifndef _UAPI_TCPOBS_H
#define _UAPI_TCPOBS_H

#define TCPOBS_GENL_NAME		"tcpobs"
#define TCPOBS_GENL_VERSION		1
#define TCPOBS_GENL_MCGRP_EVENTS	"events"

enum tcpobs_cmd {
	TCPOBS_CMD_UNSPEC,
	TCPOBS_CMD_GET_STATS,
	TCPOBS_CMD_GET_LISTENER,
	TCPOBS_CMD_GET_SOCKET,
	TCPOBS_CMD_GET_TIMEWAIT,
	TCPOBS_CMD_GET_LIFETIMES,
	TCPOBS_CMD_GET_ECN,
	TCPOBS_CMD_RESET,
	TCPOBS_CMD_SET_OPTIONS,
	TCPOBS_CMD_GET_OPTIONS,
	TCPOBS_CMD_EVENT,
	TCPOBS_CMD_GET_FEATURES,
	__TCPOBS_CMD_MAX
};

#define TCPOBS_CMD_MAX (__TCPOBS_CMD_MAX - 1)

/* The listen-drop causes, in the order of the procfs columns. */
enum tcpobs_cause {
	TCPOBS_CAUSE_LISTEN_OVERFLOWS,
	TCPOBS_CAUSE_LISTEN_DROPS,
	TCPOBS_CAUSE_REQQ_FULL_DROPS,
	TCPOBS_CAUSE_REQQ_FULL_COOKIES,
	TCPOBS_CAUSE_SYNCOOKIES_SENT,
	TCPOBS_CAUSE_SYNCOOKIES_RECV,
	TCPOBS_CAUSE_SYNCOOKIES_FAILED,
	__TCPOBS_CAUSE_MAX
};

enum tcpobs_tw_kind {
	TCPOBS_TW_LOCAL_PORT,
	TCPOBS_TW_PEER_PORT,
	TCPOBS_TW_PEER,
	__TCPOBS_TW_KIND_MAX
};

enum tcpobs_ecn_side {
	TCPOBS_ECN_SIDE_PEER,	/* active sockets: the service is the peer port */
	TCPOBS_ECN_SIDE_LOCAL,	/* accepted sockets: the local port */
	TCPOBS_ECN_SIDE_OTHER,	/* the rows beyond max_ecn_ports */
};

enum tcpobs_event_type {
	TCPOBS_EVENT_TYPE_UNSPEC,
	TCPOBS_EVENT_TYPE_LISTEN_DROP,
	TCPOBS_EVENT_TYPE_STATE,
};

/* TCPOBS_A_OPT_EVENTS bits. */
#define TCPOBS_EVENT_LISTEN_DROPS	0x1U
#define TCPOBS_EVENT_STATES		0x2U
#define TCPOBS_EVENT_ALL		(TCPOBS_EVENT_LISTEN_DROPS | TCPOBS_EVENT_STATES)

enum tcpobs_attr {
	TCPOBS_A_UNSPEC,
	TCPOBS_A_PAD,
	TCPOBS_A_STATS,
	TCPOBS_A_TIMEWAIT,
	TCPOBS_A_ECN,
	TCPOBS_A_EVENTS,
	TCPOBS_A_STATES,
	TCPOBS_A_LISTENER,
	TCPOBS_A_SOCKET,
	TCPOBS_A_FILTER,
	TCPOBS_A_TOP,
	TCPOBS_A_TW_TABLE,
	TCPOBS_A_TW_AGE,
	TCPOBS_A_LIFETIME,
	TCPOBS_A_ECN_PORT,
	TCPOBS_A_OPTIONS,
	TCPOBS_A_EVENT,
	TCPOBS_A_FEATURE,
	__TCPOBS_A_MAX
};

#define TCPOBS_A_MAX (__TCPOBS_A_MAX - 1)

/* In TCPOBS_A_STATS, TCPOBS_A_TIMEWAIT, TCPOBS_A_ECN, TCPOBS_A_EVENTS. */
enum tcpobs_counter_attr {
	TCPOBS_A_COUNTER_UNSPEC,
	TCPOBS_A_COUNTER_PAD,
	TCPOBS_A_COUNTER,		/* nest of the two below */
	TCPOBS_A_COUNTER_NAME,
	TCPOBS_A_COUNTER_VALUE,
	__TCPOBS_A_COUNTER_MAX
};

#define TCPOBS_A_COUNTER_MAX (__TCPOBS_A_COUNTER_MAX - 1)

enum tcpobs_transition_attr {
	TCPOBS_A_TRANSITION_UNSPEC,
	TCPOBS_A_TRANSITION_PAD,
	TCPOBS_A_TRANSITION,		/* nest of the three below */
	TCPOBS_A_TRANSITION_FROM,
	TCPOBS_A_TRANSITION_TO,
	TCPOBS_A_TRANSITION_COUNT,
	__TCPOBS_A_TRANSITION_MAX
};

#define TCPOBS_A_TRANSITION_MAX (__TCPOBS_A_TRANSITION_MAX - 1)

enum tcpobs_filter_attr {
	TCPOBS_A_FILTER_UNSPEC,
	TCPOBS_A_FILTER_PORT,
	TCPOBS_A_FILTER_FAMILY,
	TCPOBS_A_FILTER_STATE,
	__TCPOBS_A_FILTER_MAX
};

#define TCPOBS_A_FILTER_MAX (__TCPOBS_A_FILTER_MAX - 1)

enum tcpobs_listener_attr {
	TCPOBS_A_L_UNSPEC,
	TCPOBS_A_L_PAD,
	TCPOBS_A_L_FAMILY,
	TCPOBS_A_L_ADDR,
	TCPOBS_A_L_PORT,
	TCPOBS_A_L_COOKIE,
	TCPOBS_A_L_BACKLOG,
	TCPOBS_A_L_ACCEPT_Q,
	TCPOBS_A_L_ACCEPT_Q_MAX,
	TCPOBS_A_L_SYN_Q,
	TCPOBS_A_L_SYN_Q_MAX,
	TCPOBS_A_L_LISTEN_OVERFLOWS,	/* + enum tcpobs_cause */
	TCPOBS_A_L_LISTEN_DROPS,
	TCPOBS_A_L_REQQ_FULL_DROPS,
	TCPOBS_A_L_REQQ_FULL_COOKIES,
	TCPOBS_A_L_SYNCOOKIES_SENT,
	TCPOBS_A_L_SYNCOOKIES_RECV,
	TCPOBS_A_L_SYNCOOKIES_FAILED,
	TCPOBS_A_L_CAUSES,
	TCPOBS_A_L_CAUSE,
	TCPOBS_A_CAUSE_ID,
	TCPOBS_A_CAUSE_COUNT,
	TCPOBS_A_CAUSE_FIRST,
	TCPOBS_A_CAUSE_LAST,
	__TCPOBS_A_L_MAX
};

#define TCPOBS_A_L_MAX (__TCPOBS_A_L_MAX - 1)

enum tcpobs_socket_attr {
	TCPOBS_A_S_UNSPEC,
	TCPOBS_A_S_PAD,
	TCPOBS_A_S_FAMILY,
	TCPOBS_A_S_SADDR,
	TCPOBS_A_S_DADDR,
	TCPOBS_A_S_SPORT,
	TCPOBS_A_S_DPORT,
	TCPOBS_A_S_STATE,
	TCPOBS_A_S_AGE_IN_STATE,
	TCPOBS_A_S_AGE,
	TCPOBS_A_S_TRANSITIONS,
	TCPOBS_A_S_COOKIE,
	TCPOBS_A_S_ECN,
	TCPOBS_A_S_CE,
	TCPOBS_A_S_ECT0,
	TCPOBS_A_S_ECT1,
	TCPOBS_A_S_NOECT,
	TCPOBS_A_S_ECE_IN,
	TCPOBS_A_S_ECE_OUT,
	TCPOBS_A_S_CWR_IN,
	TCPOBS_A_S_CWR_OUT,
	TCPOBS_A_S_DELIVERED_CE,
	__TCPOBS_A_S_MAX
};

#define TCPOBS_A_S_MAX (__TCPOBS_A_S_MAX - 1)

enum tcpobs_timewait_attr {
	TCPOBS_A_TW_UNSPEC,
	TCPOBS_A_TW_PAD,
	TCPOBS_A_TW_KIND,
	TCPOBS_A_TW_OTHER,
	TCPOBS_A_TW_ROW,
	TCPOBS_A_TW_PORT,
	TCPOBS_A_TW_FAMILY,
	TCPOBS_A_TW_ADDR,
	TCPOBS_A_TW_COUNT,
	TCPOBS_A_TW_AGE_FROM,
	TCPOBS_A_TW_AGE_TO,
	__TCPOBS_A_TW_MAX
};

#define TCPOBS_A_TW_MAX (__TCPOBS_A_TW_MAX - 1)

enum tcpobs_lifetime_attr {
	TCPOBS_A_LT_UNSPEC,
	TCPOBS_A_LT_PAD,
	TCPOBS_A_LT_STATE,
	TCPOBS_A_LT_FROM_US,
	TCPOBS_A_LT_TO_US,
	TCPOBS_A_LT_COUNT,
	__TCPOBS_A_LT_MAX
};

#define TCPOBS_A_LT_MAX (__TCPOBS_A_LT_MAX - 1)

enum tcpobs_ecn_port_attr {
	TCPOBS_A_EP_UNSPEC,
	TCPOBS_A_EP_PAD,
	TCPOBS_A_EP_SIDE,
	TCPOBS_A_EP_PORT,
	TCPOBS_A_EP_SOCKETS,
	TCPOBS_A_EP_NEGOTIATED,
	TCPOBS_A_EP_CE,
	TCPOBS_A_EP_ECT0,
	TCPOBS_A_EP_ECT1,
	TCPOBS_A_EP_NOECT,
	TCPOBS_A_EP_ECE_IN,
	TCPOBS_A_EP_ECE_OUT,
	TCPOBS_A_EP_CWR_IN,
	TCPOBS_A_EP_CWR_OUT,
	TCPOBS_A_EP_DELIVERED_CE,
	__TCPOBS_A_EP_MAX
};

#define TCPOBS_A_EP_MAX (__TCPOBS_A_EP_MAX - 1)

enum tcpobs_options_attr {
	TCPOBS_A_OPT_UNSPEC,
	TCPOBS_A_OPT_EVENTS,
	TCPOBS_A_OPT_INTERVAL_MS,
	__TCPOBS_A_OPT_MAX
};

#define TCPOBS_A_OPT_MAX (__TCPOBS_A_OPT_MAX - 1)

enum tcpobs_event_attr {
	TCPOBS_A_EV_UNSPEC,
	TCPOBS_A_EV_PAD,
	TCPOBS_A_EV_SEQ,
	TCPOBS_A_EV_TYPE,
	TCPOBS_A_EV_TIME,
	TCPOBS_A_EV_CAUSE,
	TCPOBS_A_EV_OLD_STATE,
	TCPOBS_A_EV_NEW_STATE,
	TCPOBS_A_EV_LISTENER,
	TCPOBS_A_EV_SOCKET,
	__TCPOBS_A_EV_MAX
};

#define TCPOBS_A_EV_MAX (__TCPOBS_A_EV_MAX - 1)

enum tcpobs_feature_attr {
	TCPOBS_A_FEAT_UNSPEC,
	TCPOBS_A_FEAT_NAME,
	TCPOBS_A_FEAT_EXACT,
	TCPOBS_A_FEAT_REASON,
	__TCPOBS_A_FEAT_MAX
};

#define TCPOBS_A_FEAT_MAX (__TCPOBS_A_FEAT_MAX - 1)

#endif /* _UAPI_TCPOBS_H */
