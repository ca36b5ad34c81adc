// SPDX-License-Identifier: GPL-2.0
/*
 * The commands end to end, against a fake kernel: nl_fake answers the
 * requests with version 2 messages built as tcpobs.ko builds them (see
 * Documentation/netlink/specs/tcpobs.yaml), refusing what the kernel's
 * policies refuse, and the tests check what the commands print on stdout
 * and stderr, and their exit codes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "diag.h"
#include "msg.h"
#include "nl.h"
#include "tool.h"
#include "unit.h"
#include "watch.h"

/* --- the fake kernel ------------------------------------------------------------- */

static struct fake {
	uint32_t version;	/* of the family */
	bool no_family;
	int error;		/* every tcpobs request fails with it */
	const char *extack;
	int intr;		/* dumps flagged NLM_F_DUMP_INTR, this many */
	int dumps;		/* listener dumps answered */
	int requests[TCPOBS_CMD_MAX + 1];
	int f_port, f_state;	/* filter of the last dump, -1: none */
	long top;		/* top of the last get-timewait, -1: none */
	int64_t unattributed;	/* unattributed_listen_drops */
	int64_t tw_repairs;	/* timewait repairs (repaired: 4 per repair) */
	uint32_t events;	/* the events option */
	int set_events;		/* set-options requests */
	bool degraded;		/* get-features: mptcp degraded */
} fk;

static void fake_reset(void)
{
	memset(&fk, 0, sizeof(fk));
	fk.version = TCPOBS_GENL_VERSION;
	fk.f_port = fk.f_state = -1;
	fk.top = -1;
}

static void put_error(char *buf, size_t *off, uint32_t seq, int err,
		      const char *msg)
{
	struct nlmsghdr *nlh = put_msg(buf, off, NLMSG_ERROR,
				       NLM_F_CAPPED | (msg ? NLM_F_ACK_TLVS : 0), seq);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	e->error = err;
	if (msg)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	end_msg(off, nlh);
}

static void put_done(char *buf, size_t *off, uint32_t seq)
{
	struct nlmsghdr *nlh = put_msg(buf, off, NLMSG_DONE, NLM_F_MULTI, seq);

	*(int *)mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = 0;
	end_msg(off, nlh);
}

static void fake_family(const struct nlmsghdr *req, char *buf, size_t *off)
{
	struct nlmsghdr *nlh;
	struct nlattr *gs, *g;
	struct genlmsghdr *gh;

	if (fk.no_family) {
		put_error(buf, off, req->nlmsg_seq, -ENOENT, NULL);
		return;
	}
	nlh = put_msg(buf, off, GENL_ID_CTRL, 0, req->nlmsg_seq);
	gh = mnl_nlmsg_put_extra_header(nlh, sizeof(*gh));
	gh->cmd = CTRL_CMD_NEWFAMILY;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, TCPOBS_GENL_NAME);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAKE_FAMILY);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, fk.version);
	gs = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	g = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, TCPOBS_MCGRP_EVENTS);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 7);
	mnl_attr_nest_end(nlh, g);
	mnl_attr_nest_end(nlh, gs);
	end_msg(off, nlh);
	put_error(buf, off, req->nlmsg_seq, 0, NULL);
}

/* The commands answered by a dump; the others are "do" only. */
static bool fake_is_dump(uint8_t cmd)
{
	switch (cmd) {
	case TCPOBS_CMD_GET_STATES:
	case TCPOBS_CMD_GET_LISTENER:
	case TCPOBS_CMD_GET_SOCKET:
	case TCPOBS_CMD_GET_TIMEWAIT:
	case TCPOBS_CMD_GET_LIFETIMES:
	case TCPOBS_CMD_GET_ECN:
	case TCPOBS_CMD_GET_FEATURES:
		return true;
	default:
		return false;
	}
}

/* The request attributes of the spec: command, type, length. */
static const struct {
	uint8_t cmd;
	uint16_t type, len;
} fake_policy[] = {
	{ TCPOBS_CMD_GET_LISTENER, TCPOBS_A_LISTENER_FAMILY, 1 },
	{ TCPOBS_CMD_GET_LISTENER, TCPOBS_A_LISTENER_PORT, 2 },
	{ TCPOBS_CMD_GET_SOCKET, TCPOBS_A_SOCKET_FAMILY, 1 },
	{ TCPOBS_CMD_GET_SOCKET, TCPOBS_A_SOCKET_STATE, 1 },
	{ TCPOBS_CMD_GET_SOCKET, TCPOBS_A_SOCKET_PORT, 2 },
	{ TCPOBS_CMD_GET_TIMEWAIT, TCPOBS_A_TIMEWAIT_TOP, 4 },
	{ TCPOBS_CMD_SET_OPTIONS, TCPOBS_A_OPTIONS_EVENTS, 4 },
	{ TCPOBS_CMD_SET_OPTIONS, TCPOBS_A_OPTIONS_INTERVAL_MS, 4 },
};

/*
 * Validates the attributes of request @cmd strictly, as the kernel's split
 * policies do (only those the command takes, at their length, none nested):
 * NULL, or the extack message. Records the filter of a dump and the top of
 * get-timewait (-1 when absent), and the events of set-options.
 */
