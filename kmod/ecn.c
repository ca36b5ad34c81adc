// SPDX-License-Identifier: GPL-2.0
/*
 * ECN accounting: IP ECN codepoints received, TCP ECE and CWR flags
 * received and sent, per namespace, per tracked socket and per service
 * port.
 *
 * Netfilter hooks, registered in each namespace, IPv4 and IPv6:
 *
 *   LOCAL_IN (last)      TCP: the ECN codepoint, weighted by max(1,
 *                        gso_segs) as ip_rcv_core() counts IpExtIn*Pkts;
 *                        ECE (x gso_segs) and CWR (x 1, TSO puts it
 *                        on the first segment only) received, outside
 *                        SYN and SYN-ACK where they negotiate ECN
 *   LOCAL_OUT (last)     TCP: ECE and CWR sent, likewise
 *
 * The hooks never change a packet's fate (always NF_ACCEPT), take no lock
 * and allocate nothing: per-CPU counters for the namespace, and atomics in
 * the socket's lifecycle entry (one hash lookup by cookie) when the socket
 * is tracked and the packet carries an ECN mark (ECT, CE, ECE or CWR): a
 * socket's Not-ECT count is its segs_in minus the marked ones, so plain
 * traffic needs no lookup.
 *
 * The socket is skb->sk. An incoming packet has none when TCP early demux
 * is off (net.ipv4.tcp_early_demux=0) or found nothing, and has a request
 * socket when it was demuxed while its handshake's last ACK was still
 * making the child; then the hook looks the socket up in the established
 * hash, as tcp_v4_rcv() and tcp_v6_rcv() will (one lookup, which a packet
 * for no connection costs the kernel anyway). A marked packet taken on one
 * CPU while the ACK is making the child on another is counted for the
 * namespace only.
 *
 * The namespace's codepoints over all IP packets are the kernel's own
 * IpExtIn*Pkts / Ip6In*Pkts, counted in ip_rcv_core(): tcpobs reports their
 * increase since it started counting the namespace, which costs nothing
 * per packet; its own count covers TCP (tcp_in_*, tcp6_in_*).
 *
 * Per service: when a tracked socket is destroyed its counts go to a row
 * of its namespace keyed by service port (the local port of a passive
 * socket, the peer port of an active one; ecn_ports.c keeps them);
 * reading the ecn file adds the live sockets to those rows.
 */
#include <linux/hash.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/tcp.h>
#include <net/dsfield.h>
#include <net/inet6_hashtables.h>
#include <net/inet_ecn.h>
#include <net/inet_hashtables.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "ecn.h"
#include "compat.h"
#include "ecn_ports.h"
#include "format.h"
#include "netns.h"
#include "sockets.h"
#include "uapi/linux/tcpobs.h"

/* The codepoints' attributes follow INET_ECN_*, IPv4 then IPv6. */
static_assert(INET_ECN_NOT_ECT == 0 && INET_ECN_ECT_1 == 1 &&
	      INET_ECN_ECT_0 == 2 && INET_ECN_CE == 3);
static_assert(TCPOBS_A_ECN_STATS_IP_IN_NOECT + 4 == TCPOBS_A_ECN_STATS_IP6_IN_NOECT);
static_assert(TCPOBS_A_ECN_STATS_TCP_IN_NOECT + 4 == TCPOBS_A_ECN_STATS_TCP6_IN_NOECT);
static_assert(TCPOBS_A_ECN_STATS_IP_IN_NOECT + 3 == TCPOBS_A_ECN_STATS_IP_IN_CE);

static unsigned int tcpobs_ecn_weight(const struct sk_buff *skb)
{
	return max_t(unsigned int, 1, skb_shinfo(skb)->gso_segs);
}

/* The IP ECN codepoint of a packet at LOCAL_IN or LOCAL_OUT. */
static unsigned int tcpobs_ecn_cp(const struct sk_buff *skb, u8 pf)
{
	if (pf == NFPROTO_IPV6)
		return ipv6_get_dsfield(ipv6_hdr(skb)) & INET_ECN_MASK;
	return ip_hdr(skb)->tos & INET_ECN_MASK;
}

