// SPDX-License-Identifier: GPL-2.0
/*
 * nlprobe: send one hand-made request to the tcpobs generic netlink family
 * (version 2, Documentation/netlink/specs/tcpobs.yaml) and print how the
 * kernel answered, for the selftests of request validation and
 * permissions.
 *
 *   nlprobe [-u] CASE
 *   nlprobe -l                  list the cases
 *
 * prints "CASE ok" or "CASE <ERRNO NAME> <extack message>", exits 0 when
 * the kernel answered at all. -u drops to uid/gid 65534 first (no
 * capabilities). CASE is one of the names in cases[] below; join-events
 * sends no request but joins the "events" multicast group (the id the
 * controller gives for it) and reports what setsockopt said.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../kmod/uapi/linux/tcpobs.h"

/*
 * Version 1 of the family, for the requests an old client would still
 * send: its GET_SOCKET (now get-listener) with a nested filter, its
 * SET_OPTIONS (now reset) with a nested options attribute.
 */
#define V1_VERSION		1
#define V1_CMD_GET_SOCKET	3
#define V1_CMD_SET_OPTIONS	8
#define V1_A_FILTER		9
#define V1_A_FILTER_FAMILY	2
#define V1_A_OPTIONS		15
#define V1_A_OPT_INTERVAL_MS	2

static char buf[65536];
static struct mnl_socket *nl;
static unsigned int portid;
static int family_id, events_grp = -1;

static void mcast_groups(const struct nlattr *groups)
{
	const struct nlattr *g, *a;

	mnl_attr_for_each_nested(g, groups) {
		const char *name = NULL;
		int id = -1;

		mnl_attr_for_each_nested(a, g) {
			if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME)
				name = mnl_attr_get_str(a);
			else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID)
				id = mnl_attr_get_u32(a);
		}
		if (name && !strcmp(name, TCPOBS_MCGRP_EVENTS))
			events_grp = id;
	}
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			*(int *)data = mnl_attr_get_u16(a);
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GROUPS)
			mcast_groups(a);
	}
	return MNL_CB_OK;
}

static struct nlmsghdr *msg(int type, int flags, int cmd, int version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = time(NULL);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

/* A do request (acked) and a dump request of version 2. */
static struct nlmsghdr *do_req(int cmd)
{
	return msg(family_id, NLM_F_ACK, cmd, TCPOBS_GENL_VERSION);
}

static struct nlmsghdr *dump_req(int cmd)
{
	return msg(family_id, NLM_F_DUMP, cmd, TCPOBS_GENL_VERSION);
}

/* The extack message among the TLVs at @p, into @ext. */
static void extack_msg(const void *p, size_t len, char *ext, size_t extlen)
{
	const struct nlattr *attr;

	mnl_attr_for_each_payload((void *)p, len)
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG)
			snprintf(ext, extlen, "%s", mnl_attr_get_str(attr));
}

/* Sends @nlh; returns 0 or -errno, with the extack message in @ext. */
static int talk(struct nlmsghdr *nlh, char *ext, size_t extlen)
{
	int ret, err = 0;

	ext[0] = 0;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		const struct nlmsghdr *h;

		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret < 0)
			return -errno;
		for (h = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(h, ret);
		     h = mnl_nlmsg_next(h, &ret)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				/* A dump's end: its errno (0, or what stopped it). */
				const char *p = mnl_nlmsg_get_payload(h);
				size_t len = h->nlmsg_len - MNL_NLMSG_HDRLEN;

				if (len >= sizeof(int)) {
					memcpy(&err, p, sizeof(int));
					if (h->nlmsg_flags & NLM_F_ACK_TLVS)
						extack_msg(p + sizeof(int), len - sizeof(int),
							   ext, extlen);
				}
				return err;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);
				unsigned int off = sizeof(*e);

				/* The echoed request (unless capped), then the TLVs. */
				if (!(h->nlmsg_flags & NLM_F_CAPPED))
					off += MNL_ALIGN(e->msg.nlmsg_len) - sizeof(e->msg);
				if (h->nlmsg_len > MNL_NLMSG_HDRLEN + off)
					extack_msg((const char *)e + off,
						   h->nlmsg_len - MNL_NLMSG_HDRLEN - off,
						   ext, extlen);
				return e->error;
			}
		}
		if (!(nlh->nlmsg_flags & NLM_F_DUMP) && !(nlh->nlmsg_flags & NLM_F_ACK))
			return err;
	}
}

