/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels tcpobs builds against (Debian's 5.10,
 * 6.1, 6.12 and 7.3) lives here, and nowhere else: the rest of the module is
 * written once, against the names defined below. Version checks name the
 * release that made the change; the kernels between those Debian ships are
 * not built here.
 *
 * Differences that need no code, and why:
 *   TCP_MAX_STATES is 12 in 5.10, 13 in 6.1, 14 from 6.12
 *   (TCP_NEW_SYN_RECV, TCP_BOUND_INACTIVE); arrays sized by it are right on
 *   each, and state names are kept in a table large enough for any.
 *   struct genl_family's resv_start_op (6.1) is left at zero, its default:
 *   every command is validated strictly, as 5.10 does for every family.
 */
#ifndef _TCPOBS_COMPAT_H
#define _TCPOBS_COMPAT_H

#include <linux/slab.h>
#include <linux/version.h>
#include <net/genetlink.h>
#include <net/inet6_hashtables.h>
#include <net/inet_hashtables.h>
#include <net/net_namespace.h>
#include <net/tcp.h>

/*
 * The established hash of the namespace's TCP sockets: a namespace may have
 * its own since 6.1 (net.ipv4.tcp_child_ehash_entries), found through its
 * timewait death row (which points at the global one before 6.1).
 */
static inline struct inet_hashinfo *tcpobs_tcp_hashinfo(const struct net *net)
{
	return net->ipv4.tcp_death_row.hashinfo;
}

/*
 * The kernel's own count of the namespace's TIME-WAIT sockets, as
 * /proc/net/sockstat's "tw" shows it: an atomic_t before 5.18, then a
 * refcount that starts at 1.
 */
static inline int tcpobs_tw_kernel_count(const struct net *net)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 18, 0)
	return atomic_read(&net->ipv4.tcp_death_row.tw_count);
#else
	return refcount_read(&net->ipv4.tcp_death_row.tw_refcount) - 1;
#endif
}

/*
 * The buckets that hold every listening TCP socket, chained through
 * sk_nulls_node on ->nulls_head: before 5.19 the 32 buckets of
 * listening_hash (lhash2 chains the same sockets through another node),
 * from 5.19 lhash2 alone.
 */
static inline struct inet_listen_hashbucket *
tcpobs_listen_buckets(struct inet_hashinfo *h, unsigned int *n)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 19, 0)
	*n = INET_LHTABLE_SIZE;
	return h->listening_hash;
#else
	*n = h->lhash2_mask + 1;
	return h->lhash2;
#endif
}

/*
 * The established, request or timewait socket for a 4-tuple, with a
 * reference. The lookups find the namespace's hash themselves from 6.18.
 */
static inline struct sock *
tcpobs_lookup_established4(struct net *net, __be32 saddr, __be16 sport,
			   __be32 daddr, u16 hnum, int dif, int sdif)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 18, 0)
	return __inet_lookup_established(net, tcpobs_tcp_hashinfo(net), saddr,
					 sport, daddr, hnum, dif, sdif);
#else
	return __inet_lookup_established(net, saddr, sport, daddr, hnum, dif,
					 sdif);
#endif
}

#if IS_ENABLED(CONFIG_IPV6)
static inline struct sock *
tcpobs_lookup_established6(struct net *net, const struct in6_addr *saddr,
			   __be16 sport, const struct in6_addr *daddr,
			   u16 hnum, int dif, int sdif)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 18, 0)
	return __inet6_lookup_established(net, tcpobs_tcp_hashinfo(net), saddr,
					  sport, daddr, hnum, dif, sdif);
#else
	return __inet6_lookup_established(net, saddr, sport, daddr, hnum, dif,
					  sdif);
#endif
}
#endif

/*
 * ECN is in use on the connection: negotiated by its handshake. AccECN
 * (6.18) made the RFC 3168 bit one of several ECN modes.
 */
static inline bool tcpobs_tcp_ecn_ok(const struct tcp_sock *tp)
{
#ifdef TCP_ECN_OK
	return tp->ecn_flags & TCP_ECN_OK;
#else
	return tcp_ecn_mode_any(tp);
#endif
}

/*
 * A per-CPU MIB field summed over every CPU, as /proc/net/netstat and snmp
 * show it. The kernel's snmp_fold_field() is no longer exported from 7.x,
 * so tcpobs folds them itself on every kernel: an unsigned long per CPU
 * (struct linux_mib), or a u64 (struct ipstats_mib) read under its syncp
 * where a long is 32 bits.
 */
static inline unsigned long tcpobs_mib_fold(void __percpu *mib, int offt)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*((unsigned long *)per_cpu_ptr(mib, cpu) + offt));
	return sum;
}

static inline u64 tcpobs_mib_fold64(void __percpu *mib, int offt,
				    size_t syncp_off)
{
#if BITS_PER_LONG == 32
	return snmp_fold_field64(mib, offt, syncp_off);
#else
	return tcpobs_mib_fold(mib, offt);
#endif
}

/* A required attribute of a request (6.1 has the macro, with extack's
 * missing-attribute report; before, a message).
 */