/* The TCP header's flags byte and offset, if it is TCP. */
static bool tcpobs_ecn_tcp(const struct sk_buff *skb, u8 pf, u8 *flags,
			   unsigned int *thoff)
{
	unsigned int off;
	u8 buf;
	const u8 *f;

	if (pf == NFPROTO_IPV6) {
		const struct ipv6hdr *h = ipv6_hdr(skb);

		/* Extension headers are not followed. */
		if (h->nexthdr != IPPROTO_TCP)
			return false;
		off = skb_network_offset(skb) + sizeof(*h);
	} else {
		const struct iphdr *h = ip_hdr(skb);

		if (h->protocol != IPPROTO_TCP || ip_is_fragment(h))
			return false;
		off = skb_network_offset(skb) + h->ihl * 4;
	}
	/* Byte 13 of the TCP header: CWR ECE URG ACK PSH RST SYN FIN. */
	f = skb_header_pointer(skb, off + 13, 1, &buf);
	if (!f)
		return false;
	*flags = *f;
	*thoff = off;
	return true;
}

#define TCPOBS_TH_SYN 0x02
#define TCPOBS_TH_ECE 0x40
#define TCPOBS_TH_CWR 0x80

static struct tcpobs_sk_ecn *tcpobs_ecn_sk(struct tcpobs_net *tn,
					   const struct sock *sk)
{
	if (!sk || !sk_fullsock(sk) || sk->sk_protocol != IPPROTO_TCP)
		return NULL;
	return tcpobs_sockets_ecn(tn, sk);
}

/*
 * The established, request or timewait socket an incoming TCP packet is
 * for, with a reference (sock_gen_put()), or NULL.
 */
static struct sock *tcpobs_ecn_lookup(struct sk_buff *skb,
				      const struct nf_hook_state *state,
				      unsigned int thoff)
{
	struct tcphdr buf;
	const struct tcphdr *th;

	th = skb_header_pointer(skb, thoff, sizeof(buf), &buf);
	if (!th)
		return NULL;
	if (state->pf == NFPROTO_IPV6) {
#if IS_ENABLED(CONFIG_IPV6)
		const struct ipv6hdr *ip6 = ipv6_hdr(skb);

		return tcpobs_lookup_established6(state->net, &ip6->saddr,
						  th->source, &ip6->daddr,
						  ntohs(th->dest),
						  inet6_iif(skb),
						  inet6_sdif(skb));
#else
		return NULL;
#endif
	}
	return tcpobs_lookup_established4(state->net, ip_hdr(skb)->saddr,
					  th->source, ip_hdr(skb)->daddr,
					  ntohs(th->dest), inet_iif(skb),
					  inet_sdif(skb));
}

static unsigned int tcpobs_ecn_hook(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct tcpobs_net *tn = priv;
	struct tcpobs_pcpu __percpu *pcpu = READ_ONCE(tn->pcpu);
	bool out = state->hook == NF_INET_LOCAL_OUT;
	unsigned int cp = 0, w, ece = 0, cwr = 0, thoff;
	struct sock *ref = NULL;
	struct tcpobs_sk_ecn *x;
	u8 flags;

	if (!pcpu || !tcpobs_ecn_tcp(skb, state->pf, &flags, &thoff))
		return NF_ACCEPT;
	w = tcpobs_ecn_weight(skb);
	if (!out) {
		cp = tcpobs_ecn_cp(skb, state->pf);
		this_cpu_add(pcpu->ecn_in[state->pf == NFPROTO_IPV6][cp], w);
	}
	if (!(flags & TCPOBS_TH_SYN)) {
		ece = flags & TCPOBS_TH_ECE ? w : 0;
		cwr = flags & TCPOBS_TH_CWR ? 1 : 0;
	}
	if (out) {
		this_cpu_add(pcpu->ece_out, ece);
		this_cpu_add(pcpu->cwr_out, cwr);
	} else {
		this_cpu_add(pcpu->ece_in, ece);
		this_cpu_add(pcpu->cwr_in, cwr);
	}
	/*
	 * A socket's Not-ECT packets are not counted here but derived from
	 * its segs_in, so plain traffic never pays for the socket lookup.
	 */
	if (!cp && !ece && !cwr)
		return NF_ACCEPT;

	rcu_read_lock();
	/* Not demuxed, or to a request socket: found as TCP will find it. */
	if (!out && (!skb->sk || skb->sk->sk_state == TCP_NEW_SYN_RECV))
		ref = tcpobs_ecn_lookup(skb, state, thoff);
	x = tcpobs_ecn_sk(tn, ref ? ref : skb->sk);
	if (x) {
		if (out) {
			atomic64_add(ece, &x->ece_out);
			atomic64_add(cwr, &x->cwr_out);
		} else {
			atomic64_add(w, &x->in[cp]);
			atomic64_add(ece, &x->ece_in);
			atomic64_add(cwr, &x->cwr_in);
		}
	}
	if (ref)
		sock_gen_put(ref);
	rcu_read_unlock();
	return NF_ACCEPT;
}