static int resolve(void)
{
	struct nlmsghdr *nlh = msg(GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY, 1);
	int ret, id = 0;

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, TCPOBS_GENL_NAME);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	while (ret > 0) {
		ret = mnl_cb_run(buf, ret, 0, portid, family_cb, &id);
		if (ret <= 0)
			break;
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	}
	return id;
}

/* --- the cases -------------------------------------------------------------- */

/*
 * Each builds its request and returns it, or NULL when the case was
 * carried out otherwise (its result in *ret).
 */
struct probe_case {
	const char *name;
	struct nlmsghdr *(*build)(int *ret, char *ext, size_t extlen);
	const char *what;
};

#define CASE(fn) static struct nlmsghdr *fn(int *ret, char *ext, size_t extlen)
#define UNUSED_ARGS (void)ret, (void)ext, (void)extlen

/* What is allowed. */

CASE(c_get_stats) { UNUSED_ARGS; return do_req(TCPOBS_CMD_GET_STATS); }
CASE(c_get_options) { UNUSED_ARGS; return do_req(TCPOBS_CMD_GET_OPTIONS); }
CASE(c_dump_states) { UNUSED_ARGS; return dump_req(TCPOBS_CMD_GET_STATES); }
CASE(c_dump_listeners) { UNUSED_ARGS; return dump_req(TCPOBS_CMD_GET_LISTENER); }
CASE(c_dump_sockets) { UNUSED_ARGS; return dump_req(TCPOBS_CMD_GET_SOCKET); }
CASE(c_dump_timewait) { UNUSED_ARGS; return dump_req(TCPOBS_CMD_GET_TIMEWAIT); }
CASE(c_dump_lifetimes) { UNUSED_ARGS; return dump_req(TCPOBS_CMD_GET_LIFETIMES); }
CASE(c_dump_ecn) { UNUSED_ARGS; return dump_req(TCPOBS_CMD_GET_ECN); }
CASE(c_dump_features) { UNUSED_ARGS; return dump_req(TCPOBS_CMD_GET_FEATURES); }

CASE(c_dump_listener_filter)
{
	struct nlmsghdr *nlh = dump_req(TCPOBS_CMD_GET_LISTENER);

	UNUSED_ARGS;
	mnl_attr_put_u8(nlh, TCPOBS_A_LISTENER_FAMILY, TCPOBS_FAMILY_INET6);
	mnl_attr_put_u16(nlh, TCPOBS_A_LISTENER_PORT, htons(22));
	return nlh;
}

CASE(c_dump_socket_filter)
{
	struct nlmsghdr *nlh = dump_req(TCPOBS_CMD_GET_SOCKET);

	UNUSED_ARGS;
	mnl_attr_put_u8(nlh, TCPOBS_A_SOCKET_FAMILY, TCPOBS_FAMILY_INET);
	mnl_attr_put_u8(nlh, TCPOBS_A_SOCKET_STATE, 13);	/* the bounds */
	mnl_attr_put_u8(nlh, TCPOBS_A_SOCKET_STATE, 1);	/* (the last counts) */
	mnl_attr_put_u16(nlh, TCPOBS_A_SOCKET_PORT, htons(22));
	return nlh;
}

