// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "tcpobs", version 2: the handlers of the
 * operations Documentation/netlink/specs/tcpobs.yaml specifies. The
 * policies and the op table are generated from that spec by the kernel's
 * ynl_gen_c.py (tcpobs-nl-gen.c, included below: the family defined here
 * takes its multicast groups from it). The genetlink core validates each
 * request strictly against its command's policy before a handler runs;
 * a command without request attributes rejects any. Commands that change
 * state need CAP_NET_ADMIN in the namespace's user namespace, as does
 * joining the events group where the kernel can check it (compat.h).
 * netnsok: every request is answered from the namespace of the requesting
 * socket.
 *
 * Large objects are dumps, one object per message, resumable: a reply
 * never needs more than one page.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/inet_ecn.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "genl.h"
#include "compat.h"
#include "ecn.h"
#include "events.h"
#include "features.h"
#include "listeners.h"
#include "netns.h"
#include "sockets.h"
#include "stats.h"
#include "timewait.h"
#include "uapi/linux/tcpobs.h"

#include "tcpobs-nl-gen.c"

static_assert((int)TCPOBS_DROP_MAX == (int)__TCPOBS_CAUSE_MAX);
static_assert((int)TCPOBS_TWK_MAX == (int)__TCPOBS_TW_KIND_MAX);
static_assert((int)TCP_ESTABLISHED == (int)TCPOBS_TCP_STATE_ESTABLISHED &&
	      (int)TCP_CLOSING == (int)TCPOBS_TCP_STATE_CLOSING &&
	      (int)TCP_NEW_SYN_RECV == (int)TCPOBS_TCP_STATE_NEW_SYN_RECV);

static struct genl_family tcpobs_genl_family;

/* --- helpers ------------------------------------------------------------------ */

/* The header of one message of a dump, or NULL when the skb is full. */
static void *tcpobs_dump_hdr(struct sk_buff *skb, struct netlink_callback *cb,
			     u8 cmd)
{
	void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, &tcpobs_genl_family,
				NLM_F_MULTI, cmd);

	if (hdr)
		genl_dump_check_consistent(cb, hdr);
	return hdr;
}

/*
 * What a dump returns after a message did not fit: the messages so far,
 * the rest in the next call; or, if not even one fits, the error.
 */
static int tcpobs_dump_full(struct sk_buff *skb)
{
	return skb->len ?: -EMSGSIZE;
}

static int tcpobs_put_addr(struct sk_buff *skb, int type, u8 family,
			   const void *addr)
{
	return nla_put(skb, type, family == AF_INET6 ? 16 : 4, addr);
}

/* A reply to @info, one page at most. */
static struct sk_buff *tcpobs_reply_new(struct genl_info *info, u8 cmd,
					void **hdr)
{
	struct sk_buff *skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);

	if (!skb)
		return NULL;
	*hdr = genlmsg_put_reply(skb, info, &tcpobs_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

static int tcpobs_reply_send(struct sk_buff *skb, void *hdr,
			     struct genl_info *info, int err)
{
	if (err) {
		nlmsg_free(skb);
		return err;
	}
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);
}

/* --- counter sections ------------------------------------------------------------ */

struct tcpobs_emit_nl {
	struct tcpobs_emit e;
	struct sk_buff *skb;
	int pad;
};

/* A counter as its attribute: 8 bytes, u64 or s64 as the spec says. */
static int tcpobs_emit_nl_fn(struct tcpobs_emit *e, int attr,
			     const char *prefix, const char *name, s64 value)
{
	struct tcpobs_emit_nl *en = container_of(e, struct tcpobs_emit_nl, e);

	return nla_put_u64_64bit(en->skb, attr, value, en->pad);
}

/*
 * A section's counters, in a nest @type of their attribute set (whose
 * padding attribute is @pad), or at the top level when @type is 0.
 */
static int tcpobs_put_counters(struct sk_buff *skb, int type, int pad,
			       struct net *net,
			       int (*section)(struct net *net,
					      struct tcpobs_emit *e))
{
	struct tcpobs_emit_nl en = {
		.e.fn = tcpobs_emit_nl_fn, .skb = skb, .pad = pad,
	};
	struct nlattr *nest = NULL;
	int err;