static const char *fake_attrs(const struct nlmsghdr *req, uint8_t cmd)
{
	const struct nlattr *a;
	uint16_t be;
	size_t i;

	if (cmd == TCPOBS_CMD_GET_LISTENER || cmd == TCPOBS_CMD_GET_SOCKET ||
	    cmd == TCPOBS_CMD_GET_TIMEWAIT) {
		fk.f_port = fk.f_state = -1;
		fk.top = -1;
	}
	mnl_attr_for_each(a, req, sizeof(struct genlmsghdr)) {
		uint16_t t = mnl_attr_get_type(a);

		for (i = 0; i < ARRAY_SIZE(fake_policy); i++)
			if (fake_policy[i].cmd == cmd && fake_policy[i].type == t)
				break;
		if (i == ARRAY_SIZE(fake_policy) || (a->nla_type & NLA_F_NESTED))
			return "Unknown attribute type";
		if (mnl_attr_get_payload_len(a) != fake_policy[i].len)
			return "Attribute failed policy validation";
		if ((cmd == TCPOBS_CMD_GET_LISTENER && t == TCPOBS_A_LISTENER_PORT) ||
		    (cmd == TCPOBS_CMD_GET_SOCKET && t == TCPOBS_A_SOCKET_PORT)) {
			memcpy(&be, mnl_attr_get_payload(a), sizeof(be));
			fk.f_port = ntohs(be);
		}
		if (cmd == TCPOBS_CMD_GET_SOCKET && t == TCPOBS_A_SOCKET_STATE)
			fk.f_state = mnl_attr_get_u8(a);
		if (cmd == TCPOBS_CMD_GET_TIMEWAIT && t == TCPOBS_A_TIMEWAIT_TOP)
			fk.top = mnl_attr_get_u32(a);
		if (cmd == TCPOBS_CMD_SET_OPTIONS && t == TCPOBS_A_OPTIONS_EVENTS)
			fk.events = mnl_attr_get_u32(a);
	}
	return NULL;
}

static void fake_stats(struct nlmsghdr *nlh)
{
	struct nlattr *n;

	put_pad(nlh, TCPOBS_A_STATS_PAD);
	mnl_attr_put_u64(nlh, TCPOBS_A_STATS_LISTEN_OVERFLOWS, 18);
	mnl_attr_put_u64(nlh, TCPOBS_A_STATS_LISTEN_DROPS, 18);
	mnl_attr_put_u64(nlh, TCPOBS_A_STATS_UNATTRIBUTED_LISTEN_OVERFLOWS, 0);
	mnl_attr_put_u64(nlh, TCPOBS_A_STATS_UNATTRIBUTED_LISTEN_DROPS,
			 (uint64_t)fk.unattributed);
	mnl_attr_put_u64(nlh, TCPOBS_A_STATS_SOCKETS, 5);
	mnl_attr_put_u64(nlh, TCPOBS_A_STATS_EVENTS_SEQ, 9);
	mnl_attr_put_u64(nlh, TCPOBS_A_STATS_EVENTS_SENT, 8);
	mnl_attr_put_u64(nlh, TCPOBS_A_STATS_EVENTS_LOST, 1);
	if (fk.tw_repairs)
		mnl_attr_put_u64(nlh, TCPOBS_A_STATS_LISTENERS_REPAIRED, 3);
	n = mnl_attr_nest_start(nlh, TCPOBS_A_STATS_TIMEWAIT);
	mnl_attr_put_u64(nlh, TCPOBS_A_TIMEWAIT_STATS_TW, 13);
	mnl_attr_put_u64(nlh, TCPOBS_A_TIMEWAIT_STATS_TRACKED, 13);
	if (fk.tw_repairs) {
		mnl_attr_put_u64(nlh, TCPOBS_A_TIMEWAIT_STATS_REPAIRS, (uint64_t)fk.tw_repairs);
		mnl_attr_put_u64(nlh, TCPOBS_A_TIMEWAIT_STATS_REPAIRED,
				 4 * (uint64_t)fk.tw_repairs);
	}
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, TCPOBS_A_STATS_ECN);
	mnl_attr_put_u64(nlh, TCPOBS_A_ECN_STATS_IP_IN_CE, 2807);
	mnl_attr_put_u64(nlh, TCPOBS_A_ECN_STATS_IP6_IN_CE, 7);
	mnl_attr_nest_end(nlh, n);
}

/* A message of dump @req, its flags NLM_F_MULTI and @flags. */
static struct nlmsghdr *dump_msg(const struct nlmsghdr *req, char *buf, size_t *off,
				 uint16_t flags)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(req);

	return put_genl(buf, off, g->cmd, NLM_F_MULTI | flags, req->nlmsg_seq);
}

static void fake_states(const struct nlmsghdr *req, char *buf, size_t *off)
{
	static const uint8_t tr[][2] = { { 7, 2 }, { 2, 1 }, { 1, 4 } };
	struct nlmsghdr *nlh;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tr); i++) {
		nlh = dump_msg(req, buf, off, 0);
		mnl_attr_put_u8(nlh, TCPOBS_A_TRANSITION_FROM, tr[i][0]);
		mnl_attr_put_u8(nlh, TCPOBS_A_TRANSITION_TO, tr[i][1]);
		mnl_attr_put_u64(nlh, TCPOBS_A_TRANSITION_COUNT, i < 2 ? 10 : 0);
		end_msg(off, nlh);
	}
}

/*
 * Two listeners: 127.0.0.1:9090 overflowing, 6 more at every dump, and
 * [::]:443 quiet.
 */