CASE(c_dump_timewait_top)
{
	struct nlmsghdr *nlh = dump_req(TCPOBS_CMD_GET_TIMEWAIT);

	UNUSED_ARGS;
	mnl_attr_put_u32(nlh, TCPOBS_A_TIMEWAIT_TOP, TCPOBS_TW_TOP_MAX);
	return nlh;
}

CASE(c_set_options)
{
	struct nlmsghdr *nlh = do_req(TCPOBS_CMD_SET_OPTIONS);

	UNUSED_ARGS;
	mnl_attr_put_u32(nlh, TCPOBS_A_OPTIONS_INTERVAL_MS, 100);
	return nlh;
}

CASE(c_set_options_max)
{
	struct nlmsghdr *nlh = do_req(TCPOBS_CMD_SET_OPTIONS);

	UNUSED_ARGS;
	mnl_attr_put_u32(nlh, TCPOBS_A_OPTIONS_EVENTS,
			 TCPOBS_EVENTS_LISTEN_DROPS | TCPOBS_EVENTS_STATES);
	mnl_attr_put_u32(nlh, TCPOBS_A_OPTIONS_INTERVAL_MS, 60000);
	return nlh;
}

CASE(c_reset) { UNUSED_ARGS; return do_req(TCPOBS_CMD_RESET); }

CASE(c_join_events)
{
	int grp = events_grp;

	if (grp < 0) {
		snprintf(ext, extlen, "no \"%s\" group", TCPOBS_MCGRP_EVENTS);
		*ret = -ENOENT;
	} else if (mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0) {
		*ret = -errno;
	} else {
		*ret = 0;
	}
	return NULL;
}

/* Commands and ways of asking that do not exist. */

CASE(c_unknown_command) { UNUSED_ARGS; return do_req(200); }
CASE(c_event_command) { UNUSED_ARGS; return do_req(TCPOBS_CMD_EVENT); }
CASE(c_do_of_dump) { UNUSED_ARGS; return do_req(TCPOBS_CMD_GET_STATES); }
CASE(c_dump_of_do) { UNUSED_ARGS; return dump_req(TCPOBS_CMD_GET_STATS); }

CASE(c_reserved_set)
{
	struct nlmsghdr *nlh = do_req(TCPOBS_CMD_GET_STATS);
	struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	UNUSED_ARGS;
	g->reserved = 1;
	return nlh;
}

/* Attributes a command does not take. */

CASE(c_unknown_attribute)
{
	/* In the listener set, below the policy's maximum, not in it. */
	struct nlmsghdr *nlh = dump_req(TCPOBS_CMD_GET_LISTENER);
	unsigned char addr[4] = { 127, 0, 0, 1 };

	UNUSED_ARGS;
	mnl_attr_put(nlh, TCPOBS_A_LISTENER_ADDR, sizeof(addr), addr);
	return nlh;
}

CASE(c_attribute_beyond_max)
{
	struct nlmsghdr *nlh = dump_req(TCPOBS_CMD_GET_LISTENER);

	UNUSED_ARGS;
	mnl_attr_put_u32(nlh, TCPOBS_A_LISTENER_MAX + 5, 1);
	return nlh;
}

CASE(c_listener_state)
{
	/* get-socket's state filter, sent to get-listener. */
	struct nlmsghdr *nlh = dump_req(TCPOBS_CMD_GET_LISTENER);

	UNUSED_ARGS;
	mnl_attr_put_u8(nlh, TCPOBS_A_SOCKET_STATE, 10);
	return nlh;
}

CASE(c_stats_attribute)
{
	struct nlmsghdr *nlh = do_req(TCPOBS_CMD_GET_STATS);

	UNUSED_ARGS;
	mnl_attr_put_u64(nlh, TCPOBS_A_STATS_LISTENERS, 1);
	return nlh;
}

CASE(c_states_attribute)
{
	struct nlmsghdr *nlh = dump_req(TCPOBS_CMD_GET_STATES);

	UNUSED_ARGS;
	mnl_attr_put_u8(nlh, TCPOBS_A_TRANSITION_FROM, 1);
	return nlh;
}

