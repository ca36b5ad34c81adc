// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "tcpobs": the attribute tree is documented in
 * uapi/tcpobs.h. Requests are validated strictly against the policies
 * below by the genetlink core (every op is at or after resv_start_op 0),
 * so an unknown attribute, a wrong type or length or a nest without
 * NLA_F_NESTED is refused before a handler runs. Commands that change
 * state need CAP_NET_ADMIN in the namespace's user namespace
 * (GENL_UNS_ADMIN_PERM). netnsok: every request is answered from the
 * namespace of the requesting socket.
 */
#include <linux/in.h>
#include <linux/in6.h>
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
#include "uapi/tcpobs.h"

static_assert((int)TCPOBS_DROP_MAX == (int)__TCPOBS_CAUSE_MAX);
static_assert((int)TCPOBS_TWK_MAX == (int)__TCPOBS_TW_KIND_MAX);

static const struct nla_policy tcpobs_filter_policy[TCPOBS_A_FILTER_MAX + 1] = {
	[TCPOBS_A_FILTER_PORT]		= { .type = NLA_U16 },
	[TCPOBS_A_FILTER_FAMILY]	= { .type = NLA_U8 },
	[TCPOBS_A_FILTER_STATE]		= NLA_POLICY_RANGE(NLA_U8, 1, TCP_MAX_STATES - 1),
};

/* Not const: 6.1's policy takes a plain pointer. */
static struct netlink_range_validation tcpobs_interval_range = {
	.min = 1,
	.max = 60000,
};

static const struct nla_policy tcpobs_options_policy[TCPOBS_A_OPT_MAX + 1] = {
	[TCPOBS_A_OPT_EVENTS]		= NLA_POLICY_MASK(NLA_U32, TCPOBS_EVENT_ALL),
	[TCPOBS_A_OPT_INTERVAL_MS]	= NLA_POLICY_FULL_RANGE(NLA_U32, &tcpobs_interval_range),
};

/* Only what requests may carry; anything else is refused. */
static const struct nla_policy tcpobs_policy[TCPOBS_A_MAX + 1] = {
	[TCPOBS_A_FILTER]	= NLA_POLICY_NESTED(tcpobs_filter_policy),
	[TCPOBS_A_TOP]		= NLA_POLICY_RANGE(NLA_U32, 1, TCPOBS_TW_TOP_MAX),
	[TCPOBS_A_OPTIONS]	= NLA_POLICY_NESTED(tcpobs_options_policy),
};

static struct genl_family tcpobs_genl_family;

static const struct genl_multicast_group tcpobs_mcgrps[] = {
	{ .name = TCPOBS_GENL_MCGRP_EVENTS },
};

/* --- counters sections ---------------------------------------------------- */

struct tcpobs_emit_nl {
	struct tcpobs_emit e;
	struct sk_buff *skb;
};