static void fake_listeners(const struct nlmsghdr *req, char *buf, size_t *off)
{
	uint64_t busy[NCAUSES] = { 0 }, quiet[NCAUSES] = { 0 };
	uint16_t flags = 0;
	struct nlmsghdr *nlh;

	if (fk.intr > 0) {
		fk.intr--;
		flags |= NLM_F_DUMP_INTR;
	}
	busy[TCPOBS_CAUSE_LISTEN_OVERFLOWS] = 12 + 6 * (uint64_t)fk.dumps;
	busy[TCPOBS_CAUSE_LISTEN_DROPS] = 12 + 6 * (uint64_t)fk.dumps;
	fk.dumps++;
	if (fk.f_port < 0 || fk.f_port == 443) {
		nlh = dump_msg(req, buf, off, flags);
		put_listener(nlh, 0, AF_INET6, "::", 443, 0x2a, 4096, 0, quiet);
		end_msg(off, nlh);
	}
	if (fk.f_port < 0 || fk.f_port == 9090) {
		nlh = dump_msg(req, buf, off, flags);
		put_listener(nlh, 0, AF_INET, "127.0.0.1", 9090, 0x1001, 2, 3, busy);
		end_msg(off, nlh);
	}
}

static void fake_sockets(const struct nlmsghdr *req, char *buf, size_t *off)
{
	struct nlmsghdr *nlh = dump_msg(req, buf, off, 0);

	mnl_attr_put_u8(nlh, TCPOBS_A_SOCKET_FAMILY, AF_INET);
	mnl_attr_put_u32(nlh, TCPOBS_A_SOCKET_SADDR, htonl(0x7f000001));
	mnl_attr_put_u32(nlh, TCPOBS_A_SOCKET_DADDR, htonl(0x7f000001));
	put_port(nlh, TCPOBS_A_SOCKET_SPORT, 7071);
	put_port(nlh, TCPOBS_A_SOCKET_DPORT, 40122);
	mnl_attr_put_u8(nlh, TCPOBS_A_SOCKET_STATE, 8);
	mnl_attr_put_u64(nlh, TCPOBS_A_SOCKET_AGE_IN_STATE, 12412345678ULL);
	mnl_attr_put_u64(nlh, TCPOBS_A_SOCKET_AGE, 12415000000ULL);
	mnl_attr_put_u64(nlh, TCPOBS_A_SOCKET_TRANSITIONS, 2);
	mnl_attr_put_u64(nlh, TCPOBS_A_SOCKET_COOKIE, 0x2f);
	mnl_attr_put_u8(nlh, TCPOBS_A_SOCKET_ECN, 0);
	end_msg(off, nlh);
}

/* The totals, a message per table, the ages. */
static void fake_timewait(const struct nlmsghdr *req, char *buf, size_t *off)
{
	struct nlmsghdr *nlh;
	struct nlattr *n, *r;
	unsigned int k, b;

	nlh = dump_msg(req, buf, off, 0);
	n = mnl_attr_nest_start(nlh, TCPOBS_A_TIMEWAIT_TOTALS);
	mnl_attr_put_u64(nlh, TCPOBS_A_TIMEWAIT_STATS_TW, 13);
	mnl_attr_put_u64(nlh, TCPOBS_A_TIMEWAIT_STATS_TRACKED, 13);
	mnl_attr_nest_end(nlh, n);
	end_msg(off, nlh);
	for (k = 0; k < NTWKINDS; k++) {
		nlh = dump_msg(req, buf, off, 0);
		n = mnl_attr_nest_start(nlh, TCPOBS_A_TIMEWAIT_TABLE);
		mnl_attr_put_u8(nlh, TCPOBS_A_TW_TABLE_KIND, k);
		r = mnl_attr_nest_start(nlh, TCPOBS_A_TW_TABLE_ROW);
		if (k == TCPOBS_TW_KIND_PEER) {
			mnl_attr_put_u8(nlh, TCPOBS_A_TW_ROW_FAMILY, AF_INET);
			mnl_attr_put_u32(nlh, TCPOBS_A_TW_ROW_ADDR, htonl(0x7f000001));
		} else {
			put_port(nlh, TCPOBS_A_TW_ROW_PORT, k ? 8080 : 45678);
		}
		mnl_attr_put_u64(nlh, TCPOBS_A_TW_ROW_COUNT, 10);
		mnl_attr_nest_end(nlh, r);
		mnl_attr_put_u64(nlh, TCPOBS_A_TW_TABLE_OTHER, 3);
		mnl_attr_nest_end(nlh, n);
		end_msg(off, nlh);
	}
	nlh = dump_msg(req, buf, off, 0);
	for (b = 0; b < 2; b++) {
		n = mnl_attr_nest_start(nlh, TCPOBS_A_TIMEWAIT_AGE);
		mnl_attr_put_u32(nlh, TCPOBS_A_TW_AGE_FROM_S, b ? 60 : 0);
		mnl_attr_put_u32(nlh, TCPOBS_A_TW_AGE_TO_S, b ? 0 : 1);
		mnl_attr_put_u64(nlh, TCPOBS_A_TW_AGE_COUNT, b ? 0 : 13);
		mnl_attr_nest_end(nlh, n);
	}
	end_msg(off, nlh);
}

static void fake_lifetimes(const struct nlmsghdr *req, char *buf, size_t *off)
{
	struct nlmsghdr *nlh;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		nlh = dump_msg(req, buf, off, 0);
		mnl_attr_put_u8(nlh, TCPOBS_A_LIFETIME_STATE, i ? 8 : 3);
		mnl_attr_put_u64(nlh, TCPOBS_A_LIFETIME_FROM_US, i ? 2097152 : 32);
		mnl_attr_put_u64(nlh, TCPOBS_A_LIFETIME_TO_US, i ? 0 : 64);
		mnl_attr_put_u64(nlh, TCPOBS_A_LIFETIME_COUNT, 4);
		end_msg(off, nlh);
	}
}