CASE(c_get_options_attribute)
{
	/* set-options' attribute, sent to get-options. */
	struct nlmsghdr *nlh = do_req(TCPOBS_CMD_GET_OPTIONS);

	UNUSED_ARGS;
	mnl_attr_put_u32(nlh, TCPOBS_A_OPTIONS_EVENTS, 1);
	return nlh;
}

CASE(c_reset_attribute)
{
	struct nlmsghdr *nlh = do_req(TCPOBS_CMD_RESET);

	UNUSED_ARGS;
	mnl_attr_put_u64(nlh, TCPOBS_A_STATS_LISTEN_DROPS, 0);
	return nlh;
}

CASE(c_nest_flag_on_scalar)
{
	struct nlmsghdr *nlh = dump_req(TCPOBS_CMD_GET_SOCKET);

	UNUSED_ARGS;
	mnl_attr_put_u8(nlh, TCPOBS_A_SOCKET_FAMILY | NLA_F_NESTED, TCPOBS_FAMILY_INET);
	return nlh;
}

/* Wrong lengths. */

CASE(c_wrong_length)
{
	/* top is a u32; send a u8. */
	struct nlmsghdr *nlh = dump_req(TCPOBS_CMD_GET_TIMEWAIT);

	UNUSED_ARGS;
	mnl_attr_put_u8(nlh, TCPOBS_A_TIMEWAIT_TOP, 5);
	return nlh;
}

CASE(c_port_wrong_length)
{
	/* A port is 2 bytes; send 4. */
	struct nlmsghdr *nlh = dump_req(TCPOBS_CMD_GET_LISTENER);

	UNUSED_ARGS;
	mnl_attr_put_u32(nlh, TCPOBS_A_LISTENER_PORT, htonl(22));
	return nlh;
}

CASE(c_truncated)
{
	struct nlmsghdr *nlh = dump_req(TCPOBS_CMD_GET_TIMEWAIT);

	UNUSED_ARGS;
	mnl_attr_put_u32(nlh, TCPOBS_A_TIMEWAIT_TOP, 5);
	/* The attribute claims more than the message holds. */
	((struct nlattr *)((char *)mnl_nlmsg_get_payload(nlh) +
			   GENL_HDRLEN))->nla_len = 64;
	return nlh;
}

/* Values out of range. */

static struct nlmsghdr *top(uint32_t v)
{
	struct nlmsghdr *nlh = dump_req(TCPOBS_CMD_GET_TIMEWAIT);

	mnl_attr_put_u32(nlh, TCPOBS_A_TIMEWAIT_TOP, v);
	return nlh;
}

CASE(c_out_of_range) { UNUSED_ARGS; return top(0); }
CASE(c_top_too_large) { UNUSED_ARGS; return top(TCPOBS_TW_TOP_MAX + 1); }

static struct nlmsghdr *socket_u8(int type, uint8_t v)
{
	struct nlmsghdr *nlh = dump_req(TCPOBS_CMD_GET_SOCKET);

	mnl_attr_put_u8(nlh, type, v);
	return nlh;
}

CASE(c_dump_state_zero) { UNUSED_ARGS; return socket_u8(TCPOBS_A_SOCKET_STATE, 0); }
CASE(c_dump_bad_state) { UNUSED_ARGS; return socket_u8(TCPOBS_A_SOCKET_STATE, 14); }
CASE(c_dump_bad_family) { UNUSED_ARGS; return socket_u8(TCPOBS_A_SOCKET_FAMILY, 11); }

CASE(c_listener_bad_family)
{
	struct nlmsghdr *nlh = dump_req(TCPOBS_CMD_GET_LISTENER);

	UNUSED_ARGS;
	mnl_attr_put_u8(nlh, TCPOBS_A_LISTENER_FAMILY, 11);
	return nlh;
}