/* Copied into each namespace's state, whose address is the hooks' priv. */
static const struct nf_hook_ops tcpobs_ecn_ops[TCPOBS_ECN_HOOKS] = {
	{
		.hook = tcpobs_ecn_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP_PRI_LAST,
	},
	{
		.hook = tcpobs_ecn_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_LAST,
	},
	{
		.hook = tcpobs_ecn_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP6_PRI_LAST,
	},
	{
		.hook = tcpobs_ecn_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_LAST,
	},
};

/* The kernel's count of packets received with codepoint @cp. */
static u64 tcpobs_ecn_mib(struct net *net, bool v6, unsigned int cp)
{
	if (v6) {
#if IS_ENABLED(CONFIG_IPV6)
		return tcpobs_mib_fold64(net->mib.ipv6_statistics,
					 IPSTATS_MIB_NOECTPKTS + cp,
					 offsetof(struct ipstats_mib, syncp));
#else
		return 0;
#endif
	}
	return tcpobs_mib_fold64(net->mib.ip_statistics,
				 IPSTATS_MIB_NOECTPKTS + cp,
				 offsetof(struct ipstats_mib, syncp));
}

static void tcpobs_ecn_mib_base(struct net *net, struct tcpobs_net *tn)
{
	unsigned int f, cp;

	for (f = 0; f < 2; f++)
		for (cp = 0; cp < 4; cp++)
			WRITE_ONCE(tn->ecn_mib_base[f][cp], tcpobs_ecn_mib(net, f, cp));
}

static int tcpobs_ecn_net_init(struct net *net, struct tcpobs_net *tn)
{
	unsigned int i, n = IS_ENABLED(CONFIG_IPV6) ? TCPOBS_ECN_HOOKS : 2;

	tcpobs_ecn_mib_base(net, tn);
	for (i = 0; i < n; i++) {
		tn->ecn_ops[i] = tcpobs_ecn_ops[i];
		tn->ecn_ops[i].priv = tn;
	}
	tn->ecn_nops = n;
	return nf_register_net_hooks(net, tn->ecn_ops, n);
}

/*
 * Detaches the hooks. A hook may still be running when this returns (nf
 * frees the old entries with call_rcu, it does not wait): what it reads
 * stays until netns.c's exit_batch, whose synchronize_rcu() comes before
 * any free, so nothing may be freed here.
 */
static void tcpobs_ecn_net_exit(struct net *net, struct tcpobs_net *tn)
{
	nf_unregister_net_hooks(net, tn->ecn_ops, tn->ecn_nops);
}

/* TCPOBS_CMD_RESET: the namespace's codepoints count from now. */
static void tcpobs_ecn_reset(struct net *net, struct tcpobs_net *tn)
{
	tcpobs_ecn_mib_base(net, tn);
}

/* The hooks find no counters (and do nothing) until ->pcpu is set. */
const struct tcpobs_net_feature tcpobs_ecn_feature = {
	.name = "ecn",
	.init = tcpobs_ecn_net_init,
	.exit = tcpobs_ecn_net_exit,
	.reset = tcpobs_ecn_reset,
};

