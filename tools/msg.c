// SPDX-License-Identifier: GPL-2.0
/* Parsing the replies of the tcpobs generic netlink family. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "fmt.h"
#include "msg.h"
#include "util.h"

const char *const sock_ecn_names[SK_NECN] = {
	"ce", "ect0", "ect1", "noect", "ece_in", "ece_out", "cwr_in",
	"cwr_out", "delivered_ce",
};

const char *const tw_kind_names[NTWKINDS] = {
	[TCPOBS_TW_KIND_LOCAL_PORT] = "local_port",
	[TCPOBS_TW_KIND_PEER_PORT] = "peer_port",
	[TCPOBS_TW_KIND_PEER] = "peer",
};

const char *const ecn_col_names[ECN_NCOLS] = {
	"sockets", "negotiated", "ce", "ect0", "ect1", "noect", "ece_in",
	"ece_out", "cwr_in", "cwr_out", "delivered_ce",
};

/* --- attribute helpers ---------------------------------------------------- */

/* The attributes of a message (after its genlmsghdr) or of a nest. */
struct attrs {
	const void *p;
	size_t len;
};

static struct attrs msg_attrs(const struct nlmsghdr *nlh)
{
	struct attrs as = { mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN), 0 };

	if (nlh->nlmsg_len > MNL_NLMSG_HDRLEN + GENL_HDRLEN)
		as.len = nlh->nlmsg_len - MNL_NLMSG_HDRLEN - GENL_HDRLEN;
	return as;
}

static struct attrs nest_attrs(const struct nlattr *nest)
{
	struct attrs as = { mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest) };

	return as;
}

/* Every attribute of @as (libmnl 1.0.4's mnl_attr_for_each_payload lacks @a). */
#define attrs_for_each(a, as)						\
	for ((a) = (as).p;						\
	     mnl_attr_ok((a), (int)((const char *)(as).p + (as).len -	\
				    (const char *)(a)));		\
	     (a) = mnl_attr_next(a))

/* The attributes of @as by type, the last of each type winning. */
static void attrs_table(struct attrs as, const struct nlattr **tb,
			unsigned int max)
{
	const struct nlattr *a;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	attrs_for_each(a, as) {
		uint16_t t = mnl_attr_get_type(a);

		if (t <= max)
			tb[t] = a;
	}
}

/* An unsigned integer of 1, 2, 4 or 8 bytes. */
static bool get_uint(const struct nlattr *a, uint64_t *v)
{
	const void *p;

	if (!a)
		return false;
	p = mnl_attr_get_payload(a);
	switch (mnl_attr_get_payload_len(a)) {
	case 1:
		*v = *(const uint8_t *)p;
		return true;
	case 2: {
		uint16_t x;

		memcpy(&x, p, 2);
		*v = x;
		return true;
	}
	case 4: {
		uint32_t x;

		memcpy(&x, p, 4);
		*v = x;
		return true;
	}
	case 8:
		memcpy(v, p, 8);
		return true;
	default:
		return false;
	}
}

/* A signed integer of 1, 2, 4 or 8 bytes, sign-extended from its width. */
static bool get_sint(const struct nlattr *a, int64_t *v)
{
	uint64_t u;

	if (!get_uint(a, &u))
		return false;
	switch (mnl_attr_get_payload_len(a)) {
	case 1:
		*v = (int8_t)u;
		break;
	case 2:
		*v = (int16_t)u;
		break;
	case 4:
		*v = (int32_t)u;
		break;
	default:
		*v = (int64_t)u;
	}
	return true;
}

/* Fills the integer *@dst (of @size bytes) from @a if present and valid. */
static int opt_uint(const struct nlattr *a, void *dst, size_t size)
{
	uint64_t v;

	if (!a)
		return 0;
	if (!get_uint(a, &v))
		return -EBADMSG;
	switch (size) {
	case 1:
		*(uint8_t *)dst = (uint8_t)v;
		break;
	case 2:
		*(uint16_t *)dst = (uint16_t)v;
		break;
	case 4:
		*(uint32_t *)dst = (uint32_t)v;
		break;
	default:
		*(uint64_t *)dst = v;
	}
	return 0;
}

#define OPT_UINT(a, field) opt_uint((a), &(field), sizeof(field))

/* A port (a big-endian u16) into *@port in host order, if present. */
static int opt_port(const struct nlattr *a, uint16_t *port)
{
	uint16_t x;

	if (!a)
		return 0;
	if (mnl_attr_get_payload_len(a) != sizeof(x))
		return -EBADMSG;
	memcpy(&x, mnl_attr_get_payload(a), sizeof(x));
	*port = ntohs(x);
	return 0;
}

/* An address matching @family; 0 or -EBADMSG. */
static int get_addr(const struct nlattr *a, uint8_t family, uint8_t *dst,
		    size_t *alen)
{
	size_t want = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;

	if (!a || !want || mnl_attr_get_payload_len(a) != want)
		return -EBADMSG;
	memcpy(dst, mnl_attr_get_payload(a), want);
	*alen = want;
	return 0;
}