/* The totals, then a message per service row, the other row last. */
static void fake_ecn(const struct nlmsghdr *req, char *buf, size_t *off)
{
	static const uint16_t cols[ECN_NCOLS] = {
		TCPOBS_A_ECN_SERVICE_SOCKETS, TCPOBS_A_ECN_SERVICE_NEGOTIATED,
		TCPOBS_A_ECN_SERVICE_CE, TCPOBS_A_ECN_SERVICE_ECT0,
		TCPOBS_A_ECN_SERVICE_ECT1, TCPOBS_A_ECN_SERVICE_NOECT,
		TCPOBS_A_ECN_SERVICE_ECE_IN, TCPOBS_A_ECN_SERVICE_ECE_OUT,
		TCPOBS_A_ECN_SERVICE_CWR_IN, TCPOBS_A_ECN_SERVICE_CWR_OUT,
		TCPOBS_A_ECN_SERVICE_DELIVERED_CE,
	};
	struct nlmsghdr *nlh;
	unsigned int i, s;
	struct nlattr *n;

	nlh = dump_msg(req, buf, off, 0);
	n = mnl_attr_nest_start(nlh, TCPOBS_A_ECN_TOTALS);
	mnl_attr_put_u64(nlh, TCPOBS_A_ECN_STATS_IP_IN_CE, 2807);
	mnl_attr_put_u64(nlh, TCPOBS_A_ECN_STATS_NEGOTIATED, 2);
	mnl_attr_nest_end(nlh, n);
	end_msg(off, nlh);
	for (s = 0; s < 2; s++) {
		nlh = dump_msg(req, buf, off, 0);
		n = mnl_attr_nest_start(nlh, TCPOBS_A_ECN_SERVICE);
		mnl_attr_put_u8(nlh, TCPOBS_A_ECN_SERVICE_SIDE, s ? TCPOBS_ECN_SIDE_OTHER :
				TCPOBS_ECN_SIDE_LOCAL);
		put_port(nlh, TCPOBS_A_ECN_SERVICE_PORT, s ? 0 : 5001);
		for (i = 0; i < ECN_NCOLS; i++)
			mnl_attr_put_u64(nlh, cols[i], s ? 1 : i + 1);
		mnl_attr_nest_end(nlh, n);
		end_msg(off, nlh);
	}
}

static void fake_features(const struct nlmsghdr *req, char *buf, size_t *off)
{
	static const char * const names[] = { "states", "listen_drops", "mptcp" };
	struct nlmsghdr *nlh;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		bool bad = fk.degraded && !strcmp(names[i], "mptcp");

		nlh = dump_msg(req, buf, off, 0);
		mnl_attr_put_strz(nlh, TCPOBS_A_FEATURE_NAME, names[i]);
		mnl_attr_put_u8(nlh, TCPOBS_A_FEATURE_EXACT, !bad);
		if (bad)
			mnl_attr_put_strz(nlh, TCPOBS_A_FEATURE_REASON,
					  "subflow_v4_conn_request: not in this kernel");
		end_msg(off, nlh);
	}
}

static long fake_answer(const struct nlmsghdr *req, char *buf, size_t len);

/* The answer, addressed to no port in particular (as the real one is, to ours). */
static long fake_kernel(const struct nlmsghdr *req, char *buf, size_t len)
{
	long n = fake_answer(req, buf, len);
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	int rem = (int)n;

	for (; mnl_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem))
		nlh->nlmsg_pid = 0;
	return n;
}

static long fake_answer(const struct nlmsghdr *req, char *buf, size_t len)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(req);
	bool dump = (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	struct nlmsghdr *nlh = NULL;
	const char *bad;
	size_t off = 0;

	(void)len;
	if (req->nlmsg_type == GENL_ID_CTRL) {
		fake_family(req, buf, &off);
		return (long)off;
	}
	if (req->nlmsg_type != FAKE_FAMILY || g->version != TCPOBS_GENL_VERSION ||
	    g->reserved || !g->cmd || g->cmd > TCPOBS_CMD_MAX || g->cmd == TCPOBS_CMD_EVENT) {
		put_error(buf, &off, req->nlmsg_seq, -EOPNOTSUPP, "bad request header");
		return (long)off;
	}
	/* genetlink: a dump of a do-only command, or the reverse. */
	if (dump != fake_is_dump(g->cmd)) {
		put_error(buf, &off, req->nlmsg_seq, -EOPNOTSUPP, NULL);
		return (long)off;
	}
	fk.requests[g->cmd]++;
	bad = fake_attrs(req, g->cmd);
	if (bad) {
		put_error(buf, &off, req->nlmsg_seq, -EINVAL, bad);
		return (long)off;
	}
	if (fk.error) {
		put_error(buf, &off, req->nlmsg_seq, fk.error, fk.extack);
		return (long)off;
	}
	switch (g->cmd) {
	case TCPOBS_CMD_GET_STATES:
		fake_states(req, buf, &off);
		break;
	case TCPOBS_CMD_GET_LISTENER:
		fake_listeners(req, buf, &off);
		break;
	case TCPOBS_CMD_GET_SOCKET:
		fake_sockets(req, buf, &off);
		break;
	case TCPOBS_CMD_GET_TIMEWAIT:
		fake_timewait(req, buf, &off);
		break;
	case TCPOBS_CMD_GET_LIFETIMES:
		fake_lifetimes(req, buf, &off);
		break;
	case TCPOBS_CMD_GET_ECN:
		fake_ecn(req, buf, &off);
		break;
	case TCPOBS_CMD_GET_FEATURES:
		fake_features(req, buf, &off);
		break;
	case TCPOBS_CMD_SET_OPTIONS:
		fk.set_events++;
		break;
	case TCPOBS_CMD_GET_STATS:
		nlh = put_genl(buf, &off, g->cmd, 0, req->nlmsg_seq);
		fake_stats(nlh);
		end_msg(&off, nlh);
		break;
	case TCPOBS_CMD_GET_OPTIONS:
		nlh = put_genl(buf, &off, g->cmd, 0, req->nlmsg_seq);
		mnl_attr_put_u32(nlh, TCPOBS_A_OPTIONS_EVENTS, fk.events);
		mnl_attr_put_u32(nlh, TCPOBS_A_OPTIONS_INTERVAL_MS, 100);
		end_msg(&off, nlh);
		break;
	}
	if (dump)
		put_done(buf, &off, req->nlmsg_seq);
	else if (req->nlmsg_flags & NLM_F_ACK)
		put_error(buf, &off, req->nlmsg_seq, 0, NULL);
	return (long)off;
}