static struct tcpobs_ecn_row *tcpobs_ecn_table_get(struct tcpobs_ecn_table *t,
						   u16 port, bool passive)
{
	u32 key = tcpobs_ecn_key(port, passive);
	unsigned int i = hash_32(key, ilog2(t->size));

	for (;;) {
		struct tcpobs_ecn_row *r = &t->rows[i];

		if (r->sockets && tcpobs_ecn_key(r->port, r->passive) == key)
			return r;
		if (!r->sockets) {
			if (t->n >= t->size / 2)
				return &t->other;
			t->n++;
			r->port = port;
			r->passive = passive;
			return r;
		}
		i = (i + 1) & (t->size - 1);
	}
}

static void tcpobs_ecn_fold_live(void *arg, u16 port, bool passive, bool ecn,
				 const struct tcpobs_sk_ecn *x, u32 delivered_ce)
{
	struct tcpobs_ecn_table *t = arg;

	tcpobs_ecn_row_add(tcpobs_ecn_table_get(t, port, passive), ecn, x,
			   delivered_ce);
}

static void tcpobs_ecn_fold_row(struct tcpobs_ecn_row *dst,
				const struct tcpobs_ecn_row *src)
{
	unsigned int i;

	dst->sockets += src->sockets;
	dst->negotiated += src->negotiated;
	for (i = 0; i < 4; i++)
		dst->in[i] += src->in[i];
	dst->ece_in += src->ece_in;
	dst->ece_out += src->ece_out;
	dst->cwr_in += src->cwr_in;
	dst->cwr_out += src->cwr_out;
	dst->delivered_ce += src->delivered_ce;
}

static void tcpobs_ecn_fold_closed(void *arg, const struct tcpobs_ecn_row *r,
				   bool other)
{
	struct tcpobs_ecn_table *t = arg;

	tcpobs_ecn_fold_row(other ? &t->other :
			    tcpobs_ecn_table_get(t, r->port, r->passive), r);
}

static int tcpobs_ecn_row_cmp(const void *a, const void *b)
{
	const struct tcpobs_ecn_row *x = a, *y = b;

	if (x->sockets != y->sockets)
		return x->sockets ? -1 : 1;	/* empty slots last */
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return (int)y->passive - (int)x->passive;
}

static void tcpobs_ecn_show_row(struct seq_file *seq, const char *side,
				const char *port, const struct tcpobs_ecn_row *r)
{
	seq_printf(seq, "%s %s %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu\n",
		   side, port, r->sockets, r->negotiated, r->in[INET_ECN_CE],
		   r->in[INET_ECN_ECT_0], r->in[INET_ECN_ECT_1],
		   r->in[INET_ECN_NOT_ECT], r->ece_in, r->ece_out, r->cwr_in,
		   r->cwr_out, r->delivered_ce);
}

static const char * const tcpobs_ecn_cp_names[4] = {
	[INET_ECN_NOT_ECT]	= "noect",
	[INET_ECN_ECT_1]	= "ect1",
	[INET_ECN_ECT_0]	= "ect0",
	[INET_ECN_CE]		= "ce",
};