static struct nlmsghdr *option(int type, uint32_t v)
{
	struct nlmsghdr *nlh = do_req(TCPOBS_CMD_SET_OPTIONS);

	mnl_attr_put_u32(nlh, type, v);
	return nlh;
}

CASE(c_interval_zero) { UNUSED_ARGS; return option(TCPOBS_A_OPTIONS_INTERVAL_MS, 0); }
CASE(c_interval_too_large) { UNUSED_ARGS; return option(TCPOBS_A_OPTIONS_INTERVAL_MS, 60001); }
CASE(c_bad_event_mask) { UNUSED_ARGS; return option(TCPOBS_A_OPTIONS_EVENTS, 4); }
CASE(c_empty_options) { UNUSED_ARGS; return do_req(TCPOBS_CMD_SET_OPTIONS); }

CASE(c_options_one_bad)
{
	/* A valid option with a bad one: neither is applied. */
	struct nlmsghdr *nlh = option(TCPOBS_A_OPTIONS_EVENTS, TCPOBS_EVENTS_STATES);

	UNUSED_ARGS;
	mnl_attr_put_u32(nlh, TCPOBS_A_OPTIONS_INTERVAL_MS, 0);
	return nlh;
}

/* Requests of version 1. */

CASE(c_v1_filter)
{
	struct nlmsghdr *nlh = msg(family_id, NLM_F_DUMP, V1_CMD_GET_SOCKET, V1_VERSION);
	struct nlattr *n;

	UNUSED_ARGS;
	n = mnl_attr_nest_start(nlh, V1_A_FILTER);
	mnl_attr_put_u8(nlh, V1_A_FILTER_FAMILY, 2);
	mnl_attr_nest_end(nlh, n);
	return nlh;
}

CASE(c_v1_set_options)
{
	struct nlmsghdr *nlh = msg(family_id, NLM_F_ACK, V1_CMD_SET_OPTIONS, V1_VERSION);
	struct nlattr *n;

	UNUSED_ARGS;
	n = mnl_attr_nest_start(nlh, V1_A_OPTIONS);
	mnl_attr_put_u32(nlh, V1_A_OPT_INTERVAL_MS, 100);
	mnl_attr_nest_end(nlh, n);
	return nlh;
}