static int tcpobs_emit_nl_fn(struct tcpobs_emit *e, const char *prefix,
			     const char *name, s64 value)
{
	struct tcpobs_emit_nl *en = container_of(e, struct tcpobs_emit_nl, e);
	struct nlattr *nest;
	char buf[64];

	snprintf(buf, sizeof(buf), "%s%s", prefix, name);
	nest = nla_nest_start(en->skb, TCPOBS_A_COUNTER);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(en->skb, TCPOBS_A_COUNTER_NAME, buf) ||
	    nla_put_s64(en->skb, TCPOBS_A_COUNTER_VALUE, value,
			TCPOBS_A_COUNTER_PAD)) {
		nla_nest_cancel(en->skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(en->skb, nest);
	return 0;
}

static int tcpobs_put_counters(struct sk_buff *skb, int type, struct net *net,
			       int (*section)(struct net *net,
					      struct tcpobs_emit *e))
{
	struct tcpobs_emit_nl en = { .e.fn = tcpobs_emit_nl_fn, .skb = skb };
	struct nlattr *nest;
	int err;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	err = section(net, &en.e);
	if (err) {
		nla_nest_cancel(skb, nest);
		return err;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int tcpobs_put_states(struct sk_buff *skb, struct net *net)
{
	struct tcpobs_pcpu __percpu *pcpu = tcpobs_pcpu(net);
	struct nlattr *nest, *t;
	unsigned int from, to;
	int cpu;

	nest = nla_nest_start(skb, TCPOBS_A_STATES);
	if (!nest)
		return -EMSGSIZE;
	for (from = 0; pcpu && from < TCP_MAX_STATES; from++) {
		for (to = 0; to < TCP_MAX_STATES; to++) {
			u64 sum = 0;

			for_each_possible_cpu(cpu)
				sum += per_cpu_ptr(pcpu, cpu)->transitions[from][to];
			if (!sum)
				continue;
			t = nla_nest_start(skb, TCPOBS_A_TRANSITION);
			if (!t ||
			    nla_put_u8(skb, TCPOBS_A_TRANSITION_FROM, from) ||
			    nla_put_u8(skb, TCPOBS_A_TRANSITION_TO, to) ||
			    nla_put_u64_64bit(skb, TCPOBS_A_TRANSITION_COUNT, sum,
					      TCPOBS_A_TRANSITION_PAD))
				goto err;
			nla_nest_end(skb, t);
		}
	}
	nla_nest_end(skb, nest);
	return 0;
err:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* A reply to @info with the room for a large message, or NULL. */
static struct sk_buff *tcpobs_reply_new(struct genl_info *info, u8 cmd,
					size_t size, void **hdr)
{
	struct sk_buff *skb = genlmsg_new(size, GFP_KERNEL);

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

static int tcpobs_nl_get_stats(struct sk_buff *in, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct sk_buff *skb;
	void *hdr;
	int err;

	skb = tcpobs_reply_new(info, TCPOBS_CMD_GET_STATS, 32768, &hdr);
	if (!skb)
		return -ENOMEM;
	err = tcpobs_put_counters(skb, TCPOBS_A_STATS, net, tcpobs_stats_counters) ?:
	      tcpobs_put_counters(skb, TCPOBS_A_TIMEWAIT, net, tcpobs_timewait_counters) ?:
	      tcpobs_put_counters(skb, TCPOBS_A_ECN, net, tcpobs_ecn_counters) ?:
	      tcpobs_put_counters(skb, TCPOBS_A_EVENTS, net, tcpobs_events_counters) ?:
	      tcpobs_put_states(skb, net);
	return tcpobs_reply_send(skb, hdr, info, err);
}

/* --- listeners and sockets (dumps) ------------------------------------------ */

static int tcpobs_put_addr(struct sk_buff *skb, int type, u8 family,
			   const void *addr)
{
	return nla_put(skb, type, family == AF_INET6 ? 16 : 4, addr);
}

static int tcpobs_genl_put_listener(struct sk_buff *skb, int type,
				    const struct tcpobs_listener_snap *l)
{
	struct nlattr *nest, *causes, *c;
	unsigned int d;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, TCPOBS_A_L_FAMILY, l->family) ||
	    tcpobs_put_addr(skb, TCPOBS_A_L_ADDR, l->family, &l->addr) ||
	    nla_put_u16(skb, TCPOBS_A_L_PORT, l->port) ||
	    nla_put_u64_64bit(skb, TCPOBS_A_L_COOKIE, l->cookie, TCPOBS_A_L_PAD) ||
	    nla_put_u32(skb, TCPOBS_A_L_BACKLOG, l->backlog) ||
	    nla_put_u32(skb, TCPOBS_A_L_ACCEPT_Q, l->accept_q) ||
	    nla_put_u32(skb, TCPOBS_A_L_ACCEPT_Q_MAX, l->accept_q_max) ||
	    nla_put_u32(skb, TCPOBS_A_L_SYN_Q, l->syn_q) ||
	    nla_put_u32(skb, TCPOBS_A_L_SYN_Q_MAX, l->syn_q_max))
		goto err;
	for (d = 0; d < TCPOBS_DROP_MAX; d++)
		if (nla_put_u64_64bit(skb, TCPOBS_A_L_LISTEN_OVERFLOWS + d,
				      l->count[d], TCPOBS_A_L_PAD))
			goto err;
	causes = nla_nest_start(skb, TCPOBS_A_L_CAUSES);
	if (!causes)
		goto err;
	for (d = 0; d < TCPOBS_DROP_MAX; d++) {
		if (!l->first[d])
			continue;
		c = nla_nest_start(skb, TCPOBS_A_L_CAUSE);
		if (!c || nla_put_u8(skb, TCPOBS_A_CAUSE_ID, d) ||
		    nla_put_u64_64bit(skb, TCPOBS_A_CAUSE_COUNT, l->count[d],
				      TCPOBS_A_L_PAD) ||
		    nla_put_u64_64bit(skb, TCPOBS_A_CAUSE_FIRST, l->first[d],
				      TCPOBS_A_L_PAD) ||
		    nla_put_u64_64bit(skb, TCPOBS_A_CAUSE_LAST, l->last[d],
				      TCPOBS_A_L_PAD))
			goto err;
		nla_nest_end(skb, c);
	}
	nla_nest_end(skb, causes);
	nla_nest_end(skb, nest);
	return 0;
err:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* The filter of a dump request, checked in .start with extack. */
struct tcpobs_filter {
	u16 port;
	u8 family;
	u8 state;
	bool has_port;
};

/*
 * The request's attributes are parsed again here rather than taken from
 * the core's parse, whose place differs between kernels; the policy is
 * the one the core already validated against.
 */
static int tcpobs_parse_filter(struct netlink_callback *cb,
			       struct tcpobs_filter *f)
{
	struct nlattr *attrs[TCPOBS_A_MAX + 1];
	struct nlattr *tb[TCPOBS_A_FILTER_MAX + 1];
	struct netlink_ext_ack *extack = cb->extack;
	int err;

	memset(f, 0, sizeof(*f));
	err = nlmsg_parse(cb->nlh, GENL_HDRLEN, attrs, TCPOBS_A_MAX,
			  tcpobs_policy, extack);
	if (err)
		return err;
	if (!attrs[TCPOBS_A_FILTER])
		return 0;
	err = nla_parse_nested(tb, TCPOBS_A_FILTER_MAX, attrs[TCPOBS_A_FILTER],
			       tcpobs_filter_policy, extack);
	if (err)
		return err;
	if (tb[TCPOBS_A_FILTER_PORT]) {
		f->port = nla_get_u16(tb[TCPOBS_A_FILTER_PORT]);
		f->has_port = true;
	}
	if (tb[TCPOBS_A_FILTER_FAMILY]) {
		f->family = nla_get_u8(tb[TCPOBS_A_FILTER_FAMILY]);
		if (f->family != AF_INET && f->family != AF_INET6) {
			NL_SET_ERR_MSG_ATTR(extack, tb[TCPOBS_A_FILTER_FAMILY],
					    "family must be AF_INET or AF_INET6");
			return -EINVAL;
		}
	}
	if (tb[TCPOBS_A_FILTER_STATE])
		f->state = nla_get_u8(tb[TCPOBS_A_FILTER_STATE]);
	return 0;
}

/* cb->args: [0], [1] the walk position; [2] the filter, packed. */
static void tcpobs_filter_save(struct netlink_callback *cb,
			       const struct tcpobs_filter *f)
{
	cb->args[2] = (long)f->port | (long)f->family << 16 |
		      (long)f->state << 24 | (long)f->has_port << 32;
}

static void tcpobs_filter_load(struct netlink_callback *cb,
			       struct tcpobs_filter *f)
{
	f->port = cb->args[2] & 0xffff;
	f->family = (cb->args[2] >> 16) & 0xff;
	f->state = (cb->args[2] >> 24) & 0xff;
	f->has_port = (cb->args[2] >> 32) & 1;
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

	if ((d->f.has_port && l->port != d->f.port) ||
	    (d->f.family && l->family != d->f.family))
		return 0;
	hdr = genlmsg_put(d->skb, NETLINK_CB(d->cb->skb).portid,
			  d->cb->nlh->nlmsg_seq, &tcpobs_genl_family,
			  NLM_F_MULTI, TCPOBS_CMD_GET_LISTENER);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(d->cb, hdr);
	if (tcpobs_genl_put_listener(d->skb, TCPOBS_A_LISTENER, l)) {
		genlmsg_cancel(d->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(d->skb, hdr);
	return 0;
}

static int tcpobs_nl_listener_start(struct netlink_callback *cb)
{
	struct tcpobs_filter f;
	int err;

	err = tcpobs_parse_filter(cb, &f);
	if (err)
		return err;
	if (f.state) {
		NL_SET_ERR_MSG(cb->extack, "listeners have no state filter");
		return -EINVAL;
	}
	tcpobs_filter_save(cb, &f);
	return 0;
}

static int tcpobs_nl_listener_dump(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	struct tcpobs_ldump d = { .skb = skb, .cb = cb };
	unsigned long pos[2] = { cb->args[0], cb->args[1] };
	int err;

	tcpobs_filter_load(cb, &d.f);
	cb->seq = tcpobs_listeners_gen();
	err = tcpobs_listeners_walk_net(sock_net(skb->sk), pos,
					tcpobs_ldump_one, &d);
	cb->args[0] = pos[0];
	cb->args[1] = pos[1];
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

static int tcpobs_nl_socket_start(struct netlink_callback *cb)
{
	struct tcpobs_sockets_walk *w;
	struct tcpobs_filter f;
	int err;

	err = tcpobs_parse_filter(cb, &f);
	if (err)
		return err;
	tcpobs_filter_save(cb, &f);
	w = tcpobs_sockets_walk_start(sock_net(cb->skb->sk));
	if (!w)
		return -ENOMEM;
	cb->args[0] = (long)w;
	return 0;
}

static int tcpobs_nl_socket_done(struct netlink_callback *cb)
{
	tcpobs_sockets_walk_end((struct tcpobs_sockets_walk *)cb->args[0]);
	return 0;
}

/* The ECN counters travel as consecutive attributes, CE first. */
static_assert(ARRAY_SIZE(((struct tcpobs_socket_snap *)0)->ecn_counts) ==
	      TCPOBS_A_S_CWR_OUT - TCPOBS_A_S_CE + 1);

static int tcpobs_put_socket(struct sk_buff *skb, int type,
			     const struct tcpobs_socket_snap *s, bool full)
{
	struct nlattr *nest = nla_nest_start(skb, type);
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, TCPOBS_A_S_FAMILY, s->family) ||
	    tcpobs_put_addr(skb, TCPOBS_A_S_SADDR, s->family, &s->saddr) ||
	    tcpobs_put_addr(skb, TCPOBS_A_S_DADDR, s->family, &s->daddr) ||
	    nla_put_u16(skb, TCPOBS_A_S_SPORT, s->sport) ||
	    nla_put_u16(skb, TCPOBS_A_S_DPORT, s->dport) ||
	    nla_put_u64_64bit(skb, TCPOBS_A_S_COOKIE, s->cookie, TCPOBS_A_S_PAD))
		goto err;
	if (!full)
		goto out;
	if (nla_put_u8(skb, TCPOBS_A_S_STATE, s->state) ||
	    nla_put_u64_64bit(skb, TCPOBS_A_S_AGE_IN_STATE, s->age_in_state,
			      TCPOBS_A_S_PAD) ||
	    nla_put_u64_64bit(skb, TCPOBS_A_S_AGE, s->age, TCPOBS_A_S_PAD) ||
	    nla_put_u32(skb, TCPOBS_A_S_TRANSITIONS, s->transitions) ||
	    nla_put_u8(skb, TCPOBS_A_S_ECN, s->ecn))
		goto err;
	for (i = 0; i < ARRAY_SIZE(s->ecn_counts); i++)
		if (nla_put_u32(skb, TCPOBS_A_S_CE + i, s->ecn_counts[i]))
			goto err;
	if (nla_put_u32(skb, TCPOBS_A_S_DELIVERED_CE, s->delivered_ce))
		goto err;
out:
	nla_nest_end(skb, nest);
	return 0;
err:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
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

	if ((d->f.has_port && s->sport != d->f.port && s->dport != d->f.port) ||
	    (d->f.family && s->family != d->f.family) ||
	    (d->f.state && s->state != d->f.state))
		return 0;
	hdr = genlmsg_put(d->skb, NETLINK_CB(d->cb->skb).portid,
			  d->cb->nlh->nlmsg_seq, &tcpobs_genl_family,
			  NLM_F_MULTI, TCPOBS_CMD_GET_SOCKET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(d->cb, hdr);
	if (tcpobs_put_socket(d->skb, TCPOBS_A_SOCKET, s, true)) {
		genlmsg_cancel(d->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(d->skb, hdr);
	return 0;
}

static int tcpobs_nl_socket_dump(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct tcpobs_sdump d = { .skb = skb, .cb = cb };
	int err;

	tcpobs_filter_load(cb, &d.f);
	cb->seq = tcpobs_sockets_gen(sock_net(skb->sk));
	err = tcpobs_sockets_walk((struct tcpobs_sockets_walk *)cb->args[0],
				  tcpobs_sdump_one, &d, &cb->seq);
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

/* --- TIME_WAIT, lifetimes, ECN --------------------------------------------- */

static int tcpobs_put_tw_table(struct sk_buff *skb, struct net *net,
			       unsigned int kind, unsigned int top_n,
			       long tracked, struct tcpobs_tw_row *rows)
{
	unsigned int n = tcpobs_timewait_top(net, kind, top_n, rows), i;
	struct nlattr *nest, *r;
	long shown = 0;

	nest = nla_nest_start(skb, TCPOBS_A_TW_TABLE);
	if (!nest || nla_put_u8(skb, TCPOBS_A_TW_KIND, kind))
		return -EMSGSIZE;
	for (i = 0; i < n; i++) {
		shown += rows[i].count;
		r = nla_nest_start(skb, TCPOBS_A_TW_ROW);
		if (!r)
			return -EMSGSIZE;
		if (kind == TCPOBS_TWK_PEER) {
			const void *a = rows[i].family == AF_INET ?
					(const void *)&rows[i].addr.s6_addr32[3] :
					(const void *)&rows[i].addr;

			if (nla_put_u8(skb, TCPOBS_A_TW_FAMILY, rows[i].family) ||
			    tcpobs_put_addr(skb, TCPOBS_A_TW_ADDR, rows[i].family, a))
				return -EMSGSIZE;
		} else if (nla_put_u16(skb, TCPOBS_A_TW_PORT, rows[i].port)) {
			return -EMSGSIZE;
		}
		if (nla_put_u64_64bit(skb, TCPOBS_A_TW_COUNT, rows[i].count,
				      TCPOBS_A_TW_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, r);
	}
	if (nla_put_u64_64bit(skb, TCPOBS_A_TW_OTHER, max(tracked - shown, 0L),
			      TCPOBS_A_TW_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int tcpobs_nl_get_timewait(struct sk_buff *in, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	unsigned int top_n = tcpobs_timewait_default_top(), kind, b;
	long ages[TCPOBS_TW_AGE_BUCKETS], tracked;
	struct tcpobs_tw_row *rows;
	struct nlattr *nest;
	struct sk_buff *skb;
	u32 from, to;
	void *hdr;
	int err;

	if (info->attrs[TCPOBS_A_TOP])
		top_n = nla_get_u32(info->attrs[TCPOBS_A_TOP]);
	rows = kmalloc_array(TCPOBS_TW_TOP_MAX, sizeof(*rows), GFP_KERNEL);
	skb = tcpobs_reply_new(info, TCPOBS_CMD_GET_TIMEWAIT, 32768, &hdr);
	if (!rows || !skb) {
		kfree(rows);
		if (skb)
			nlmsg_free(skb);
		return -ENOMEM;
	}
	tracked = tcpobs_timewait_ages(net, ages);
	err = tcpobs_put_counters(skb, TCPOBS_A_TIMEWAIT, net,
				  tcpobs_timewait_counters);
	for (kind = 0; !err && kind < TCPOBS_TWK_MAX; kind++)
		err = tcpobs_put_tw_table(skb, net, kind, top_n, tracked, rows);
	for (b = 0; !err && b < TCPOBS_TW_AGE_BUCKETS; b++) {
		tcpobs_timewait_age_bounds(b, &from, &to);
		nest = nla_nest_start(skb, TCPOBS_A_TW_AGE);
		if (!nest || nla_put_u32(skb, TCPOBS_A_TW_AGE_FROM, from) ||
		    nla_put_u32(skb, TCPOBS_A_TW_AGE_TO, to) ||
		    nla_put_u64_64bit(skb, TCPOBS_A_TW_COUNT, ages[b],
				      TCPOBS_A_TW_PAD))
			err = -EMSGSIZE;
		else
			nla_nest_end(skb, nest);
	}
	kfree(rows);
	return tcpobs_reply_send(skb, hdr, info, err);
}

static int tcpobs_nl_get_lifetimes(struct sk_buff *in, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct tcpobs_pcpu __percpu *pcpu = tcpobs_pcpu(net);
	struct sk_buff *skb;
	struct nlattr *nest;
	unsigned int s, b;
	void *hdr;
	int cpu, err = 0;

	skb = tcpobs_reply_new(info, TCPOBS_CMD_GET_LIFETIMES, 65536, &hdr);
	if (!skb)
		return -ENOMEM;
	for (s = 0; pcpu && !err && s < TCP_MAX_STATES; s++) {
		for (b = 0; !err && b < TCPOBS_LT_BUCKETS; b++) {
			u64 sum = 0;

			for_each_possible_cpu(cpu)
				sum += per_cpu_ptr(pcpu, cpu)->lifetimes[s][b];
			if (!sum)
				continue;
			nest = nla_nest_start(skb, TCPOBS_A_LIFETIME);
			if (!nest || nla_put_u8(skb, TCPOBS_A_LT_STATE, s) ||
			    nla_put_u64_64bit(skb, TCPOBS_A_LT_FROM_US,
					      b ? 1ULL << (b - 1) : 0, TCPOBS_A_LT_PAD) ||
			    nla_put_u64_64bit(skb, TCPOBS_A_LT_TO_US,
					      b == TCPOBS_LT_BUCKETS - 1 ? 0 : 1ULL << b,
					      TCPOBS_A_LT_PAD) ||
			    nla_put_u64_64bit(skb, TCPOBS_A_LT_COUNT, sum,
					      TCPOBS_A_LT_PAD))
				err = -EMSGSIZE;
			else
				nla_nest_end(skb, nest);
		}
	}
	return tcpobs_reply_send(skb, hdr, info, err);
}

static int tcpobs_put_ecn_row(struct sk_buff *skb, u8 side,
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

	static_assert(ARRAY_SIZE(v) ==
		      TCPOBS_A_EP_DELIVERED_CE - TCPOBS_A_EP_SOCKETS + 1);
	nest = nla_nest_start(skb, TCPOBS_A_ECN_PORT);
	if (!nest || nla_put_u8(skb, TCPOBS_A_EP_SIDE, side) ||
	    nla_put_u16(skb, TCPOBS_A_EP_PORT, r->port))
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(v); i++)
		if (nla_put_u64_64bit(skb, TCPOBS_A_EP_SOCKETS + i, v[i],
				      TCPOBS_A_EP_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int tcpobs_nl_get_ecn(struct sk_buff *in, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct tcpobs_ecn_table t;
	struct sk_buff *skb;
	unsigned int i;
	void *hdr;
	int err;

	err = tcpobs_ecn_rows(net, &t);
	if (err)
		return err;
	skb = tcpobs_reply_new(info, TCPOBS_CMD_GET_ECN,
			       4096 + (t.n + 1) * 160, &hdr);
	if (!skb) {
		tcpobs_ecn_rows_free(&t);
		return -ENOMEM;
	}
	err = tcpobs_put_counters(skb, TCPOBS_A_ECN, net, tcpobs_ecn_counters);
	for (i = 0; !err && i < t.n; i++)
		err = tcpobs_put_ecn_row(skb, t.rows[i].passive ?
					 TCPOBS_ECN_SIDE_LOCAL : TCPOBS_ECN_SIDE_PEER,
					 &t.rows[i]);
	if (!err && t.other.sockets)
		err = tcpobs_put_ecn_row(skb, TCPOBS_ECN_SIDE_OTHER, &t.other);
	tcpobs_ecn_rows_free(&t);
	return tcpobs_reply_send(skb, hdr, info, err);
}

/* --- changes: reset, options ------------------------------------------------ */

static int tcpobs_nl_reset(struct sk_buff *in, struct genl_info *info)
{
	tcpobs_netns_reset(genl_info_net(info));
	return 0;
}

static int tcpobs_nl_set_options(struct sk_buff *in, struct genl_info *info)
{
	struct tcpobs_net *tn = tcpobs_net(genl_info_net(info));
	struct nlattr *tb[TCPOBS_A_OPT_MAX + 1];
	int err;

	if (GENL_REQ_ATTR_CHECK(info, TCPOBS_A_OPTIONS))
		return -EINVAL;
	err = nla_parse_nested(tb, TCPOBS_A_OPT_MAX, info->attrs[TCPOBS_A_OPTIONS],
			       tcpobs_options_policy, info->extack);
	if (err)
		return err;
	if (!tb[TCPOBS_A_OPT_EVENTS] && !tb[TCPOBS_A_OPT_INTERVAL_MS]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[TCPOBS_A_OPTIONS],
				    "no option given");
		return -EINVAL;
	}
	if (tb[TCPOBS_A_OPT_EVENTS])
		WRITE_ONCE(tn->events_mask, nla_get_u32(tb[TCPOBS_A_OPT_EVENTS]));
	if (tb[TCPOBS_A_OPT_INTERVAL_MS])
		WRITE_ONCE(tn->events_interval_ms,
			   nla_get_u32(tb[TCPOBS_A_OPT_INTERVAL_MS]));
	return 0;
}

static int tcpobs_nl_get_options(struct sk_buff *in, struct genl_info *info)
{
	struct tcpobs_net *tn = tcpobs_net(genl_info_net(info));
	struct sk_buff *skb;
	struct nlattr *nest;
	void *hdr;
	int err = -EMSGSIZE;

	skb = tcpobs_reply_new(info, TCPOBS_CMD_GET_OPTIONS, NLMSG_GOODSIZE, &hdr);
	if (!skb)
		return -ENOMEM;
	nest = nla_nest_start(skb, TCPOBS_A_OPTIONS);
	if (nest &&
	    !nla_put_u32(skb, TCPOBS_A_OPT_EVENTS, READ_ONCE(tn->events_mask)) &&
	    !nla_put_u32(skb, TCPOBS_A_OPT_INTERVAL_MS,
			 READ_ONCE(tn->events_interval_ms))) {
		nla_nest_end(skb, nest);
		err = 0;
	}
	return tcpobs_reply_send(skb, hdr, info, err);
}

static int tcpobs_nl_get_features(struct sk_buff *in, struct genl_info *info)
{
	struct sk_buff *skb;
	unsigned int i;
	void *hdr;
	int err = 0;

	skb = tcpobs_reply_new(info, TCPOBS_CMD_GET_FEATURES, NLMSG_GOODSIZE, &hdr);
	if (!skb)
		return -ENOMEM;
	for (i = 0; i < TCPOBS_FEAT_MAX && !err; i++) {
		const char *reason = tcpobs_feature_reason(i);
		bool exact = tcpobs_feature_exact(i);
		struct nlattr *nest;

		err = -EMSGSIZE;
		nest = nla_nest_start(skb, TCPOBS_A_FEATURE);
		if (!nest ||
		    nla_put_string(skb, TCPOBS_A_FEAT_NAME, tcpobs_feature_name(i)) ||
		    nla_put_u8(skb, TCPOBS_A_FEAT_EXACT, exact) ||
		    (reason[0] &&
		     nla_put_string(skb, TCPOBS_A_FEAT_REASON, reason)))
			break;
		nla_nest_end(skb, nest);
		err = 0;
	}
	return tcpobs_reply_send(skb, hdr, info, err);
}

/* --- events ------------------------------------------------------------------ */

/* The event sink (events.c), any context: is anyone subscribed in @net? */
static bool tcpobs_genl_has_listeners(struct net *net)
{
	return genl_has_listeners(&tcpobs_genl_family, net, 0);
}

/* The event sink, process context (events.c's work item): multicast one. */
static int tcpobs_genl_event(const struct tcpobs_event *ev)
{
	struct sk_buff *skb;
	struct nlattr *nest;
	void *hdr;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put(skb, 0, 0, &tcpobs_genl_family, 0, TCPOBS_CMD_EVENT);
	if (!hdr)
		goto err;
	nest = nla_nest_start(skb, TCPOBS_A_EVENT);
	if (!nest ||
	    nla_put_u64_64bit(skb, TCPOBS_A_EV_SEQ, ev->seq, TCPOBS_A_EV_PAD) ||
	    nla_put_u8(skb, TCPOBS_A_EV_TYPE, ev->type) ||
	    nla_put_u64_64bit(skb, TCPOBS_A_EV_TIME, ev->time, TCPOBS_A_EV_PAD))
		goto err;
	if (ev->type == TCPOBS_EVENT_TYPE_LISTEN_DROP) {
		if (nla_put_u8(skb, TCPOBS_A_EV_CAUSE, ev->cause) ||
		    tcpobs_genl_put_listener(skb, TCPOBS_A_EV_LISTENER, &ev->l))
			goto err;
	} else {
		if (tcpobs_put_socket(skb, TCPOBS_A_EV_SOCKET, &ev->s, false))
			goto err;
		if (nla_put_u8(skb, TCPOBS_A_EV_OLD_STATE, ev->old_state) ||
		    nla_put_u8(skb, TCPOBS_A_EV_NEW_STATE, ev->new_state))
			goto err;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return genlmsg_multicast_netns(&tcpobs_genl_family, ev->net, skb, 0, 0,
				       GFP_KERNEL);
err:
	nlmsg_free(skb);
	return -EMSGSIZE;
}

/* --- the family ------------------------------------------------------------- */

static const struct genl_ops tcpobs_genl_ops[] = {
	{
		.cmd = TCPOBS_CMD_GET_STATS,
		.doit = tcpobs_nl_get_stats,
	},
	{
		.cmd = TCPOBS_CMD_GET_LISTENER,
		.start = tcpobs_nl_listener_start,
		.dumpit = tcpobs_nl_listener_dump,
	},
	{
		.cmd = TCPOBS_CMD_GET_SOCKET,
		.start = tcpobs_nl_socket_start,
		.dumpit = tcpobs_nl_socket_dump,
		.done = tcpobs_nl_socket_done,
	},
	{
		.cmd = TCPOBS_CMD_GET_TIMEWAIT,
		.doit = tcpobs_nl_get_timewait,
	},
	{
		.cmd = TCPOBS_CMD_GET_LIFETIMES,
		.doit = tcpobs_nl_get_lifetimes,
	},
	{
		.cmd = TCPOBS_CMD_GET_ECN,
		.doit = tcpobs_nl_get_ecn,
	},
	{
		.cmd = TCPOBS_CMD_RESET,
		.doit = tcpobs_nl_reset,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = TCPOBS_CMD_SET_OPTIONS,
		.doit = tcpobs_nl_set_options,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = TCPOBS_CMD_GET_OPTIONS,
		.doit = tcpobs_nl_get_options,
	},
	{
		.cmd = TCPOBS_CMD_GET_FEATURES,
		.doit = tcpobs_nl_get_features,
	},
};

static struct genl_family tcpobs_genl_family __ro_after_init = {
	.name = TCPOBS_GENL_NAME,
	.version = TCPOBS_GENL_VERSION,
	.maxattr = TCPOBS_A_MAX,
	.policy = tcpobs_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = tcpobs_genl_ops,
	.n_ops = ARRAY_SIZE(tcpobs_genl_ops),
	.mcgrps = tcpobs_mcgrps,
	.n_mcgrps = ARRAY_SIZE(tcpobs_mcgrps),
};

static const struct tcpobs_event_sink tcpobs_genl_sink = {
	.has_listeners = tcpobs_genl_has_listeners,
	.send = tcpobs_genl_event,
};

/* The family, then the event sink that multicasts on its group. */
int tcpobs_genl_init(void)
{
	int err;

	err = genl_register_family(&tcpobs_genl_family);
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
}