/* --- counters --------------------------------------------------------------- */

/*
 * A counter attribute of the stats, timewait-stats or ecn-stats set: its
 * name (the attribute's with '_' for '-', the line of procfs), whether it
 * is signed. The sets' other attributes (pad, nests) have no name.
 */
struct counter_attr {
	const char *name;
	bool is_signed;
};

#define U64(n)	{ .name = (n) }
#define S64(n)	{ .name = (n), .is_signed = true }

static const struct counter_attr stats_attrs[TCPOBS_A_STATS_MAX + 1] = {
	[TCPOBS_A_STATS_LISTEN_OVERFLOWS] = U64("listen_overflows"),
	[TCPOBS_A_STATS_LISTEN_DROPS] = U64("listen_drops"),
	[TCPOBS_A_STATS_REQQ_FULL_DROPS] = U64("reqq_full_drops"),
	[TCPOBS_A_STATS_REQQ_FULL_COOKIES] = U64("reqq_full_cookies"),
	[TCPOBS_A_STATS_SYNCOOKIES_SENT] = U64("syncookies_sent"),
	[TCPOBS_A_STATS_SYNCOOKIES_RECV] = U64("syncookies_recv"),
	[TCPOBS_A_STATS_SYNCOOKIES_FAILED] = U64("syncookies_failed"),
	[TCPOBS_A_STATS_UNTRACKED_LISTEN_OVERFLOWS] = U64("untracked_listen_overflows"),
	[TCPOBS_A_STATS_UNTRACKED_LISTEN_DROPS] = U64("untracked_listen_drops"),
	[TCPOBS_A_STATS_UNTRACKED_REQQ_FULL_DROPS] = U64("untracked_reqq_full_drops"),
	[TCPOBS_A_STATS_UNTRACKED_REQQ_FULL_COOKIES] = U64("untracked_reqq_full_cookies"),
	[TCPOBS_A_STATS_UNTRACKED_SYNCOOKIES_SENT] = U64("untracked_syncookies_sent"),
	[TCPOBS_A_STATS_UNTRACKED_SYNCOOKIES_RECV] = U64("untracked_syncookies_recv"),
	[TCPOBS_A_STATS_UNTRACKED_SYNCOOKIES_FAILED] = U64("untracked_syncookies_failed"),
	[TCPOBS_A_STATS_UNATTRIBUTED_LISTEN_OVERFLOWS] = S64("unattributed_listen_overflows"),
	[TCPOBS_A_STATS_UNATTRIBUTED_LISTEN_DROPS] = S64("unattributed_listen_drops"),
	[TCPOBS_A_STATS_UNATTRIBUTED_REQQ_FULL_DROPS] = S64("unattributed_reqq_full_drops"),
	[TCPOBS_A_STATS_UNATTRIBUTED_REQQ_FULL_COOKIES] = S64("unattributed_reqq_full_cookies"),
	[TCPOBS_A_STATS_UNATTRIBUTED_SYNCOOKIES_SENT] = S64("unattributed_syncookies_sent"),
	[TCPOBS_A_STATS_UNATTRIBUTED_SYNCOOKIES_RECV] = S64("unattributed_syncookies_recv"),
	[TCPOBS_A_STATS_UNATTRIBUTED_SYNCOOKIES_FAILED] = S64("unattributed_syncookies_failed"),
	[TCPOBS_A_STATS_KPROBE_MISSED] = U64("kprobe_missed"),
	[TCPOBS_A_STATS_LISTENERS] = U64("listeners"),
	[TCPOBS_A_STATS_LISTENERS_TABLE_FULL] = U64("listeners_table_full"),
	[TCPOBS_A_STATS_SOCKETS] = U64("sockets"),
	[TCPOBS_A_STATS_SOCKETS_TABLE_FULL] = U64("sockets_table_full"),
	[TCPOBS_A_STATS_EVENTS_SEQ] = U64("events_seq"),
	[TCPOBS_A_STATS_EVENTS_SENT] = U64("events_sent"),
	[TCPOBS_A_STATS_EVENTS_LOST] = U64("events_lost"),
	[TCPOBS_A_STATS_ALLOC_FAILED] = U64("alloc_failed"),
	[TCPOBS_A_STATS_LISTENERS_REPAIRED] = U64("listeners_repaired"),
};