/* --- running a command, its output captured ------------------------------------------ */

struct result {
	int rc;
	char *out, *err;
};

static char *slurp(FILE *f)
{
	long n;
	char *s;

	fflush(f);
	n = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)n + 1);
	if (s && n > 0 && fread(s, 1, (size_t)n, f) != (size_t)n)
		s[0] = '\0';
	fclose(f);
	return s;
}

static void show(const char *what, const char *s)
{
	const char *nl;

	if (!s || !*s)
		return;
	printf("# %s:\n", what);
	for (; *s; s = nl + 1) {
		nl = strchrnul(s, '\n');
		printf("#   %.*s\n", (int)(nl - s), s);
		if (!*nl)
			break;
	}
}

static struct result capture(int (*fn)(const void *arg), const void *arg)
{
	FILE *o = tmpfile(), *e = tmpfile();
	int so, se;
	struct result r;

	fflush(stdout);
	fflush(stderr);
	so = dup(1);
	se = dup(2);
	dup2(fileno(o), 1);
	dup2(fileno(e), 2);
	r.rc = fn(arg);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	r.out = slurp(o);
	r.err = slurp(e);
	if (getenv("TCPOBS_UNIT_VERBOSE")) {	/* the outputs, as TAP comments */
		show("stdout", r.out);
		show("stderr", r.err);
	}
	return r;
}

struct call {
	int (*cmd)(const struct cmd_args *a);
	const struct cmd_args *a;
};

static int call_cmd(const void *arg)
{
	const struct call *c = arg;

	return c->cmd(c->a);
}

static struct result run(int (*cmd)(const struct cmd_args *), const struct cmd_args *a)
{
	struct call c = { cmd, a };

	return capture(call_cmd, &c);
}

static int print_text(const void *ev)
{
	watch_print_event_text(ev);
	return 0;
}

static int print_json(const void *ev)
{
	watch_print_event_json(ev);
	return 0;
}

static int count_str(const char *hay, const char *needle)
{
	int n = 0;

	for (; hay && (hay = strstr(hay, needle)); hay++)
		n++;
	return n;
}

static void result_free(struct result *r)
{
	free(r->out);
	free(r->err);
}

static void opts_reset(void)
{
	memset(&opt, 0, sizeof(opt));
	opt.interval = 1.0;
}

/* --- the tests ------------------------------------------------------------------------ */