#ifndef GENL_REQ_ATTR_CHECK
#define GENL_REQ_ATTR_CHECK(info, attr) ({				\
	const struct genl_info *__info = (info);			\
	bool __missing = !__info->attrs[(attr)];			\
									\
	if (__missing)							\
		NL_SET_ERR_MSG(__info->extack, "required attribute missing"); \
	__missing;							\
})
#endif

/*
 * A command without request attributes rejects any: its op gets this
 * policy (maxattr 1: attribute 1 is NLA_REJECT, any other is beyond the
 * maximum, which strict validation refuses). The core does not do it for
 * an op without a policy (it parses nothing and ignores what came).
 */
static inline void tcpobs_genl_reject_all(const struct nla_policy **policy,
					  unsigned int *maxattr)
{
	static const struct nla_policy reject_all[2] = {
		[1] = { .type = NLA_REJECT },
	};

	if (!*policy) {
		*policy = reject_all;
		*maxattr = 1;
	}
}

/*
 * Generic netlink split ops (6.2): the op table generated from the
 * family's spec is a genl_split_ops array, one entry per command and mode
 * (do, dump). Before 6.2 the family takes genl_ops, one per command with
 * both modes and a policy each (5.10): the same table is turned into
 * that at registration. On every kernel the table is copied, to give the
 * ops without a policy the reject-all one; the copy is returned in *@mem,
 * for the caller to keep (the family may be read-only after init, and
 * kmemleak does not look there) and free after unregistering.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
struct genl_split_ops {
	int (*doit)(struct sk_buff *skb, struct genl_info *info);
	int (*start)(struct netlink_callback *cb);
	int (*dumpit)(struct sk_buff *skb, struct netlink_callback *cb);
	int (*done)(struct netlink_callback *cb);
	const struct nla_policy *policy;
	unsigned int maxattr;
	u8 cmd;
	u8 flags;
	u8 validate;
};

static inline int tcpobs_genl_register(struct genl_family *family,
				       const struct genl_split_ops *split,
				       unsigned int n, void **mem)
{
	struct genl_ops *ops;
	unsigned int i, j, nops = 0;
	int err;

	ops = kcalloc(n, sizeof(*ops), GFP_KERNEL);
	if (!ops)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const struct genl_split_ops *s = &split[i];
		struct genl_ops *o;

		for (j = 0; j < nops && ops[j].cmd != s->cmd; j++)
			;
		o = &ops[j];
		if (j == nops) {
			nops++;
			o->cmd = s->cmd;
			o->flags = s->flags & (GENL_ADMIN_PERM | GENL_UNS_ADMIN_PERM);
			o->validate = s->validate;
			o->policy = s->policy;
			o->maxattr = s->maxattr;
			tcpobs_genl_reject_all(&o->policy, &o->maxattr);
		}
		if (s->flags & GENL_CMD_CAP_DO)
			o->doit = s->doit;
		if (s->flags & GENL_CMD_CAP_DUMP) {
			o->start = s->start;
			o->dumpit = s->dumpit;
			o->done = s->done;
		}
	}
	family->ops = ops;
	family->n_ops = nops;
	err = genl_register_family(family);
	if (err)
		kfree(ops);
	else
		*mem = ops;
	return err;
}

/* The policy's range pointer is not const before 6.2. */
#undef NLA_POLICY_FULL_RANGE
#define NLA_POLICY_FULL_RANGE(tp, _range) {				\
	.type = NLA_ENSURE_UINT_OR_BINARY_TYPE(tp),			\
	.validation_type = NLA_VALIDATE_RANGE_PTR,			\
	.range = (struct netlink_range_validation *)(_range),		\
}
#else
static inline int tcpobs_genl_register(struct genl_family *family,
				       const struct genl_split_ops *split,
				       unsigned int n, void **mem)
{
	struct genl_split_ops *ops;
	unsigned int i;
	int err;

	ops = kmemdup(split, n * sizeof(*split), GFP_KERNEL);
	if (!ops)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		tcpobs_genl_reject_all(&ops[i].policy, &ops[i].maxattr);
	family->split_ops = ops;
	family->n_split_ops = n;
	err = genl_register_family(family);
	if (err)
		kfree(ops);
	else
		*mem = ops;
	return err;
}
#endif

/* A dump request's attributes, parsed by the core against its policy. */
static inline struct nlattr **tcpobs_genl_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
	return genl_dumpit_info(cb)->attrs;
#else
	return genl_info_dump(cb)->attrs;
#endif
}

/*
 * Joining a multicast group needs CAP_NET_ADMIN in the namespace's user
 * namespace: GENL_MCAST_CAP_NET_ADMIN (6.7, and Debian's 6.1); 5.10's
 * stable branch took the check with the op flag for it instead.
 */
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define TCPOBS_GENL_MCAST_ADMIN GENL_MCAST_CAP_NET_ADMIN
#else
#define TCPOBS_GENL_MCAST_ADMIN GENL_UNS_ADMIN_PERM
#endif

#endif /* _TCPOBS_COMPAT_H */