	if (type) {
		nest = nla_nest_start(skb, type);
		if (!nest)
			return -EMSGSIZE;
	}
	err = section(net, &en.e);
	if (err) {
		if (nest)
			nla_nest_cancel(skb, nest);
		return err;
	}
	if (nest)
		nla_nest_end(skb, nest);
	return 0;
}

int tcpobs_nl_get_stats_doit(struct sk_buff *in, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct sk_buff *skb;
	void *hdr;
	int err;

	skb = tcpobs_reply_new(info, TCPOBS_CMD_GET_STATS, &hdr);
	if (!skb)
		return -ENOMEM;
	err = tcpobs_put_counters(skb, 0, TCPOBS_A_STATS_PAD, net,
				  tcpobs_stats_counters) ?:
	      tcpobs_put_counters(skb, TCPOBS_A_STATS_TIMEWAIT,
				  TCPOBS_A_TIMEWAIT_STATS_PAD, net,
				  tcpobs_timewait_counters) ?:
	      tcpobs_put_counters(skb, TCPOBS_A_STATS_ECN,
				  TCPOBS_A_ECN_STATS_PAD, net,
				  tcpobs_ecn_counters);
	return tcpobs_reply_send(skb, hdr, info, err);
}

/* --- transitions and lifetimes (dumps over fixed tables) -------------------------- */