static void test_cmd_reading(void)
{
	struct cmd_args a = { .name = "stats" };
	struct result r;

	r = run(cmd_stats, &a);
	is_int(r.rc, 0, "cmd stats: exit 0");
	has_str(r.out, "name                          value\nlisten_overflows              18\n",
		"cmd stats: name value table");
	has_str(r.out, "events_sent                   8\nevents_lost                   1\n",
		"cmd stats: events counters follow");
	is_int(count_str(r.out, "events_seq"), 1, "cmd stats: events_seq printed once");
	is_str(r.err, "", "cmd stats: no warning while every feature is exact");
	result_free(&r);

	fk.degraded = true;
	r = run(cmd_stats, &a);
	is_str(r.err, "tcpobs: warning: mptcp figures are not exact on this kernel: subflow_v4_conn_request: not in this kernel\n",
	       "cmd stats: one warning line per degraded feature, on stderr");
	result_free(&r);
	a.name = "features";
	r = run(cmd_features, &a);
	is_int(r.rc, 0, "cmd features: exit 0");
	has_str(r.out, "feature      status   reason\nstates       exact    -\n",
		"cmd features: table, exact rows say -");
	has_str(r.out, "mptcp        degraded subflow_v4_conn_request: not in this kernel\n",
		"cmd features: a degraded row gives the reason");
	result_free(&r);
	opt.json = true;
	r = run(cmd_features, &a);
	has_str(r.out, "{\"features\":[{\"name\":\"states\",\"exact\":true,\"reason\":\"\"},",
		"cmd features -j: objects with name, exact, reason");
	has_str(r.out, "{\"name\":\"mptcp\",\"exact\":false,\"reason\":\"subflow_v4_conn_request: not in this kernel\"}]}",
		"cmd features -j: the degraded one");
	result_free(&r);
	opts_reset();
	fk.degraded = false;
	a.name = "stats";

	opt.json = true;
	r = run(cmd_stats, &a);
	has_str(r.out, "{\"stats\":{\"listen_overflows\":18,", "cmd stats -j: stats object");
	has_str(r.out, "\"events\":{\"events_seq\":9,\"events_sent\":8,\"events_lost\":1}}\n",
		"cmd stats -j: events object");
	has_str(r.out, "\"sockets\":5,\"events_seq\":9,\"events_sent\":8,\"events_lost\":1},\"events\":",
		"cmd stats -j: the events counters in stats too, as the stats set has them");
	result_free(&r);
	opts_reset();

	a.name = "listeners";
	r = run(cmd_listeners, &a);
	has_str(r.out, "local          backlog accept_q accept_q_max syn_q syn_q_max listen_overflows listen_drops reqq_full_drops reqq_full_cookies syncookies_sent syncookies_recv syncookies_failed cookie\n",
		"cmd listeners: procfs column names");
	has_str(r.out, "\n127.0.0.1:9090 2       3        3            0     1         12               12           0               0                 0               0               0                 1001\n",
		"cmd listeners: a row, sorted by port, cookie in hex");
	ok(strstr(r.out, "[::]:443") < strstr(r.out, "127.0.0.1:9090"), "cmd listeners: port 443 first");
	ok(fk.f_port == -1, "cmd listeners: no filter without port");
	result_free(&r);

	a.has_port = true;
	a.port = 9090;
	opt.json = true;
	opt.no_header = true;
	r = run(cmd_listeners, &a);
	is_int(fk.f_port, 9090, "cmd listeners port 9090: the port filter, in network byte order");
	has_str(r.out, "[{\"local\":\"127.0.0.1:9090\",\"backlog\":2,\"accept_q\":3,",
		"cmd listeners -j: array of objects, local first");
	has_str(r.out, "\"cookie\":\"1001\",\"family\":\"inet\",\"addr\":\"127.0.0.1\",\"port\":9090,",
		"cmd listeners -j: cookie string, family, addr, port");
	has_str(r.out, "\"listener_events\":[{\"cause\":\"listen_overflows\",\"count\":18,\"first\":2.465,\"last\":3.482,",
		"cmd listeners -j: when each cause happened");
	lacks_str(r.out, "443", "cmd listeners port 9090: only that port");
	result_free(&r);
	opts_reset();

	a = (struct cmd_args){ .name = "sockets", .has_port = true, .port = 7071 };
	r = run(cmd_sockets, &a);
	ok(r.rc == 0 && fk.f_port == 7071 && fk.f_state == -1,
	   "cmd sockets port 7071: the port filter, in network byte order");
	result_free(&r);

	a = (struct cmd_args){ .name = "sockets", .has_state = true, .state = 8 };
	r = run(cmd_sockets, &a);
	ok(fk.f_state == 8 && fk.f_port == -1, "cmd sockets state close-wait: state filter 8");
	has_str(r.out, "local          peer            state      age_in_state age    transitions cookie ecn ce ect0",
		"cmd sockets: procfs column names");
	has_str(r.out, "127.0.0.1:7071 127.0.0.1:40122 CLOSE-WAIT 12.412       12.415 2           2f     0   0  0",
		"cmd sockets: a row");
	result_free(&r);
	opt.json = true;
	r = run(cmd_sockets, &a);
	has_str(r.out, "\"state\":\"CLOSE-WAIT\",\"age_in_state\":12.412,\"age\":12.415,\"transitions\":2,\"cookie\":\"2f\"",
		"cmd sockets -j: ages as numbers, cookie as string");
	result_free(&r);
	opts_reset();

	a = (struct cmd_args){ .name = "states" };
	r = run(cmd_states, &a);
	is_str(r.out, "from     to       count\nCLOSE    SYN-SENT 10\nSYN-SENT ESTAB    10\n",
	       "cmd states: from to count");
	result_free(&r);

	a = (struct cmd_args){ .name = "timewait", .top = 3 };
	r = run(cmd_timewait, &a);
	is_int(fk.top, 3, "cmd timewait top 3: TCPOBS_A_TIMEWAIT_TOP 3");
	is_str(r.out, "name    value\ntw      13\ntracked 13\n\n"
		      "local_port count\n45678      10\nother      3\n\n"
		      "peer_port count\n8080      10\nother     3\n\n"
		      "peer      count\n127.0.0.1 10\nother     3\n\n"
		      "age   count\n0s-1s 13\n60s+  0\n",
	       "cmd timewait: the layout of /proc/net/tcpobs/timewait");
	result_free(&r);
	a.top = 0;
	opt.json = true;
	r = run(cmd_timewait, &a);
	is_int(fk.top, -1, "cmd timewait: no TCPOBS_A_TIMEWAIT_TOP by default");
	has_str(r.out, "\"local_port\":[{\"port\":45678,\"count\":10}],\"local_port_other\":3,",
		"cmd timewait -j: table and its other");
	has_str(r.out, "\"age\":[{\"from\":0,\"to\":1,\"count\":13},{\"from\":60,\"to\":null,\"count\":0}]}",
		"cmd timewait -j: ages, open bucket to null");
	result_free(&r);
	opts_reset();

	a = (struct cmd_args){ .name = "lifetimes" };
	r = run(cmd_lifetimes, &a);
	is_str(r.out, "state      from_us to_us count\nSYN-RECV   32      64    4\nCLOSE-WAIT 2097152 inf   4\n",
	       "cmd lifetimes: inf for the open bucket");
	result_free(&r);

	a = (struct cmd_args){ .name = "ecn" };
	r = run(cmd_ecn, &a);
	has_str(r.out, "name       value\nip_in_ce   2807\nnegotiated 2\n\nside  port  sockets negotiated ce",
		"cmd ecn: totals, blank line, rows header");
	has_str(r.out, "\nlocal 5001  1       2          3 ", "cmd ecn: a service row");
	has_str(r.out, "\n-     other 1       1          1 ", "cmd ecn: the other row");
	result_free(&r);
}