static const struct probe_case cases[] = {
	{ "get-stats", c_get_stats, "get-stats (do)" },
	{ "get-options", c_get_options, "get-options (do)" },
	{ "dump-states", c_dump_states, "get-states (dump)" },
	{ "dump-listeners", c_dump_listeners, "get-listener (dump)" },
	{ "dump-sockets", c_dump_sockets, "get-socket (dump)" },
	{ "dump-timewait", c_dump_timewait, "get-timewait (dump)" },
	{ "dump-lifetimes", c_dump_lifetimes, "get-lifetimes (dump)" },
	{ "dump-ecn", c_dump_ecn, "get-ecn (dump)" },
	{ "dump-features", c_dump_features, "get-features (dump)" },
	{ "dump-listener-filter", c_dump_listener_filter, "get-listener family 10 port 22" },
	{ "dump-socket-filter", c_dump_socket_filter, 
	  "get-socket family 2, state 13 then 1, port 22" },
	{ "dump-timewait-top", c_dump_timewait_top, "get-timewait top 64" },
	{ "set-options", c_set_options, "set-options interval-ms 100" },
	{ "set-options-max", c_set_options_max, "set-options events 3 interval-ms 60000" },
	{ "reset", c_reset, "reset" },
	{ "join-events", c_join_events, "join the events multicast group" },
	{ "unknown-command", c_unknown_command, "command 200" },
	{ "event-command", c_event_command, "event, a multicast-only command, as a request" },
	{ "do-of-dump", c_do_of_dump, "get-states, dump only, as a do" },
	{ "dump-of-do", c_dump_of_do, "get-stats, do only, as a dump" },
	{ "reserved-set", c_reserved_set, "get-stats with genlmsghdr.reserved 1" },
	{ "unknown-attribute", c_unknown_attribute,
	  "get-listener with addr (not a request attribute)" },
	{ "attribute-beyond-max", c_attribute_beyond_max,
	  "get-listener with an attribute beyond the set" },
	{ "listener-state", c_listener_state, "get-listener with get-socket's state" },
	{ "stats-attribute", c_stats_attribute, "get-stats with an attribute" },
	{ "states-attribute", c_states_attribute, "get-states with an attribute" },
	{ "get-options-attribute", c_get_options_attribute, "get-options with events" },
	{ "reset-attribute", c_reset_attribute, "reset with an attribute" },
	{ "nest-flag-on-scalar", c_nest_flag_on_scalar, "get-socket family with NLA_F_NESTED" },
	{ "wrong-length", c_wrong_length, "get-timewait top as a u8" },
	{ "port-wrong-length", c_port_wrong_length, "get-listener port as 4 bytes" },
	{ "truncated", c_truncated, "get-timewait top claiming 64 bytes" },
	{ "out-of-range", c_out_of_range, "get-timewait top 0" },
	{ "top-too-large", c_top_too_large, "get-timewait top 65" },
	{ "dump-state-zero", c_dump_state_zero, "get-socket state 0" },
	{ "dump-bad-state", c_dump_bad_state, "get-socket state 14" },
	{ "dump-bad-family", c_dump_bad_family, "get-socket family 11" },
	{ "listener-bad-family", c_listener_bad_family, "get-listener family 11" },
	{ "interval-zero", c_interval_zero, "set-options interval-ms 0" },
	{ "interval-too-large", c_interval_too_large, "set-options interval-ms 60001" },
	{ "bad-event-mask", c_bad_event_mask, "set-options events 4" },
	{ "empty-options", c_empty_options, "set-options without an attribute" },
	{ "options-one-bad", c_options_one_bad, "set-options events 2 interval-ms 0" },
	{ "v1-filter", c_v1_filter, "version 1 GET_SOCKET (3) with a nested FILTER (9)" },
	{ "v1-set-options", c_v1_set_options,
	  "version 1 SET_OPTIONS (8, now reset) with a nested OPTIONS (15)" },
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

static const struct probe_case *find_case(const char *name)
{
	size_t i;

	for (i = 0; i < N_CASES; i++)
		if (!strcmp(cases[i].name, name))
			return &cases[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct probe_case *c;
	struct nlmsghdr *nlh;
	char ext[256];
	int drop = 0, ret;
	size_t i;

	if (argc == 2 && !strcmp(argv[1], "-l")) {
		for (i = 0; i < N_CASES; i++)
			printf("%-22s %s\n", cases[i].name, cases[i].what);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "-u")) {
		drop = 1;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: nlprobe [-u] CASE | -l\n");
		return 2;
	}
	c = find_case(argv[1]);
	if (!c) {
		fprintf(stderr, "nlprobe: unknown case %s\n", argv[1]);
		return 2;
	}
	if (drop && (setgroups(0, NULL) || setgid(65534) || setuid(65534))) {
		perror("nlprobe: drop privileges");
		return 1;
	}
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("nlprobe: netlink");
		return 1;
	}
	ret = 1;
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &ret, sizeof(ret));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &ret, sizeof(ret));
	portid = mnl_socket_get_portid(nl);
	family_id = resolve();
	if (family_id <= 0) {
		printf("%s no-family\n", argv[1]);
		return 1;
	}
	ext[0] = 0;
	ret = 0;
	nlh = c->build(&ret, ext, sizeof(ext));
	if (nlh)
		ret = talk(nlh, ext, sizeof(ext));
	if (!ret)
		printf("%s ok\n", argv[1]);
	else
		printf("%s %s %s\n", argv[1], strerrorname_np(-ret) ?: "?", ext);
	mnl_socket_close(nl);
	return 0;
}