static const struct counter_attr timewait_attrs[TCPOBS_A_TIMEWAIT_STATS_MAX + 1] = {
	[TCPOBS_A_TIMEWAIT_STATS_TW] = U64("tw"),
	[TCPOBS_A_TIMEWAIT_STATS_TRACKED] = U64("tracked"),
	[TCPOBS_A_TIMEWAIT_STATS_UNTRACKED] = U64("untracked"),
	[TCPOBS_A_TIMEWAIT_STATS_ENTRIES] = U64("entries"),
	[TCPOBS_A_TIMEWAIT_STATS_EXITS] = U64("exits"),
	[TCPOBS_A_TIMEWAIT_STATS_EXITS_UNTRACKED] = U64("exits_untracked"),
	[TCPOBS_A_TIMEWAIT_STATS_REARMS] = U64("rearms"),
	[TCPOBS_A_TIMEWAIT_STATS_OVERFLOWS] = U64("overflows"),
	[TCPOBS_A_TIMEWAIT_STATS_KEYS] = U64("keys"),
	[TCPOBS_A_TIMEWAIT_STATS_KEYS_FULL] = U64("keys_full"),
	[TCPOBS_A_TIMEWAIT_STATS_KPROBE_MISSED] = U64("kprobe_missed"),
	[TCPOBS_A_TIMEWAIT_STATS_FIN_WAIT2] = U64("fin_wait2"),
	[TCPOBS_A_TIMEWAIT_STATS_KEY_MISSES] = U64("key_misses"),
	[TCPOBS_A_TIMEWAIT_STATS_REPAIRS] = U64("repairs"),
	[TCPOBS_A_TIMEWAIT_STATS_REPAIRED] = U64("repaired"),
};

static const struct counter_attr ecn_attrs[TCPOBS_A_ECN_STATS_MAX + 1] = {
	[TCPOBS_A_ECN_STATS_IP_IN_NOECT] = U64("ip_in_noect"),
	[TCPOBS_A_ECN_STATS_IP_IN_ECT1] = U64("ip_in_ect1"),
	[TCPOBS_A_ECN_STATS_IP_IN_ECT0] = U64("ip_in_ect0"),
	[TCPOBS_A_ECN_STATS_IP_IN_CE] = U64("ip_in_ce"),
	[TCPOBS_A_ECN_STATS_IP6_IN_NOECT] = U64("ip6_in_noect"),
	[TCPOBS_A_ECN_STATS_IP6_IN_ECT1] = U64("ip6_in_ect1"),
	[TCPOBS_A_ECN_STATS_IP6_IN_ECT0] = U64("ip6_in_ect0"),
	[TCPOBS_A_ECN_STATS_IP6_IN_CE] = U64("ip6_in_ce"),
	[TCPOBS_A_ECN_STATS_TCP_IN_NOECT] = U64("tcp_in_noect"),
	[TCPOBS_A_ECN_STATS_TCP_IN_ECT1] = U64("tcp_in_ect1"),
	[TCPOBS_A_ECN_STATS_TCP_IN_ECT0] = U64("tcp_in_ect0"),
	[TCPOBS_A_ECN_STATS_TCP_IN_CE] = U64("tcp_in_ce"),
	[TCPOBS_A_ECN_STATS_TCP6_IN_NOECT] = U64("tcp6_in_noect"),
	[TCPOBS_A_ECN_STATS_TCP6_IN_ECT1] = U64("tcp6_in_ect1"),
	[TCPOBS_A_ECN_STATS_TCP6_IN_ECT0] = U64("tcp6_in_ect0"),
	[TCPOBS_A_ECN_STATS_TCP6_IN_CE] = U64("tcp6_in_ce"),
	[TCPOBS_A_ECN_STATS_TCP_ECE_IN] = U64("tcp_ece_in"),
	[TCPOBS_A_ECN_STATS_TCP_ECE_OUT] = U64("tcp_ece_out"),
	[TCPOBS_A_ECN_STATS_TCP_CWR_IN] = U64("tcp_cwr_in"),
	[TCPOBS_A_ECN_STATS_TCP_CWR_OUT] = U64("tcp_cwr_out"),
	[TCPOBS_A_ECN_STATS_NEGOTIATED] = U64("negotiated"),
	[TCPOBS_A_ECN_STATS_NOT_NEGOTIATED] = U64("not_negotiated"),
	[TCPOBS_A_ECN_STATS_DELIVERED_CE] = U64("delivered_ce"),
};

bool counters_get(const struct counters *c, const char *name, int64_t *v)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (!strcmp(c->v[i].name, name)) {
			if (v)
				*v = c->v[i].value;
			return true;
		}
	}
	return false;
}

int64_t counters_val(const struct counters *c, const char *name)
{
	int64_t v = 0;

	counters_get(c, name, &v);
	return v;
}

/*
 * Appends the counters of @tb (attributes @lo..@hi of a set described by
 * @defs) to @c, in the order of the set, whatever the order on the wire.
 */
static int put_counters(const struct nlattr *const *tb, const struct counter_attr *defs,
			unsigned int lo, unsigned int hi, struct counters *c)
{
	unsigned int t;

	for (t = lo; t <= hi; t++) {
		struct counter *ct;
		uint64_t u;
		int64_t v;

		if (!defs[t].name || !tb[t])
			continue;
		if (defs[t].is_signed) {
			if (!get_sint(tb[t], &v))
				return -EBADMSG;
		} else {
			if (!get_uint(tb[t], &u))
				return -EBADMSG;
			v = (int64_t)u;
		}
		ct = vec_push(&c->v, &c->n, &c->cap, sizeof(*ct));
		snprintf(ct->name, sizeof(ct->name), "%s", defs[t].name);
		ct->value = v;
	}
	return 0;
}