static void test_cmd_errors(void)
{
	struct cmd_args a = { .name = "reset" };
	struct result r;

	r = run(cmd_reset, &a);
	ok(r.rc == 0 && !r.out[0] && !r.err[0] && fk.requests[TCPOBS_CMD_RESET] == 1,
	   "cmd reset: silent success");
	result_free(&r);

	fk.error = -EPERM;
	r = run(cmd_reset, &a);
	is_int(r.rc, 1, "cmd reset without CAP_NET_ADMIN: exit 1");
	is_str(r.err, "tcpobs: reset: Operation not permitted (needs CAP_NET_ADMIN)\n",
	       "cmd reset without CAP_NET_ADMIN: the message");
	result_free(&r);

	fk.error = -EINVAL;
	fk.extack = "listeners have no state filter";
	a.name = "listeners";
	r = run(cmd_listeners, &a);
	ok(r.rc == 1 && !r.out[0], "kernel error: exit 1, nothing on stdout");
	is_str(r.err, "tcpobs: listeners: Invalid argument: listeners have no state filter\n",
	       "kernel error: strerror and the kernel's message");
	result_free(&r);
	fake_reset();

	fk.no_family = true;
	a.name = "stats";
	r = run(cmd_stats, &a);
	ok(r.rc == 1 && !r.out[0], "no family: exit 1, nothing on stdout");
	is_str(r.err, "tcpobs: the tcpobs kernel module is not loaded (no generic netlink family \"tcpobs\")\n",
	       "no family: the one line");
	result_free(&r);
	fake_reset();

	fk.version = 1;
	r = run(cmd_stats, &a);
	ok(r.rc == 1 && !r.out[0] && strstr(r.err, "version 1") && strstr(r.err, "needs version 2"),
	   "a module speaking version 1: refused");
	result_free(&r);
	fake_reset();

	/* Interrupted dumps: redone, then a warning. */
	fk.intr = 2;
	a.name = "listeners";
	r = run(cmd_listeners, &a);
	ok(r.rc == 0 && fk.dumps == 3 && !r.err[0], "dump interrupted twice: redone, no warning");
	is_int(count_str(r.out, "127.0.0.1:9090"), 1, "dump interrupted twice: one copy of the rows");
	result_free(&r);
	fake_reset();
	fk.intr = 100;
	r = run(cmd_listeners, &a);
	ok(r.rc == 0 && fk.dumps == NL_DUMP_RETRIES + 1, "dump always interrupted: %d attempts",
	   NL_DUMP_RETRIES + 1);
	has_str(r.err, "tcpobs: listeners: the table kept changing during the dump",
		"dump always interrupted: warning");
	has_str(r.out, "127.0.0.1:9090", "dump always interrupted: rows printed anyway");
	result_free(&r);
	fake_reset();
}

static void test_cmd_diagnose(const char *fixtures)
{
	struct cmd_args a = { .name = "diagnose" };
	char root[4096];
	struct result r;

	snprintf(root, sizeof(root), "%s/proc", fixtures);
	setenv("TCPOBS_PROC_ROOT", root, 1);
	opt.interval = 0.01;
	r = run(cmd_diagnose, &a);
	is_int(r.rc, 0, "cmd diagnose: exit 0");
	is_int(fk.dumps, 2, "cmd diagnose: two samples");
	has_str(r.out, "[::]:443 (backlog 4096, accept queue 0/4096, SYN queue 0)\n  verdict: no_drops\n  what:  no drops since tracking began\n",
		"cmd diagnose: a quiet listener");
	has_str(r.out, "127.0.0.1:9090 (backlog 2, accept queue 3/2, SYN queue 0)\n  verdict: accept_queue_full\n  what:  18 listen_overflows (18 listen_drops) since tracking began, 6 in the last 0.0",
		"cmd diagnose: the overflowing listener, its what line");
	has_str(r.out, "\n  why:   the accept queue is full: ", "cmd diagnose: why");
	has_str(r.out, "\n  fix:   accept faster (more workers/threads), and raise the listen() backlog, e.g. listen(fd, 4096); net.core.somaxconn (4096) already allows it.\n",
		"cmd diagnose: fix, with somaxconn from the procfs fixture");
	has_str(r.out, "\nkernel: ListenOverflows +0 ListenDrops +0 (namespace, same interval); tcpobs attributes all of them\n",
		"cmd diagnose: kernel line");
	lacks_str(r.out, "repaired", "cmd diagnose: no repair, no repair line");
	result_free(&r);

	fake_reset();
	fk.tw_repairs = 2;
	r = run(cmd_diagnose, &a);
	has_str(r.out, "\ntimewait: inventory repaired 2 times (8 sockets mended): ",
		"cmd diagnose: TIME_WAIT repairs reported");
	has_str(r.out, "\nlisteners: 3 taken into the ledger by a repair scan ",
		"cmd diagnose: listener repairs reported");
	result_free(&r);

	fake_reset();
	fk.unattributed = 2;
	a.has_port = true;
	a.port = 9090;
	r = run(cmd_diagnose, &a);
	is_int(fk.f_port, 9090, "cmd diagnose port 9090: filtered dump");
	lacks_str(r.out, "[::]:443", "cmd diagnose port 9090: that listener only");
	has_str(r.out, "; unattributed: listen_drops 2\n", "cmd diagnose: unattributed drops shown");
	result_free(&r);

	fake_reset();
	opt.json = true;
	r = run(cmd_diagnose, &a);
	has_str(r.out, "[{\"local\":\"127.0.0.1:9090\",", "cmd diagnose -j: array of objects");
	has_str(r.out, "\"verdict\":\"accept_queue_full\",\"causes\":{\"listen_overflows\":18,",
		"cmd diagnose -j: verdict and causes");
	has_str(r.out, "\"interval_deltas\":{\"listen_overflows\":6,", "cmd diagnose -j: deltas");
	has_str(r.out, "\"still_happening\":true,", "cmd diagnose -j: still happening");
	has_str(r.out, "\"somaxconn\":4096,\"tcp_max_syn_backlog\":512,\"tcp_syncookies\":1,",
		"cmd diagnose -j: sysctls");
	result_free(&r);
	opts_reset();

	fake_reset();
	a.port = 1234;
	r = run(cmd_diagnose, &a);
	ok(r.rc == 1 && strstr(r.err, "no listener on port 1234"), "cmd diagnose: no listener on the port");
	result_free(&r);
	unsetenv("TCPOBS_PROC_ROOT");
	opts_reset();
}