int tcpobs_ecn_counters(struct net *net, struct tcpobs_emit *e)
{
	struct tcpobs_pcpu __percpu *pcpu = tcpobs_pcpu(net);
	u64 in[2][4] = {}, ece_in = 0, ece_out = 0, cwr_in = 0, cwr_out = 0;
	u64 neg = 0, notneg = 0, dce = 0;
	unsigned int i, f;
	int cpu;

	if (!pcpu)
		return 0;
	for_each_possible_cpu(cpu) {
		const struct tcpobs_pcpu *c = per_cpu_ptr(pcpu, cpu);

		for (f = 0; f < 2; f++)
			for (i = 0; i < 4; i++)
				in[f][i] += c->ecn_in[f][i];
		ece_in += c->ece_in;
		ece_out += c->ece_out;
		cwr_in += c->cwr_in;
		cwr_out += c->cwr_out;
		neg += c->ecn_negotiated;
		notneg += c->ecn_not_negotiated;
		dce += c->delivered_ce;
	}
	for (f = 0; f < 2; f++)
		for (i = 0; i < 4; i++)
			tcpobs_emit(e, TCPOBS_A_ECN_STATS_IP_IN_NOECT + 4 * f + i,
				    f ? "ip6_in_" : "ip_in_",
				    tcpobs_ecn_cp_names[i], tcpobs_ecn_mib(net, f, i) -
				    READ_ONCE(tcpobs_net(net)->ecn_mib_base[f][i]));
	for (f = 0; f < 2; f++)
		for (i = 0; i < 4; i++)
			tcpobs_emit(e, TCPOBS_A_ECN_STATS_TCP_IN_NOECT + 4 * f + i,
				    f ? "tcp6_in_" : "tcp_in_",
				    tcpobs_ecn_cp_names[i], in[f][i]);
	tcpobs_emit(e, TCPOBS_A_ECN_STATS_TCP_ECE_IN, "", "tcp_ece_in", ece_in);
	tcpobs_emit(e, TCPOBS_A_ECN_STATS_TCP_ECE_OUT, "", "tcp_ece_out", ece_out);
	tcpobs_emit(e, TCPOBS_A_ECN_STATS_TCP_CWR_IN, "", "tcp_cwr_in", cwr_in);
	tcpobs_emit(e, TCPOBS_A_ECN_STATS_TCP_CWR_OUT, "", "tcp_cwr_out", cwr_out);
	tcpobs_emit(e, TCPOBS_A_ECN_STATS_NEGOTIATED, "", "negotiated", neg);
	tcpobs_emit(e, TCPOBS_A_ECN_STATS_NOT_NEGOTIATED, "", "not_negotiated", notneg);
	tcpobs_emit(e, TCPOBS_A_ECN_STATS_DELIVERED_CE, "", "delivered_ce", dce);
	return e->err;
}

/*
 * The per-service rows: closed sockets' rows plus the live sockets, sorted
 * by port, in @t (freed with tcpobs_ecn_rows_free()). The "other" row is
 * t->other.
 */
int tcpobs_ecn_rows(struct net *net, struct tcpobs_ecn_table *t)
{
	struct tcpobs_net *tn = tcpobs_net(net);
	unsigned int want;

	/*
	 * Room for the rows the namespace holds now (closed sockets' ports,
	 * live sockets) and some that may come meanwhile, never more than the
	 * cap: a reader of a quiet namespace allocates and sorts a few rows,
	 * not the cap's thousands. Rows beyond half the table fold into
	 * "other".
	 */
	want = tcpobs_ecn_ports_count(tn) + atomic_read(&tn->sockets.nelems) + 64;
	want = min(want, tcpobs_ecn_ports_max() + 64);
	memset(t, 0, sizeof(*t));
	t->size = roundup_pow_of_two(2 * want);
	t->rows = kvcalloc(t->size, sizeof(*t->rows), GFP_KERNEL);
	if (!t->rows)
		return -ENOMEM;
	tcpobs_ecn_ports_read(tn, tcpobs_ecn_fold_closed, t);
	tcpobs_sockets_for_each(tn, tcpobs_ecn_fold_live, t);
	sort(t->rows, t->size, sizeof(*t->rows), tcpobs_ecn_row_cmp, NULL);
	for (t->n = 0; t->n < t->size && t->rows[t->n].sockets; t->n++)
		;
	return 0;
}

void tcpobs_ecn_rows_free(struct tcpobs_ecn_table *t)
{
	kvfree(t->rows);
	t->rows = NULL;
}

int tcpobs_ecn_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	struct tcpobs_ecn_table t;
	unsigned int i;
	char port[8];
	int err;

	if (!tcpobs_pcpu(net))
		return 0;
	tcpobs_emit_seq(seq, tcpobs_ecn_counters, net);
	err = tcpobs_ecn_rows(net, &t);
	if (err)
		return err;
	seq_puts(seq, "\nside port sockets negotiated ce ect0 ect1 noect ece_in ece_out cwr_in cwr_out delivered_ce\n");
	for (i = 0; i < t.n; i++) {
		snprintf(port, sizeof(port), "%u", t.rows[i].port);
		tcpobs_ecn_show_row(seq, t.rows[i].passive ? "local" : "peer",
				    port, &t.rows[i]);
	}
	if (t.other.sockets)
		tcpobs_ecn_show_row(seq, "-", "other", &t.other);
	tcpobs_ecn_rows_free(&t);
	return 0;
}