/* A timewait-stats nest. */
static int parse_tw_totals(const struct nlattr *nest, struct counters *c)
{
	const struct nlattr *tb[TCPOBS_A_TIMEWAIT_STATS_MAX + 1];

	attrs_table(nest_attrs(nest), tb, TCPOBS_A_TIMEWAIT_STATS_MAX);
	return put_counters(tb, timewait_attrs, 1, TCPOBS_A_TIMEWAIT_STATS_MAX, c);
}

/* An ecn-stats nest. */
static int parse_ecn_totals(const struct nlattr *nest, struct counters *c)
{
	const struct nlattr *tb[TCPOBS_A_ECN_STATS_MAX + 1];

	attrs_table(nest_attrs(nest), tb, TCPOBS_A_ECN_STATS_MAX);
	return put_counters(tb, ecn_attrs, 1, TCPOBS_A_ECN_STATS_MAX, c);
}

static void counters_free(struct counters *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* --- GET_STATS, GET_STATES -------------------------------------------------------- */

int parse_stats_msg(const struct nlmsghdr *nlh, struct stats_reply *r)
{
	const struct nlattr *tb[TCPOBS_A_STATS_MAX + 1];
	int err;

	attrs_table(msg_attrs(nlh), tb, TCPOBS_A_STATS_MAX);
	err = put_counters(tb, stats_attrs, 1, TCPOBS_A_STATS_MAX, &r->stats);
	if (!err)
		err = put_counters(tb, stats_attrs, TCPOBS_A_STATS_EVENTS_SEQ,
				   TCPOBS_A_STATS_EVENTS_LOST, &r->events);
	if (!err && tb[TCPOBS_A_STATS_TIMEWAIT])
		err = parse_tw_totals(tb[TCPOBS_A_STATS_TIMEWAIT], &r->timewait);
	if (!err && tb[TCPOBS_A_STATS_ECN])
		err = parse_ecn_totals(tb[TCPOBS_A_STATS_ECN], &r->ecn);
	return err;
}

void stats_reply_free(struct stats_reply *r)
{
	counters_free(&r->stats);
	counters_free(&r->timewait);
	counters_free(&r->ecn);
	counters_free(&r->events);
	memset(r, 0, sizeof(*r));
}

int parse_states_msg(const struct nlmsghdr *nlh, struct transitions *r)
{
	const struct nlattr *tb[TCPOBS_A_TRANSITION_MAX + 1];
	struct transition t = { 0 };

	attrs_table(msg_attrs(nlh), tb, TCPOBS_A_TRANSITION_MAX);
	if (!tb[TCPOBS_A_TRANSITION_FROM] || !tb[TCPOBS_A_TRANSITION_TO] ||
	    !tb[TCPOBS_A_TRANSITION_COUNT] ||
	    OPT_UINT(tb[TCPOBS_A_TRANSITION_FROM], t.from) ||
	    OPT_UINT(tb[TCPOBS_A_TRANSITION_TO], t.to) ||
	    OPT_UINT(tb[TCPOBS_A_TRANSITION_COUNT], t.count))
		return -EBADMSG;
	*(struct transition *)vec_push(&r->v, &r->n, &r->cap, sizeof(t)) = t;
	return 0;
}

void transitions_free(struct transitions *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* --- listeners ---------------------------------------------------------------- */

/* The drop counts of a listener, in the order of enum tcpobs_cause. */
static const uint16_t listener_cause_attrs[NCAUSES] = {
	[TCPOBS_CAUSE_LISTEN_OVERFLOWS] = TCPOBS_A_LISTENER_LISTEN_OVERFLOWS,
	[TCPOBS_CAUSE_LISTEN_DROPS] = TCPOBS_A_LISTENER_LISTEN_DROPS,
	[TCPOBS_CAUSE_REQQ_FULL_DROPS] = TCPOBS_A_LISTENER_REQQ_FULL_DROPS,
	[TCPOBS_CAUSE_REQQ_FULL_COOKIES] = TCPOBS_A_LISTENER_REQQ_FULL_COOKIES,
	[TCPOBS_CAUSE_SYNCOOKIES_SENT] = TCPOBS_A_LISTENER_SYNCOOKIES_SENT,
	[TCPOBS_CAUSE_SYNCOOKIES_RECV] = TCPOBS_A_LISTENER_SYNCOOKIES_RECV,
	[TCPOBS_CAUSE_SYNCOOKIES_FAILED] = TCPOBS_A_LISTENER_SYNCOOKIES_FAILED,
};

/* A cause nest (of the cause set). */
static int parse_cause(const struct nlattr *nest, struct listener *l)
{
	const struct nlattr *tb[TCPOBS_A_CAUSE_MAX + 1];
	struct cause_when w = { .seen = true };
	uint8_t id;

	attrs_table(nest_attrs(nest), tb, TCPOBS_A_CAUSE_MAX);
	if (!tb[TCPOBS_A_CAUSE_ID] || OPT_UINT(tb[TCPOBS_A_CAUSE_ID], id) ||
	    OPT_UINT(tb[TCPOBS_A_CAUSE_COUNT], w.count) ||
	    OPT_UINT(tb[TCPOBS_A_CAUSE_FIRST], w.first) ||
	    OPT_UINT(tb[TCPOBS_A_CAUSE_LAST], w.last))
		return -EBADMSG;
	if (id < NCAUSES)
		l->when[id] = w;
	return 0;
}

/* The listener set's attributes @as: a get-listener message, or a nest. */
static int parse_listener(struct attrs as, struct listener *l)
{
	const struct nlattr *tb[TCPOBS_A_LISTENER_MAX + 1], *a;
	unsigned int c;
	int err;

	memset(l, 0, sizeof(*l));
	attrs_table(as, tb, TCPOBS_A_LISTENER_MAX);
	if (!tb[TCPOBS_A_LISTENER_FAMILY] ||
	    OPT_UINT(tb[TCPOBS_A_LISTENER_FAMILY], l->family) ||
	    get_addr(tb[TCPOBS_A_LISTENER_ADDR], l->family, l->addr, &l->alen) ||
	    !tb[TCPOBS_A_LISTENER_PORT] ||
	    opt_port(tb[TCPOBS_A_LISTENER_PORT], &l->port) ||
	    OPT_UINT(tb[TCPOBS_A_LISTENER_COOKIE], l->cookie) ||
	    OPT_UINT(tb[TCPOBS_A_LISTENER_BACKLOG], l->backlog) ||
	    OPT_UINT(tb[TCPOBS_A_LISTENER_ACCEPT_Q], l->accept_q) ||
	    OPT_UINT(tb[TCPOBS_A_LISTENER_ACCEPT_Q_MAX], l->accept_q_max) ||
	    OPT_UINT(tb[TCPOBS_A_LISTENER_SYN_Q], l->syn_q) ||
	    OPT_UINT(tb[TCPOBS_A_LISTENER_SYN_Q_MAX], l->syn_q_max))
		return -EBADMSG;
	for (c = 0; c < NCAUSES; c++)
		if (OPT_UINT(tb[listener_cause_attrs[c]], l->cause[c]))
			return -EBADMSG;
	/* cause is multi-attr: one nest per cause that happened. */
	attrs_for_each(a, as) {
		if (mnl_attr_get_type(a) != TCPOBS_A_LISTENER_CAUSE)
			continue;
		err = parse_cause(a, l);
		if (err)
			return err;
	}
	return 0;
}

int parse_listener_msg(const struct nlmsghdr *nlh, struct listeners *ls)
{
	struct listener l;
	int err;

	err = parse_listener(msg_attrs(nlh), &l);
	if (err)
		return err;
	*(struct listener *)vec_push(&ls->v, &ls->n, &ls->cap, sizeof(l)) = l;
	return 0;
}

void listeners_free(struct listeners *ls)
{
	free(ls->v);
	memset(ls, 0, sizeof(*ls));
}

void listener_local(const struct listener *l, char *buf, size_t len)
{
	fmt_endpoint(buf, len, l->family, l->addr, l->alen, l->port);
}

void listener_addr(const struct listener *l, char *buf, size_t len)
{
	fmt_addr(buf, len, l->family, l->addr, l->alen);
}

/* --- sockets ------------------------------------------------------------------ */

/* The ECN columns of a socket (enum SK_*). */
static const uint16_t sock_ecn_attrs[SK_NECN] = {
	[SK_CE] = TCPOBS_A_SOCKET_CE,
	[SK_ECT0] = TCPOBS_A_SOCKET_ECT0,
	[SK_ECT1] = TCPOBS_A_SOCKET_ECT1,
	[SK_NOECT] = TCPOBS_A_SOCKET_NOECT,
	[SK_ECE_IN] = TCPOBS_A_SOCKET_ECE_IN,
	[SK_ECE_OUT] = TCPOBS_A_SOCKET_ECE_OUT,
	[SK_CWR_IN] = TCPOBS_A_SOCKET_CWR_IN,
	[SK_CWR_OUT] = TCPOBS_A_SOCKET_CWR_OUT,
	[SK_DELIVERED_CE] = TCPOBS_A_SOCKET_DELIVERED_CE,
};

/* The socket set's attributes @as: a get-socket message, or a nest. */
static int parse_socket(struct attrs as, struct sockrow *s)
{
	const struct nlattr *tb[TCPOBS_A_SOCKET_MAX + 1];
	size_t dlen;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	attrs_table(as, tb, TCPOBS_A_SOCKET_MAX);
	if (!tb[TCPOBS_A_SOCKET_FAMILY] ||
	    OPT_UINT(tb[TCPOBS_A_SOCKET_FAMILY], s->family) ||
	    get_addr(tb[TCPOBS_A_SOCKET_SADDR], s->family, s->saddr, &s->alen) ||
	    get_addr(tb[TCPOBS_A_SOCKET_DADDR], s->family, s->daddr, &dlen) ||
	    !tb[TCPOBS_A_SOCKET_SPORT] ||
	    opt_port(tb[TCPOBS_A_SOCKET_SPORT], &s->sport) ||
	    !tb[TCPOBS_A_SOCKET_DPORT] ||
	    opt_port(tb[TCPOBS_A_SOCKET_DPORT], &s->dport) ||
	    OPT_UINT(tb[TCPOBS_A_SOCKET_STATE], s->state) ||
	    OPT_UINT(tb[TCPOBS_A_SOCKET_AGE_IN_STATE], s->age_in_state) ||
	    OPT_UINT(tb[TCPOBS_A_SOCKET_AGE], s->age) ||
	    OPT_UINT(tb[TCPOBS_A_SOCKET_TRANSITIONS], s->transitions) ||
	    OPT_UINT(tb[TCPOBS_A_SOCKET_COOKIE], s->cookie) ||
	    OPT_UINT(tb[TCPOBS_A_SOCKET_ECN], s->ecn))
		return -EBADMSG;
	for (i = 0; i < SK_NECN; i++)
		if (OPT_UINT(tb[sock_ecn_attrs[i]], s->ecnv[i]))
			return -EBADMSG;
	return 0;
}

int parse_socket_msg(const struct nlmsghdr *nlh, struct sockets *ss)
{
	struct sockrow s;
	int err;

	err = parse_socket(msg_attrs(nlh), &s);
	if (err)
		return err;
	*(struct sockrow *)vec_push(&ss->v, &ss->n, &ss->cap, sizeof(s)) = s;
	return 0;
}

void sockets_free(struct sockets *ss)
{
	free(ss->v);
	memset(ss, 0, sizeof(*ss));
}

void sock_local(const struct sockrow *s, char *buf, size_t len)
{
	fmt_endpoint(buf, len, s->family, s->saddr, s->alen, s->sport);
}

void sock_peer(const struct sockrow *s, char *buf, size_t len)
{
	fmt_endpoint(buf, len, s->family, s->daddr, s->alen, s->dport);
}

/* --- GET_TIMEWAIT ---------------------------------------------------------------- */

/* A row nest (tw-row set) of table @kind. */
static int parse_tw_row(const struct nlattr *nest, unsigned int kind,
			struct tw_row *row)
{
	const struct nlattr *tb[TCPOBS_A_TW_ROW_MAX + 1];

	attrs_table(nest_attrs(nest), tb, TCPOBS_A_TW_ROW_MAX);
	if (OPT_UINT(tb[TCPOBS_A_TW_ROW_COUNT], row->count))
		return -EBADMSG;
	if (kind == TCPOBS_TW_KIND_PEER) {
		if (!tb[TCPOBS_A_TW_ROW_FAMILY] ||
		    OPT_UINT(tb[TCPOBS_A_TW_ROW_FAMILY], row->family) ||
		    get_addr(tb[TCPOBS_A_TW_ROW_ADDR], row->family, row->addr,
			     &row->alen))
			return -EBADMSG;
	} else if (!tb[TCPOBS_A_TW_ROW_PORT] ||
		   opt_port(tb[TCPOBS_A_TW_ROW_PORT], &row->port)) {
		return -EBADMSG;
	}
	return 0;
}

/* A table nest (tw-table set). */
static int parse_tw_table(const struct nlattr *nest, struct tw_reply *r)
{
	const struct nlattr *tb[TCPOBS_A_TW_TABLE_MAX + 1], *a;
	struct tw_table *t;
	uint8_t kind;
	int err;

	attrs_table(nest_attrs(nest), tb, TCPOBS_A_TW_TABLE_MAX);
	if (!tb[TCPOBS_A_TW_TABLE_KIND] || OPT_UINT(tb[TCPOBS_A_TW_TABLE_KIND], kind))
		return -EBADMSG;
	if (kind >= NTWKINDS)
		return 0;	/* a newer kind */
	t = &r->t[kind];
	t->present = true;
	if (OPT_UINT(tb[TCPOBS_A_TW_TABLE_OTHER], t->other))
		return -EBADMSG;
	attrs_for_each(a, nest_attrs(nest)) {
		struct tw_row *row;

		if (mnl_attr_get_type(a) != TCPOBS_A_TW_TABLE_ROW)
			continue;
		row = vec_push(&t->rows, &t->n, &t->cap, sizeof(*row));
		err = parse_tw_row(a, kind, row);
		if (err)
			return err;
	}
	return 0;
}

/* An age nest (tw-age set). */
static int parse_tw_age(const struct nlattr *nest, struct tw_reply *r)
{
	const struct nlattr *tb[TCPOBS_A_TW_AGE_MAX + 1];
	struct tw_age *age;

	attrs_table(nest_attrs(nest), tb, TCPOBS_A_TW_AGE_MAX);
	age = vec_push(&r->ages, &r->nages, &r->cap_ages, sizeof(*age));
	if (!tb[TCPOBS_A_TW_AGE_FROM_S] || OPT_UINT(tb[TCPOBS_A_TW_AGE_FROM_S], age->from) ||
	    OPT_UINT(tb[TCPOBS_A_TW_AGE_TO_S], age->to) ||
	    OPT_UINT(tb[TCPOBS_A_TW_AGE_COUNT], age->count))
		return -EBADMSG;
	return 0;
}

/* A message of the dump: the totals, a table, or the age histogram. */
int parse_timewait_msg(const struct nlmsghdr *nlh, struct tw_reply *r)
{
	const struct nlattr *a;
	int err = 0;

	attrs_for_each(a, msg_attrs(nlh)) {
		switch (mnl_attr_get_type(a)) {
		case TCPOBS_A_TIMEWAIT_TOTALS:
			err = parse_tw_totals(a, &r->totals);
			break;
		case TCPOBS_A_TIMEWAIT_TABLE:
			err = parse_tw_table(a, r);
			break;
		case TCPOBS_A_TIMEWAIT_AGE:
			err = parse_tw_age(a, r);
			break;
		}
		if (err)
			return err;
	}
	return 0;
}

void tw_reply_free(struct tw_reply *r)
{
	unsigned int k;

	counters_free(&r->totals);
	for (k = 0; k < NTWKINDS; k++)
		free(r->t[k].rows);
	free(r->ages);
	memset(r, 0, sizeof(*r));
}

/* --- GET_LIFETIMES ------------------------------------------------------------- */

/* A message of the dump: one bucket. */
int parse_lifetimes_msg(const struct nlmsghdr *nlh, struct lifetimes *r)
{
	const struct nlattr *tb[TCPOBS_A_LIFETIME_MAX + 1];
	struct lifetime lt = { 0 };

	attrs_table(msg_attrs(nlh), tb, TCPOBS_A_LIFETIME_MAX);
	if (!tb[TCPOBS_A_LIFETIME_STATE] || OPT_UINT(tb[TCPOBS_A_LIFETIME_STATE], lt.state) ||
	    OPT_UINT(tb[TCPOBS_A_LIFETIME_FROM_US], lt.from_us) ||
	    OPT_UINT(tb[TCPOBS_A_LIFETIME_TO_US], lt.to_us) ||
	    OPT_UINT(tb[TCPOBS_A_LIFETIME_COUNT], lt.count))
		return -EBADMSG;
	*(struct lifetime *)vec_push(&r->v, &r->n, &r->cap, sizeof(lt)) = lt;
	return 0;
}

void lifetimes_free(struct lifetimes *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* --- GET_ECN ------------------------------------------------------------------- */

/* The attributes of the columns of a service row, as ecn_col_names. */
static const uint16_t ecn_col_attrs[ECN_NCOLS] = {
	TCPOBS_A_ECN_SERVICE_SOCKETS, TCPOBS_A_ECN_SERVICE_NEGOTIATED,
	TCPOBS_A_ECN_SERVICE_CE, TCPOBS_A_ECN_SERVICE_ECT0,
	TCPOBS_A_ECN_SERVICE_ECT1, TCPOBS_A_ECN_SERVICE_NOECT,
	TCPOBS_A_ECN_SERVICE_ECE_IN, TCPOBS_A_ECN_SERVICE_ECE_OUT,
	TCPOBS_A_ECN_SERVICE_CWR_IN, TCPOBS_A_ECN_SERVICE_CWR_OUT,
	TCPOBS_A_ECN_SERVICE_DELIVERED_CE,
};

/* A service nest (ecn-service set). */
static int parse_ecn_row(const struct nlattr *nest, struct ecn_row *row)
{
	const struct nlattr *tb[TCPOBS_A_ECN_SERVICE_MAX + 1];
	unsigned int i;

	memset(row, 0, sizeof(*row));
	attrs_table(nest_attrs(nest), tb, TCPOBS_A_ECN_SERVICE_MAX);
	if (!tb[TCPOBS_A_ECN_SERVICE_SIDE] ||
	    OPT_UINT(tb[TCPOBS_A_ECN_SERVICE_SIDE], row->side) ||
	    opt_port(tb[TCPOBS_A_ECN_SERVICE_PORT], &row->port))
		return -EBADMSG;
	for (i = 0; i < ECN_NCOLS; i++)
		if (OPT_UINT(tb[ecn_col_attrs[i]], row->v[i]))
			return -EBADMSG;
	return 0;
}

/* A message of the dump: the totals, or a service row. */
int parse_ecn_msg(const struct nlmsghdr *nlh, struct ecn_reply *r)
{
	const struct nlattr *a;
	int err = 0;

	attrs_for_each(a, msg_attrs(nlh)) {
		struct ecn_row row;

		switch (mnl_attr_get_type(a)) {
		case TCPOBS_A_ECN_TOTALS:
			err = parse_ecn_totals(a, &r->totals);
			break;
		case TCPOBS_A_ECN_SERVICE:
			err = parse_ecn_row(a, &row);
			if (err)
				break;
			if (row.side == TCPOBS_ECN_SIDE_OTHER) {
				r->has_other = true;
				r->other = row;
			} else {
				*(struct ecn_row *)vec_push(&r->rows, &r->n, &r->cap,
							    sizeof(row)) = row;
			}
			break;
		}
		if (err)
			return err;
	}
	return 0;
}

void ecn_reply_free(struct ecn_reply *r)
{
	counters_free(&r->totals);
	free(r->rows);
	memset(r, 0, sizeof(*r));
}

/* --- options, features, events ------------------------------------------------------ */

int parse_options_msg(const struct nlmsghdr *nlh, struct options *o)
{
	const struct nlattr *tb[TCPOBS_A_OPTIONS_MAX + 1];

	memset(o, 0, sizeof(*o));
	attrs_table(msg_attrs(nlh), tb, TCPOBS_A_OPTIONS_MAX);
	o->has_events = tb[TCPOBS_A_OPTIONS_EVENTS];
	o->has_interval = tb[TCPOBS_A_OPTIONS_INTERVAL_MS];
	if (OPT_UINT(tb[TCPOBS_A_OPTIONS_EVENTS], o->events) ||
	    OPT_UINT(tb[TCPOBS_A_OPTIONS_INTERVAL_MS], o->interval_ms))
		return -EBADMSG;
	return 0;
}

/* Copies a NUL-terminated string attribute; -EBADMSG if it is not one. */
static int attr_str(const struct nlattr *a, char *buf, size_t len)
{
	uint16_t n = mnl_attr_get_payload_len(a);
	const char *s = mnl_attr_get_payload(a);

	if (!n || s[n - 1] != '\0')
		return -EBADMSG;
	snprintf(buf, len, "%s", s);
	return 0;
}

/* A message of the dump: one feature. */
int parse_features_msg(const struct nlmsghdr *nlh, struct features *f)
{
	const struct nlattr *tb[TCPOBS_A_FEATURE_MAX + 1];
	uint8_t exact;

	if (f->n >= FEATURES_MAX)
		return 0;
	attrs_table(msg_attrs(nlh), tb, TCPOBS_A_FEATURE_MAX);
	if (!tb[TCPOBS_A_FEATURE_NAME] || !tb[TCPOBS_A_FEATURE_EXACT] ||
	    OPT_UINT(tb[TCPOBS_A_FEATURE_EXACT], exact) ||
	    attr_str(tb[TCPOBS_A_FEATURE_NAME], f->v[f->n].name,
		     sizeof(f->v[f->n].name)))
		return -EBADMSG;
	f->v[f->n].exact = exact;
	f->v[f->n].reason[0] = '\0';
	if (tb[TCPOBS_A_FEATURE_REASON] &&
	    attr_str(tb[TCPOBS_A_FEATURE_REASON], f->v[f->n].reason,
		     sizeof(f->v[f->n].reason)))
		return -EBADMSG;
	f->n++;
	return 0;
}

int parse_event_msg(const struct nlmsghdr *nlh, struct event *ev)
{
	const struct nlattr *tb[TCPOBS_A_EVENT_MAX + 1];
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	int err;

	memset(ev, 0, sizeof(*ev));
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*g) || g->cmd != TCPOBS_CMD_EVENT)
		return -ENOMSG;
	attrs_table(msg_attrs(nlh), tb, TCPOBS_A_EVENT_MAX);
	if (!tb[TCPOBS_A_EVENT_SEQ] || OPT_UINT(tb[TCPOBS_A_EVENT_SEQ], ev->seq) ||
	    !tb[TCPOBS_A_EVENT_TYPE] || OPT_UINT(tb[TCPOBS_A_EVENT_TYPE], ev->type) ||
	    OPT_UINT(tb[TCPOBS_A_EVENT_TIME], ev->time) ||
	    OPT_UINT(tb[TCPOBS_A_EVENT_CAUSE], ev->cause) ||
	    OPT_UINT(tb[TCPOBS_A_EVENT_OLD_STATE], ev->old_state) ||
	    OPT_UINT(tb[TCPOBS_A_EVENT_NEW_STATE], ev->new_state))
		return -EBADMSG;
	ev->has_cause = tb[TCPOBS_A_EVENT_CAUSE];
	if (tb[TCPOBS_A_EVENT_LISTENER]) {
		err = parse_listener(nest_attrs(tb[TCPOBS_A_EVENT_LISTENER]), &ev->l);
		if (err)
			return err;
		ev->has_listener = true;
	}
	if (tb[TCPOBS_A_EVENT_SOCKET]) {
		err = parse_socket(nest_attrs(tb[TCPOBS_A_EVENT_SOCKET]), &ev->s);
		if (err)
			return err;
		ev->has_socket = true;
	}
	return 0;
}