static void test_cmd_top_export(void)
{
	struct cmd_args a = { .name = "top" };
	struct result r;

	opt.count = 2;
	opt.interval = 0.01;
	r = run(cmd_top, &a);
	is_int(fk.dumps, 3, "cmd top -c 2: a first sample, then two");
	has_str(r.out, "local          drops_per_sec listen_overflows listen_drops reqq_full_drops syncookies_sent accept_q backlog syn_q\n127.0.0.1:9090 ",
		"cmd top: header, the busiest first");
	ok(strstr(r.out, "[::]:443       0.0 "), "cmd top: the quiet listener at 0.0/s");
	result_free(&r);
	opts_reset();

	fake_reset();
	opt.netns = "blue";
	a.name = "export";
	r = run(cmd_export, &a);
	has_str(r.out, "tcpobs_listener_drops_total{netns=\"blue\",addr=\"127.0.0.1\",port=\"9090\",cause=\"listen_overflows\"} 12\n",
		"cmd export: netns label from -N");
	has_str(r.out, "tcpobs_ecn_ce_packets_total{netns=\"blue\",family=\"ipv4\"} 2807\n",
		"cmd export: CE packets");
	result_free(&r);
	opts_reset();
}

static void test_watch_lines(void)
{
	uint64_t causes[NCAUSES] = { 18, 18, 0, 0, 0, 0, 0 };
	struct event ev;
	struct result r;
	char buf[4096];
	size_t off = 0;
	struct nlmsghdr *nlh;

	nlh = put_genl(buf, &off, TCPOBS_CMD_EVENT, 0, 0);
	mnl_attr_put_u64(nlh, TCPOBS_A_EVENT_SEQ, 41);
	mnl_attr_put_u8(nlh, TCPOBS_A_EVENT_TYPE, TCPOBS_EVENT_TYPE_LISTEN_DROP);
	mnl_attr_put_u64(nlh, TCPOBS_A_EVENT_TIME, 5000000000ULL);
	mnl_attr_put_u8(nlh, TCPOBS_A_EVENT_CAUSE, TCPOBS_CAUSE_LISTEN_OVERFLOWS);
	put_listener(nlh, TCPOBS_A_EVENT_LISTENER, AF_INET, "127.0.0.1", 9090, 0x1001, 2, 3, causes);
	parse_event_msg(nlh, &ev);

	r = capture(print_text, &ev);
	is_str(r.out, "seq 41 listen-drop 127.0.0.1:9090 cause listen_overflows listen_overflows 18 listen_drops 18\n",
	       "watch: listen-drop line");
	result_free(&r);
	r = capture(print_json, &ev);
	has_str(r.out, "{\"seq\":41,\"type\":\"listen_drop\",\"time\":5.000,\"cause\":\"listen_overflows\",\"local\":\"127.0.0.1:9090\",",
		"watch -j: listen_drop object on one line");
	result_free(&r);

	memset(&ev, 0, sizeof(ev));
	ev.seq = 42;
	ev.type = TCPOBS_EVENT_TYPE_STATE;
	ev.has_socket = true;
	ev.s.family = AF_INET6;
	ev.s.alen = 16;
	ev.s.saddr[15] = 1;
	ev.s.daddr[15] = 1;
	ev.s.sport = 7071;
	ev.s.dport = 40122;
	ev.s.cookie = 0x2f;
	ev.old_state = 1;
	ev.new_state = 8;
	r = capture(print_text, &ev);
	is_str(r.out, "seq 42 state [::1]:7071 [::1]:40122 ESTAB -> CLOSE-WAIT cookie 2f\n",
	       "watch: state line");
	result_free(&r);
}

void test_commands(const char *fixtures)
{
	nl_fake = fake_kernel;
	fake_reset();
	opts_reset();
	test_cmd_reading();
	fake_reset();
	test_cmd_errors();
	fake_reset();
	test_cmd_diagnose(fixtures);
	fake_reset();
	test_cmd_top_export();
	test_watch_lines();
	nl_fake = NULL;
}