/* cb->args[0]: the next pair of states, from * TCP_MAX_STATES + to. */
int tcpobs_nl_get_states_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct tcpobs_pcpu __percpu *pcpu = tcpobs_pcpu(sock_net(skb->sk));
	unsigned long i = cb->args[0];
	int cpu;

	for (; pcpu && i < TCP_MAX_STATES * TCP_MAX_STATES; i++) {
		unsigned int from = i / TCP_MAX_STATES, to = i % TCP_MAX_STATES;
		u64 sum = 0;
		void *hdr;

		for_each_possible_cpu(cpu)
			sum += per_cpu_ptr(pcpu, cpu)->transitions[from][to];
		if (!sum)
			continue;
		hdr = tcpobs_dump_hdr(skb, cb, TCPOBS_CMD_GET_STATES);
		if (!hdr)
			break;
		if (nla_put_u8(skb, TCPOBS_A_TRANSITION_FROM, from) ||
		    nla_put_u8(skb, TCPOBS_A_TRANSITION_TO, to) ||
		    nla_put_u64_64bit(skb, TCPOBS_A_TRANSITION_COUNT, sum,
				      TCPOBS_A_TRANSITION_PAD)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = i;
	if (pcpu && i < TCP_MAX_STATES * TCP_MAX_STATES)
		return tcpobs_dump_full(skb);
	return skb->len;
}

/* cb->args[0]: the next bucket, state * TCPOBS_LT_BUCKETS + bucket. */
int tcpobs_nl_get_lifetimes_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	struct tcpobs_pcpu __percpu *pcpu = tcpobs_pcpu(sock_net(skb->sk));
	unsigned long i = cb->args[0];
	int cpu;

	for (; pcpu && i < TCP_MAX_STATES * TCPOBS_LT_BUCKETS; i++) {
		unsigned int s = i / TCPOBS_LT_BUCKETS, b = i % TCPOBS_LT_BUCKETS;
		u64 sum = 0;
		void *hdr;

		for_each_possible_cpu(cpu)
			sum += per_cpu_ptr(pcpu, cpu)->lifetimes[s][b];
		if (!sum)
			continue;
		hdr = tcpobs_dump_hdr(skb, cb, TCPOBS_CMD_GET_LIFETIMES);
		if (!hdr)
			break;
		if (nla_put_u8(skb, TCPOBS_A_LIFETIME_STATE, s) ||
		    nla_put_u64_64bit(skb, TCPOBS_A_LIFETIME_FROM_US,
				      b ? 1ULL << (b - 1) : 0,
				      TCPOBS_A_LIFETIME_PAD) ||
		    nla_put_u64_64bit(skb, TCPOBS_A_LIFETIME_TO_US,
				      b == TCPOBS_LT_BUCKETS - 1 ? 0 : 1ULL << b,
				      TCPOBS_A_LIFETIME_PAD) ||
		    nla_put_u64_64bit(skb, TCPOBS_A_LIFETIME_COUNT, sum,
				      TCPOBS_A_LIFETIME_PAD)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = i;
	if (pcpu && i < TCP_MAX_STATES * TCPOBS_LT_BUCKETS)
		return tcpobs_dump_full(skb);
	return skb->len;
}

/* --- listeners ------------------------------------------------------------------ */

/* The causes' attributes follow the order of enum tcpobs_drop. */
static_assert(TCPOBS_A_LISTENER_LISTEN_OVERFLOWS + TCPOBS_DROP_MAX - 1 ==
	      TCPOBS_A_LISTENER_SYNCOOKIES_FAILED);

/* The listener's attributes, into the message or nest being built. */
static int tcpobs_put_listener(struct sk_buff *skb,
			       const struct tcpobs_listener_snap *l)
{
	struct nlattr *c;
	unsigned int d;

	if (nla_put_u8(skb, TCPOBS_A_LISTENER_FAMILY, l->family) ||
	    tcpobs_put_addr(skb, TCPOBS_A_LISTENER_ADDR, l->family, &l->addr) ||
	    nla_put_be16(skb, TCPOBS_A_LISTENER_PORT, htons(l->port)) ||
	    nla_put_u64_64bit(skb, TCPOBS_A_LISTENER_COOKIE, l->cookie,
			      TCPOBS_A_LISTENER_PAD) ||
	    nla_put_u32(skb, TCPOBS_A_LISTENER_BACKLOG, l->backlog) ||
	    nla_put_u32(skb, TCPOBS_A_LISTENER_ACCEPT_Q, l->accept_q) ||
	    nla_put_u32(skb, TCPOBS_A_LISTENER_ACCEPT_Q_MAX, l->accept_q_max) ||
	    nla_put_u32(skb, TCPOBS_A_LISTENER_SYN_Q, l->syn_q) ||
	    nla_put_u32(skb, TCPOBS_A_LISTENER_SYN_Q_MAX, l->syn_q_max))
		return -EMSGSIZE;
	for (d = 0; d < TCPOBS_DROP_MAX; d++)
		if (nla_put_u64_64bit(skb, TCPOBS_A_LISTENER_LISTEN_OVERFLOWS + d,
				      l->count[d], TCPOBS_A_LISTENER_PAD))
			return -EMSGSIZE;
	for (d = 0; d < TCPOBS_DROP_MAX; d++) {
		if (!l->first[d])
			continue;
		c = nla_nest_start(skb, TCPOBS_A_LISTENER_CAUSE);
		if (!c || nla_put_u8(skb, TCPOBS_A_CAUSE_ID, d) ||
		    nla_put_u64_64bit(skb, TCPOBS_A_CAUSE_COUNT, l->count[d],
				      TCPOBS_A_CAUSE_PAD) ||
		    nla_put_u64_64bit(skb, TCPOBS_A_CAUSE_FIRST, l->first[d],
				      TCPOBS_A_CAUSE_PAD) ||
		    nla_put_u64_64bit(skb, TCPOBS_A_CAUSE_LAST, l->last[d],
				      TCPOBS_A_CAUSE_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, c);
	}
	return 0;
}

/* The filters of a dump request: 0 where absent. */
struct tcpobs_filter {
	u16 port;
	u8 family;
	u8 state;
};

static void tcpobs_filter_get(struct netlink_callback *cb, int port_attr,
			      int family_attr, int state_attr,
			      struct tcpobs_filter *f)
{
	struct nlattr **tb = tcpobs_genl_dump_attrs(cb);

	memset(f, 0, sizeof(*f));
	if (!tb)
		return;
	if (tb[port_attr])
		f->port = ntohs(nla_get_be16(tb[port_attr]));
	if (tb[family_attr])
		f->family = nla_get_u8(tb[family_attr]);
	if (state_attr && tb[state_attr])
		f->state = nla_get_u8(tb[state_attr]);
}

struct tcpobs_ldump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	struct tcpobs_filter f;
};

static int tcpobs_ldump_one(void *arg, const struct tcpobs_listener_snap *l)
{
	struct tcpobs_ldump *d = arg;
	void *hdr;

	if ((d->f.port && l->port != d->f.port) ||
	    (d->f.family && l->family != d->f.family))
		return 0;
	hdr = tcpobs_dump_hdr(d->skb, d->cb, TCPOBS_CMD_GET_LISTENER);
	if (!hdr)
		return -EMSGSIZE;
	if (tcpobs_put_listener(d->skb, l)) {
		genlmsg_cancel(d->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(d->skb, hdr);
	return 0;
}

/*
 * cb->args[0], [1]: the walk's position. The ledger's generation changes
 * when a listener is added or removed (a listen() or a close, rare), which
 * may move the position: that dump is flagged NLM_F_DUMP_INTR.
 */
int tcpobs_nl_get_listener_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	struct tcpobs_ldump d = { .skb = skb, .cb = cb };
	unsigned long pos[2] = { cb->args[0], cb->args[1] };
	int err;

	tcpobs_filter_get(cb, TCPOBS_A_LISTENER_PORT, TCPOBS_A_LISTENER_FAMILY,
			  0, &d.f);
	cb->seq = (u32)tcpobs_listeners_gen() << 1 | 1;
	err = tcpobs_listeners_walk_net(sock_net(skb->sk), pos,
					tcpobs_ldump_one, &d);
	cb->args[0] = pos[0];
	cb->args[1] = pos[1];
	if (err == -EMSGSIZE)
		return tcpobs_dump_full(skb);
	return err ?: skb->len;
}

/* --- sockets -------------------------------------------------------------------- */

/* Every counter of a socket is 64-bit up to its u64 attribute. */
static_assert(sizeof(((struct tcpobs_socket_snap *)0)->ecn_counts[0]) == sizeof(u64) &&
	      sizeof(((struct tcpobs_socket_snap *)0)->transitions) == sizeof(u64) &&
	      sizeof(((struct tcpobs_socket_snap *)0)->delivered_ce) == sizeof(u64));

/* The ECN counters are consecutive attributes, CE first. */
static_assert(ARRAY_SIZE(((struct tcpobs_socket_snap *)0)->ecn_counts) ==
	      TCPOBS_A_SOCKET_CWR_OUT - TCPOBS_A_SOCKET_CE + 1);

/* The socket's tuple and cookie. */
static int tcpobs_put_socket_id(struct sk_buff *skb,
				const struct tcpobs_socket_snap *s)
{
	if (nla_put_u8(skb, TCPOBS_A_SOCKET_FAMILY, s->family) ||
	    tcpobs_put_addr(skb, TCPOBS_A_SOCKET_SADDR, s->family, &s->saddr) ||
	    tcpobs_put_addr(skb, TCPOBS_A_SOCKET_DADDR, s->family, &s->daddr) ||
	    nla_put_be16(skb, TCPOBS_A_SOCKET_SPORT, htons(s->sport)) ||
	    nla_put_be16(skb, TCPOBS_A_SOCKET_DPORT, htons(s->dport)) ||
	    nla_put_u64_64bit(skb, TCPOBS_A_SOCKET_COOKIE, s->cookie,
			      TCPOBS_A_SOCKET_PAD))
		return -EMSGSIZE;
	return 0;
}

static int tcpobs_put_socket(struct sk_buff *skb,
			     const struct tcpobs_socket_snap *s)
{
	unsigned int i;

	if (tcpobs_put_socket_id(skb, s) ||
	    nla_put_u8(skb, TCPOBS_A_SOCKET_STATE, s->state) ||
	    nla_put_u64_64bit(skb, TCPOBS_A_SOCKET_AGE_IN_STATE, s->age_in_state,
			      TCPOBS_A_SOCKET_PAD) ||
	    nla_put_u64_64bit(skb, TCPOBS_A_SOCKET_AGE, s->age,
			      TCPOBS_A_SOCKET_PAD) ||
	    nla_put_u64_64bit(skb, TCPOBS_A_SOCKET_TRANSITIONS, s->transitions,
			      TCPOBS_A_SOCKET_PAD) ||
	    nla_put_u8(skb, TCPOBS_A_SOCKET_ECN, s->ecn))
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(s->ecn_counts); i++)
		if (nla_put_u64_64bit(skb, TCPOBS_A_SOCKET_CE + i,
				      s->ecn_counts[i], TCPOBS_A_SOCKET_PAD))
			return -EMSGSIZE;
	return nla_put_u64_64bit(skb, TCPOBS_A_SOCKET_DELIVERED_CE,
				 s->delivered_ce, TCPOBS_A_SOCKET_PAD);
}

struct tcpobs_sdump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	struct tcpobs_filter f;
};

/* One message of a socket dump, if the socket passes the filter. */
static int tcpobs_sdump_one(void *arg, const struct tcpobs_socket_snap *s)
{
	struct tcpobs_sdump *d = arg;
	void *hdr;

	if ((d->f.port && s->sport != d->f.port && s->dport != d->f.port) ||
	    (d->f.family && s->family != d->f.family) ||
	    (d->f.state && s->state != d->f.state))
		return 0;
	hdr = tcpobs_dump_hdr(d->skb, d->cb, TCPOBS_CMD_GET_SOCKET);
	if (!hdr)
		return -EMSGSIZE;
	if (tcpobs_put_socket(d->skb, s)) {
		genlmsg_cancel(d->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(d->skb, hdr);
	return 0;
}

/*
 * cb->args[0]: the table walk. cb->seq counts the table's resizes under
 * the walk (from 1): only those make the dump inconsistent, not sockets
 * coming and going.
 */
int tcpobs_nl_socket_start(struct netlink_callback *cb)
{
	struct tcpobs_sockets_walk *w;

	w = tcpobs_sockets_walk_start(sock_net(cb->skb->sk));
	if (!w)
		return -ENOMEM;
	cb->args[0] = (long)w;
	cb->seq = 1;
	return 0;
}

int tcpobs_nl_socket_done(struct netlink_callback *cb)
{
	tcpobs_sockets_walk_end((struct tcpobs_sockets_walk *)cb->args[0]);
	return 0;
}

int tcpobs_nl_get_socket_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct tcpobs_sdump d = { .skb = skb, .cb = cb };
	int err;

	tcpobs_filter_get(cb, TCPOBS_A_SOCKET_PORT, TCPOBS_A_SOCKET_FAMILY,
			  TCPOBS_A_SOCKET_STATE, &d.f);
	err = tcpobs_sockets_walk((struct tcpobs_sockets_walk *)cb->args[0],
				  tcpobs_sdump_one, &d, &cb->seq);
	if (err == -EMSGSIZE)
		return tcpobs_dump_full(skb);
	return err ?: skb->len;
}

/* --- TIME_WAIT ------------------------------------------------------------------- */

static int tcpobs_put_tw_table(struct sk_buff *skb, struct net *net,
			       unsigned int kind, unsigned int top_n,
			       struct tcpobs_tw_row *rows)
{
	long ages[TCPOBS_TW_AGE_BUCKETS], tracked, shown = 0;
	unsigned int n, i;
	struct nlattr *nest, *r;

	tracked = tcpobs_timewait_ages(net, ages);
	n = tcpobs_timewait_top(net, kind, top_n, rows);
	nest = nla_nest_start(skb, TCPOBS_A_TIMEWAIT_TABLE);
	if (!nest || nla_put_u8(skb, TCPOBS_A_TW_TABLE_KIND, kind))
		return -EMSGSIZE;
	for (i = 0; i < n; i++) {
		shown += rows[i].count;
		r = nla_nest_start(skb, TCPOBS_A_TW_TABLE_ROW);
		if (!r)
			return -EMSGSIZE;
		if (kind == TCPOBS_TWK_PEER) {
			const void *a = rows[i].family == AF_INET ?
					(const void *)&rows[i].addr.s6_addr32[3] :
					(const void *)&rows[i].addr;

			if (nla_put_u8(skb, TCPOBS_A_TW_ROW_FAMILY, rows[i].family) ||
			    tcpobs_put_addr(skb, TCPOBS_A_TW_ROW_ADDR,
					    rows[i].family, a))
				return -EMSGSIZE;
		} else if (nla_put_be16(skb, TCPOBS_A_TW_ROW_PORT,
					htons(rows[i].port))) {
			return -EMSGSIZE;
		}
		if (nla_put_u64_64bit(skb, TCPOBS_A_TW_ROW_COUNT, rows[i].count,
				      TCPOBS_A_TW_ROW_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, r);
	}
	if (nla_put_u64_64bit(skb, TCPOBS_A_TW_TABLE_OTHER,
			      max(tracked - shown, 0L), TCPOBS_A_TW_TABLE_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int tcpobs_put_tw_ages(struct sk_buff *skb, struct net *net)
{
	long ages[TCPOBS_TW_AGE_BUCKETS];
	struct nlattr *nest;
	unsigned int b;
	u32 from, to;

	tcpobs_timewait_ages(net, ages);
	for (b = 0; b < TCPOBS_TW_AGE_BUCKETS; b++) {
		tcpobs_timewait_age_bounds(b, &from, &to);
		nest = nla_nest_start(skb, TCPOBS_A_TIMEWAIT_AGE);
		if (!nest || nla_put_u32(skb, TCPOBS_A_TW_AGE_FROM_S, from) ||
		    nla_put_u32(skb, TCPOBS_A_TW_AGE_TO_S, to) ||
		    nla_put_u64_64bit(skb, TCPOBS_A_TW_AGE_COUNT, ages[b],
				      TCPOBS_A_TW_AGE_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

/*
 * cb->args[0]: the next message: 0 the totals, 1 + kind a table, then the
 * age histogram.
 */
enum {
	TCPOBS_TWD_TOTALS,
	TCPOBS_TWD_TABLES,
	TCPOBS_TWD_AGES = TCPOBS_TWD_TABLES + TCPOBS_TWK_MAX,
	TCPOBS_TWD_END,
};

int tcpobs_nl_get_timewait_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	unsigned int top_n = tcpobs_timewait_default_top();
	struct nlattr **tb = tcpobs_genl_dump_attrs(cb);
	struct net *net = sock_net(skb->sk);
	struct tcpobs_tw_row *rows;
	int err = 0;

	if (tb && tb[TCPOBS_A_TIMEWAIT_TOP])
		top_n = nla_get_u32(tb[TCPOBS_A_TIMEWAIT_TOP]);
	rows = kmalloc_array(TCPOBS_TW_TOP_MAX, sizeof(*rows), GFP_KERNEL);
	if (!rows)
		return -ENOMEM;
	for (; cb->args[0] < TCPOBS_TWD_END; cb->args[0]++) {
		unsigned long m = cb->args[0];
		void *hdr;

		hdr = tcpobs_dump_hdr(skb, cb, TCPOBS_CMD_GET_TIMEWAIT);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		if (m == TCPOBS_TWD_TOTALS)
			err = tcpobs_put_counters(skb, TCPOBS_A_TIMEWAIT_TOTALS,
						  TCPOBS_A_TIMEWAIT_STATS_PAD,
						  net, tcpobs_timewait_counters);
		else if (m < TCPOBS_TWD_AGES)
			err = tcpobs_put_tw_table(skb, net, m - TCPOBS_TWD_TABLES,
						  top_n, rows);
		else
			err = tcpobs_put_tw_ages(skb, net);
		if (err) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	kfree(rows);
	if (err == -EMSGSIZE)
		return tcpobs_dump_full(skb);
	return err ?: skb->len;
}

/* --- ECN --------------------------------------------------------------------------- */

static int tcpobs_put_ecn_service(struct sk_buff *skb, u8 side,
				  const struct tcpobs_ecn_row *r)
{
	const u64 v[] = {
		r->sockets, r->negotiated, r->in[INET_ECN_CE],
		r->in[INET_ECN_ECT_0], r->in[INET_ECN_ECT_1],
		r->in[INET_ECN_NOT_ECT], r->ece_in, r->ece_out, r->cwr_in,
		r->cwr_out, r->delivered_ce,
	};
	struct nlattr *nest;
	unsigned int i;

	static_assert(ARRAY_SIZE(v) == TCPOBS_A_ECN_SERVICE_DELIVERED_CE -
				       TCPOBS_A_ECN_SERVICE_SOCKETS + 1);
	nest = nla_nest_start(skb, TCPOBS_A_ECN_SERVICE);
	if (!nest || nla_put_u8(skb, TCPOBS_A_ECN_SERVICE_SIDE, side) ||
	    nla_put_be16(skb, TCPOBS_A_ECN_SERVICE_PORT, htons(r->port)))
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(v); i++)
		if (nla_put_u64_64bit(skb, TCPOBS_A_ECN_SERVICE_SOCKETS + i, v[i],
				      TCPOBS_A_ECN_SERVICE_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * cb->args[0]: the service rows, taken at the start (ecn.c); [1]: the next
 * message: 0 the totals, 1 + i row i, then the row of the other services.
 */
int tcpobs_nl_ecn_start(struct netlink_callback *cb)
{
	struct tcpobs_ecn_table *t;
	int err;

	t = kmalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	err = tcpobs_ecn_rows(sock_net(cb->skb->sk), t);
	if (err) {
		kfree(t);
		return err;
	}
	cb->args[0] = (long)t;
	return 0;
}

int tcpobs_nl_ecn_done(struct netlink_callback *cb)
{
	struct tcpobs_ecn_table *t = (struct tcpobs_ecn_table *)cb->args[0];

	if (t) {
		tcpobs_ecn_rows_free(t);
		kfree(t);
	}
	return 0;
}

int tcpobs_nl_get_ecn_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct tcpobs_ecn_table *t = (struct tcpobs_ecn_table *)cb->args[0];
	struct net *net = sock_net(skb->sk);
	int err = 0;

	for (; cb->args[1] < t->n + 2; cb->args[1]++) {
		unsigned long m = cb->args[1];
		const struct tcpobs_ecn_row *r;
		void *hdr;

		if (m == t->n + 1 && !t->other.sockets)
			continue;
		hdr = tcpobs_dump_hdr(skb, cb, TCPOBS_CMD_GET_ECN);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		if (m == 0) {
			err = tcpobs_put_counters(skb, TCPOBS_A_ECN_TOTALS,
						  TCPOBS_A_ECN_STATS_PAD, net,
						  tcpobs_ecn_counters);
		} else if (m <= t->n) {
			r = &t->rows[m - 1];
			err = tcpobs_put_ecn_service(skb, r->passive ?
						     TCPOBS_ECN_SIDE_LOCAL :
						     TCPOBS_ECN_SIDE_PEER, r);
		} else {
			err = tcpobs_put_ecn_service(skb, TCPOBS_ECN_SIDE_OTHER,
						     &t->other);
		}
		if (err) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	if (err == -EMSGSIZE)
		return tcpobs_dump_full(skb);
	return err ?: skb->len;
}

/* --- reset, options, features ---------------------------------------------------- */

int tcpobs_nl_reset_doit(struct sk_buff *in, struct genl_info *info)
{
	tcpobs_netns_reset(genl_info_net(info));
	return 0;
}

int tcpobs_nl_set_options_doit(struct sk_buff *in, struct genl_info *info)
{
	struct tcpobs_net *tn = tcpobs_net(genl_info_net(info));
	struct nlattr **tb = info->attrs;

	if (!tb[TCPOBS_A_OPTIONS_EVENTS] && !tb[TCPOBS_A_OPTIONS_INTERVAL_MS]) {
		NL_SET_ERR_MSG(info->extack, "no option given");
		return -EINVAL;
	}
	if (tb[TCPOBS_A_OPTIONS_EVENTS])
		WRITE_ONCE(tn->events_mask,
			   nla_get_u32(tb[TCPOBS_A_OPTIONS_EVENTS]));
	if (tb[TCPOBS_A_OPTIONS_INTERVAL_MS])
		WRITE_ONCE(tn->events_interval_ms,
			   nla_get_u32(tb[TCPOBS_A_OPTIONS_INTERVAL_MS]));
	return 0;
}

int tcpobs_nl_get_options_doit(struct sk_buff *in, struct genl_info *info)
{
	struct tcpobs_net *tn = tcpobs_net(genl_info_net(info));
	struct sk_buff *skb;
	void *hdr;
	int err = 0;

	skb = tcpobs_reply_new(info, TCPOBS_CMD_GET_OPTIONS, &hdr);
	if (!skb)
		return -ENOMEM;
	if (nla_put_u32(skb, TCPOBS_A_OPTIONS_EVENTS, READ_ONCE(tn->events_mask)) ||
	    nla_put_u32(skb, TCPOBS_A_OPTIONS_INTERVAL_MS,
			READ_ONCE(tn->events_interval_ms)))
		err = -EMSGSIZE;
	return tcpobs_reply_send(skb, hdr, info, err);
}

/* cb->args[0]: the next feature. */
int tcpobs_nl_get_features_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	for (; cb->args[0] < TCPOBS_FEAT_MAX; cb->args[0]++) {
		unsigned int i = cb->args[0];
		const char *reason = tcpobs_feature_reason(i);
		void *hdr;

		hdr = tcpobs_dump_hdr(skb, cb, TCPOBS_CMD_GET_FEATURES);
		if (!hdr)
			return tcpobs_dump_full(skb);
		if (nla_put_string(skb, TCPOBS_A_FEATURE_NAME,
				   tcpobs_feature_name(i)) ||
		    nla_put_u8(skb, TCPOBS_A_FEATURE_EXACT,
			       tcpobs_feature_exact(i)) ||
		    (reason[0] &&
		     nla_put_string(skb, TCPOBS_A_FEATURE_REASON, reason))) {
			genlmsg_cancel(skb, hdr);
			return tcpobs_dump_full(skb);
		}
		genlmsg_end(skb, hdr);
	}
	return skb->len;
}

/* --- events ----------------------------------------------------------------------- */

/* The event sink (events.c), any context: is anyone subscribed in @net? */
static bool tcpobs_genl_has_listeners(struct net *net)
{
	return genl_has_listeners(&tcpobs_genl_family, net, TCPOBS_NLGRP_EVENTS);
}

/* The event sink, process context (events.c's work item): multicast one. */
static int tcpobs_genl_event(const struct tcpobs_event *ev)
{
	struct nlattr *nest;
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put(skb, 0, 0, &tcpobs_genl_family, 0, TCPOBS_CMD_EVENT);
	if (!hdr)
		goto err;
	if (nla_put_u64_64bit(skb, TCPOBS_A_EVENT_SEQ, ev->seq,
			      TCPOBS_A_EVENT_PAD) ||
	    nla_put_u8(skb, TCPOBS_A_EVENT_TYPE, ev->type) ||
	    nla_put_u64_64bit(skb, TCPOBS_A_EVENT_TIME, ev->time,
			      TCPOBS_A_EVENT_PAD))
		goto err;
	if (ev->type == TCPOBS_EVENT_TYPE_LISTEN_DROP) {
		if (nla_put_u8(skb, TCPOBS_A_EVENT_CAUSE, ev->cause))
			goto err;
		nest = nla_nest_start(skb, TCPOBS_A_EVENT_LISTENER);
		if (!nest || tcpobs_put_listener(skb, &ev->l))
			goto err;
	} else {
		nest = nla_nest_start(skb, TCPOBS_A_EVENT_SOCKET);
		if (!nest || tcpobs_put_socket_id(skb, &ev->s))
			goto err;
	}
	nla_nest_end(skb, nest);
	if (ev->type != TCPOBS_EVENT_TYPE_LISTEN_DROP &&
	    (nla_put_u8(skb, TCPOBS_A_EVENT_OLD_STATE, ev->old_state) ||
	     nla_put_u8(skb, TCPOBS_A_EVENT_NEW_STATE, ev->new_state)))
		goto err;
	genlmsg_end(skb, hdr);
	return genlmsg_multicast_netns(&tcpobs_genl_family, ev->net, skb, 0,
				       TCPOBS_NLGRP_EVENTS, GFP_KERNEL);
err:
	nlmsg_free(skb);
	return -EMSGSIZE;
}

/* --- the family ------------------------------------------------------------------- */

/* The spec's groups, with the permission it cannot express (compat.h). */
static struct genl_multicast_group tcpobs_mcgrps[ARRAY_SIZE(tcpobs_nl_mcgrps)]
	__ro_after_init;

static struct genl_family tcpobs_genl_family __ro_after_init = {
	.name = TCPOBS_GENL_NAME,
	.version = TCPOBS_GENL_VERSION,
	.netnsok = true,
	.module = THIS_MODULE,
	.mcgrps = tcpobs_mcgrps,
	.n_mcgrps = ARRAY_SIZE(tcpobs_mcgrps),
};

/* The op table as registered (compat.h), freed after the family goes. */
static void *tcpobs_genl_ops;

static const struct tcpobs_event_sink tcpobs_genl_sink = {
	.has_listeners = tcpobs_genl_has_listeners,
	.send = tcpobs_genl_event,
};

/* The family, then the event sink that multicasts on its group. */
int tcpobs_genl_init(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(tcpobs_mcgrps); i++) {
		tcpobs_mcgrps[i] = tcpobs_nl_mcgrps[i];
		tcpobs_mcgrps[i].flags = TCPOBS_GENL_MCAST_ADMIN;
	}
	err = tcpobs_genl_register(&tcpobs_genl_family, tcpobs_nl_ops,
				   ARRAY_SIZE(tcpobs_nl_ops), &tcpobs_genl_ops);
	if (err)
		return err;
	tcpobs_events_set_sink(&tcpobs_genl_sink);
	return 0;
}

/* The reverse: no event is sent once the family starts going. */
void tcpobs_genl_exit(void)
{
	tcpobs_events_set_sink(NULL);
	genl_unregister_family(&tcpobs_genl_family);
	kfree(tcpobs_genl_ops);
}
