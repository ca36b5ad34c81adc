// SPDX-License-Identifier: GPL-2.0
/*
 * The TIME_WAIT inventory: how many timewait minisockets each namespace
 * holds, and whose they are (local port, peer port, peer address) and how
 * long they have waited, kept as aggregate counters: nothing is stored per
 * timewait socket, whatever their number.
 *
 * The state tracepoint never sees TIME-WAIT: the full socket goes to CLOSE
 * while a minisock takes over. Two probes follow the minisocks instead:
 *
 *   __inet_twsk_schedule (kretprobe)  rearm == false: a minisock enters
 *                 TIME_WAIT, with its timer armed (both kernels call it
 *                 once per minisock, where TcpExtTW or TcpExtTWKilled is
 *                 counted); rearm == true: its timer is pushed back (a
 *                 retransmitted FIN, or FIN-WAIT-2 -> TIME-WAIT)
 *   inet_twsk_kill (kprobe)           a minisock leaves (timer expiry, port
 *                 reuse, namespace teardown), where the kernel drops its
 *                 tw_refcount
 *
 * Ages come from the timers: each namespace keeps a ring of counters, one
 * per second of timer expiry, moved when a timer is re-armed. A TIME-WAIT
 * timer is always armed to TCP_TIMEWAIT_LEN, so the time waited is
 * TCP_TIMEWAIT_LEN minus the time left.
 *
 * Failures to make a minisock (tcp_max_tw_buckets reached, no memory) are
 * the kernel's own TcpExtTCPTimeWaitOverflow, counted exactly where they
 * happen: tcpobs reports its increase since it started counting the
 * namespace rather than probing for it.
 *
 * Minisocks that existed before tcpobs started counting a namespace are
 * not in the breakdown; they show as "untracked" (the kernel's own count
 * minus ours) and drain within a minute.
 */
#include <linux/jiffies.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <net/inet_timewait_sock.h>
#include <net/ipv6.h>
#include <net/ip.h>
#include <net/tcp.h>

#include "timewait.h"
#include "compat.h"
#include "features.h"
#include "format.h"
#include "netns.h"
#include "uapi/linux/tcpobs.h"

static unsigned int max_tw_keys = 16384;
module_param(max_tw_keys, uint, 0444);
MODULE_PARM_DESC(max_tw_keys, "Most distinct ports and peers in a namespace's TIME_WAIT breakdown (default 16384)");

static unsigned int tw_top = 10;
module_param(tw_top, uint, 0644);
MODULE_PARM_DESC(tw_top, "Rows per table in /proc/net/tcpobs/timewait (default 10, at most 64)");

struct tcpobs_twkey {
	struct hlist_node node;
	struct rcu_head rcu;
	long count;
	struct in6_addr addr;
	u16 port;
	u8 kind;
	u8 family;
};

static const char * const tcpobs_twkey_names[TCPOBS_TWK_MAX] = {
	[TCPOBS_TWK_LPORT]	= "local_port",
	[TCPOBS_TWK_RPORT]	= "peer_port",
	[TCPOBS_TWK_PEER]	= "peer",
};

/* A TCP minisock of a namespace tcpobs counts, or NULL. */
static struct tcpobs_tw *tcpobs_tw_of(const struct inet_timewait_sock *tw,
				      struct tcpobs_pcpu __percpu **pcpu)
{
	struct net *net = twsk_net(tw);
	struct tcpobs_net *tn;

	/* TCP's minisocks belong to the namespace's TCP death row. */
	if (tw->tw_dr != &net->ipv4.tcp_death_row)
		return NULL;
	tn = tcpobs_net_counted(net, pcpu);
	return tn ? &tn->tw : NULL;
}

static void tcpobs_twkey_fill(struct tcpobs_twkey *k, unsigned int kind,
			      const struct inet_timewait_sock *tw)
{
	memset(k, 0, sizeof(*k));
	k->kind = kind;
	switch (kind) {
	case TCPOBS_TWK_LPORT:
		k->port = tw->tw_num;
		break;
	case TCPOBS_TWK_RPORT:
		k->port = ntohs(tw->tw_dport);
		break;
	default:
		k->family = tw->tw_family;
#if IS_ENABLED(CONFIG_IPV6)
		if (tw->tw_family == AF_INET6) {
			k->addr = tw->tw_v6_daddr;
			break;
		}
#endif
		ipv6_addr_set_v4mapped(tw->tw_daddr, &k->addr);
		break;
	}
}

static u32 tcpobs_twkey_hash(const struct tcpobs_twkey *k)
{
	return jhash2((const u32 *)&k->addr, 4,
		      (u32)k->port << 16 | (u32)k->kind << 8 | k->family);
}

static struct tcpobs_twkey *tcpobs_twkey_find(struct tcpobs_tw *t,
					      const struct tcpobs_twkey *k,
					      u32 hash)
{
	struct tcpobs_twkey *e;

	hlist_for_each_entry(e, &t->keys[hash % TCPOBS_TW_KEY_BUCKETS], node)
		if (e->kind == k->kind && e->port == k->port &&
		    e->family == k->family && ipv6_addr_equal(&e->addr, &k->addr))
			return e;
	return NULL;
}

/* Counts one minisock in (delta 1) or out (-1) of its three keys. */
static void tcpobs_tw_keys(struct tcpobs_tw *t, struct tcpobs_pcpu __percpu *pcpu,
			   const struct inet_timewait_sock *tw, int delta)
{
	struct tcpobs_twkey k[TCPOBS_TWK_MAX], *e;
	u32 hash[TCPOBS_TWK_MAX];
	unsigned long flags;
	unsigned int kind;

	for (kind = 0; kind < TCPOBS_TWK_MAX; kind++) {
		tcpobs_twkey_fill(&k[kind], kind, tw);
		hash[kind] = tcpobs_twkey_hash(&k[kind]);
	}
	/* One lock hold for the three keys: once per minisock, not per packet. */
	spin_lock_irqsave(&t->lock, flags);
	for (kind = 0; kind < TCPOBS_TWK_MAX; kind++) {
		struct hlist_head *b = &t->keys[hash[kind] % TCPOBS_TW_KEY_BUCKETS];

		e = tcpobs_twkey_find(t, &k[kind], hash[kind]);
		if (delta > 0) {
			if (!e && t->nkeys < max_tw_keys) {
				e = kmalloc(sizeof(*e), GFP_ATOMIC);
				if (e) {
					*e = k[kind];
					hlist_add_head_rcu(&e->node, b);
					t->nkeys++;
				}
			}
			if (e)
				e->count++;
			else
				this_cpu_inc(pcpu->tw_keys_full);
		} else if (e && --e->count == 0) {
			hlist_del_rcu(&e->node);
			t->nkeys--;
			kfree_rcu(e, rcu);
		}
	}
	spin_unlock_irqrestore(&t->lock, flags);
}

struct tcpobs_tw_sched {
	struct inet_timewait_sock *tw;
	unsigned long old_expires;
	bool rearm;
	bool was_pending;
};

static int tcpobs_tw_sched_entry(struct kretprobe_instance *ri,
				 struct pt_regs *regs)
{
	struct tcpobs_tw_sched *d = (struct tcpobs_tw_sched *)ri->data;
	struct inet_timewait_sock *tw;

	tw = (struct inet_timewait_sock *)regs_get_kernel_argument(regs, 0);
	d->tw = tw;
	d->rearm = !!(u8)regs_get_kernel_argument(regs, 2);
	if (d->rearm) {
		d->was_pending = timer_pending(&tw->tw_timer);
		d->old_expires = READ_ONCE(tw->tw_timer.expires);
	}
	return 0;
}

/* The minisock is still referenced by its caller here. */
static int tcpobs_tw_sched_return(struct kretprobe_instance *ri,
				  struct pt_regs *regs)
{
	struct tcpobs_tw_sched *d = (struct tcpobs_tw_sched *)ri->data;
	struct tcpobs_pcpu __percpu *pcpu;
	unsigned long expires;
	struct tcpobs_tw *t;
	unsigned int old, new;

	t = tcpobs_tw_of(d->tw, &pcpu);
	if (!t)
		return 0;
	expires = READ_ONCE(d->tw->tw_timer.expires);
	new = tcpobs_tw_slot(expires);

	if (!d->rearm) {
		this_cpu_inc(pcpu->tw_entries);
		atomic_long_inc(&t->slots[new]);
		tcpobs_tw_keys(t, pcpu, d->tw, 1);
		return 0;
	}
	this_cpu_inc(pcpu->tw_rearms);
	old = tcpobs_tw_slot(d->old_expires);
	/* Move only what was counted: a pending timer, now elsewhere. */
	if (!d->was_pending || old == new)
		return 0;
	if (atomic_long_dec_if_positive(&t->slots[old]) >= 0)
		atomic_long_inc(&t->slots[new]);
	return 0;
}

static int tcpobs_tw_kill_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct inet_timewait_sock *tw;
	struct tcpobs_pcpu __percpu *pcpu;
	struct tcpobs_tw *t;
	unsigned int slot;

	tw = (struct inet_timewait_sock *)regs_get_kernel_argument(regs, 0);
	t = tcpobs_tw_of(tw, &pcpu);
	if (!t)
		return 0;
	this_cpu_inc(pcpu->tw_exits);
	slot = tcpobs_tw_slot(READ_ONCE(tw->tw_timer.expires));
	/* Not counted on entry: it predates tcpobs. */
	if (atomic_long_dec_if_positive(&t->slots[slot]) < 0) {
		this_cpu_inc(pcpu->tw_exits_untracked);
		return 0;
	}
	tcpobs_tw_keys(t, pcpu, tw, -1);
	return 0;
}

static struct tcpobs_krp tcpobs_tw_krps[] = {
	{
		.krp = {
			.kp.symbol_name = "__inet_twsk_schedule",
			.entry_handler = tcpobs_tw_sched_entry,
			.handler = tcpobs_tw_sched_return,
			.data_size = sizeof(struct tcpobs_tw_sched),
		},
		.feat = TCPOBS_FEAT_TIMEWAIT,
	},
};

static struct kretprobe *tcpobs_tw_krp_ptrs[ARRAY_SIZE(tcpobs_tw_krps)];
static unsigned int tcpobs_tw_krp_nreg;

static struct kprobe tcpobs_tw_kill_kp = {
	.symbol_name = "inet_twsk_kill",
	.pre_handler = tcpobs_tw_kill_pre,
};

static bool tcpobs_tw_kill_registered;

/*
 * Exits first: a minisock counted in is always counted out. Without the
 * exit probe nothing is counted in (the inventory would only grow); a
 * probe that cannot attach degrades the TIME-WAIT feature, not the load.
 */
int tcpobs_timewait_init(void)
{
	if (tcpobs_kprobe_register(&tcpobs_tw_kill_kp, TCPOBS_FEAT_TIMEWAIT))
		return 0;
	tcpobs_tw_kill_registered = true;
	return tcpobs_krps_register(tcpobs_tw_krps, ARRAY_SIZE(tcpobs_tw_krps),
				    tcpobs_tw_krp_ptrs, &tcpobs_tw_krp_nreg);
}

void tcpobs_timewait_exit(void)
{
	tcpobs_krps_unregister(tcpobs_tw_krp_ptrs, tcpobs_tw_krp_nreg);
	if (tcpobs_tw_kill_registered)
		unregister_kprobe(&tcpobs_tw_kill_kp);
	tcpobs_tw_kill_registered = false;
}

unsigned long tcpobs_timewait_missed(void)
{
	unsigned long missed = tcpobs_tw_kill_kp.nmissed;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tcpobs_tw_krps); i++)
		missed += tcpobs_tw_krps[i].krp.nmissed +
			  tcpobs_tw_krps[i].krp.kp.nmissed;
	return missed;
}

static unsigned long tcpobs_tw_overflow_mib(struct net *net)
{
	return tcpobs_mib_fold(net->mib.net_statistics,
			       LINUX_MIB_TCPTIMEWAITOVERFLOW);
}

static int tcpobs_timewait_net_init(struct net *net, struct tcpobs_net *tn)
{
	spin_lock_init(&tn->tw.lock);
	tn->tw_overflow_base = tcpobs_tw_overflow_mib(net);
	return 0;
}

static void tcpobs_timewait_reset(struct net *net, struct tcpobs_net *tn)
{
	WRITE_ONCE(tn->tw_overflow_base, tcpobs_tw_overflow_mib(net));
}

/* After every probe that could reach the keys is done (RCU grace period). */
static void tcpobs_timewait_net_free(struct tcpobs_net *tn)
{
	struct tcpobs_tw *t = &tn->tw;
	struct tcpobs_twkey *e;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < TCPOBS_TW_KEY_BUCKETS; i++) {
		hlist_for_each_entry_safe(e, tmp, &t->keys[i], node) {
			hlist_del(&e->node);
			kfree(e);
		}
	}
	t->nkeys = 0;
}

const struct tcpobs_net_feature tcpobs_timewait_feature = {
	.name = "timewait",
	.init = tcpobs_timewait_net_init,
	.free = tcpobs_timewait_net_free,
	.reset = tcpobs_timewait_reset,
};

/*
 * The @want (at most TCPOBS_TW_TOP_MAX) largest rows of a table, largest
 * first, into @top; returns how many.
 */
unsigned int tcpobs_timewait_top(struct net *net, unsigned int kind,
				 unsigned int want, struct tcpobs_tw_row *top)
{
	struct tcpobs_tw *t = &tcpobs_net(net)->tw;
	struct tcpobs_tw_row *r;
	struct tcpobs_twkey *e;
	unsigned int n = 0, i;

	want = min_t(unsigned int, want, TCPOBS_TW_TOP_MAX);
	rcu_read_lock();
	for (i = 0; i < TCPOBS_TW_KEY_BUCKETS; i++) {
		hlist_for_each_entry_rcu(e, &t->keys[i], node) {
			long c = READ_ONCE(e->count);

			if (e->kind != kind || c <= 0)
				continue;
			r = tcpobs_tw_top_insert(top, &n, want, c);
			if (!r)
				continue;
			r->port = e->port;
			r->addr = e->addr;
			r->family = e->family;
		}
	}
	rcu_read_unlock();
	return n;
}

unsigned int tcpobs_timewait_default_top(void)
{
	return min_t(unsigned int, READ_ONCE(tw_top), TCPOBS_TW_TOP_MAX);
}

static void tcpobs_tw_show_keys(struct seq_file *seq, struct net *net,
				unsigned int kind, long tracked)
{
	struct tcpobs_tw_row *top;
	unsigned int n = 0, i;
	long shown = 0;

	top = kmalloc_array(TCPOBS_TW_TOP_MAX, sizeof(*top), GFP_KERNEL);
	if (top)
		n = tcpobs_timewait_top(net, kind, tcpobs_timewait_default_top(), top);

	seq_printf(seq, "\n%s count\n", tcpobs_twkey_names[kind]);
	for (i = 0; i < n; i++) {
		if (kind != TCPOBS_TWK_PEER)
			seq_printf(seq, "%u", top[i].port);
		else if (top[i].family == AF_INET)
			seq_printf(seq, "%pI4", &top[i].addr.s6_addr32[3]);
		else
			seq_printf(seq, "%pI6c", &top[i].addr);
		seq_printf(seq, " %ld\n", top[i].count);
		shown += top[i].count;
	}
	seq_printf(seq, "other %ld\n", max(tracked - shown, 0L));
	kfree(top);
}

struct tcpobs_tw_sums {
	u64 entries, exits, rearms, full, untracked;
	long ages[TCPOBS_TW_AGE_BUCKETS];
	long tracked;
};

static void tcpobs_tw_sum(struct net *net, struct tcpobs_pcpu __percpu *pcpu,
			  struct tcpobs_tw_sums *s)
{
	struct tcpobs_tw *t = &tcpobs_net(net)->tw;
	unsigned long now = jiffies;
	unsigned int i;
	int cpu;

	memset(s, 0, sizeof(*s));
	for_each_possible_cpu(cpu) {
		const struct tcpobs_pcpu *p = per_cpu_ptr(pcpu, cpu);

		s->entries += p->tw_entries;
		s->exits += p->tw_exits;
		s->rearms += p->tw_rearms;
		s->full += p->tw_keys_full;
		s->untracked += p->tw_exits_untracked;
	}
	for (i = 0; i < TCPOBS_TW_SLOTS; i++) {
		long c = atomic_long_read(&t->slots[i]);
		unsigned int b;

		if (c <= 0)
			continue;
		b = tcpobs_tw_age_bucket(tcpobs_tw_age(tcpobs_tw_left(i, now)));
		s->ages[b] += c;
		s->tracked += c;
	}
}

int tcpobs_timewait_counters(struct net *net, struct tcpobs_emit *e)
{
	struct tcpobs_pcpu __percpu *pcpu = tcpobs_pcpu(net);
	struct tcpobs_tw_sums s;
	int kernel;

	if (!pcpu)
		return 0;
	tcpobs_tw_sum(net, pcpu, &s);
	kernel = tcpobs_tw_kernel_count(net);

	tcpobs_emit(e, TCPOBS_A_TIMEWAIT_STATS_TW, "", "tw", kernel);
	tcpobs_emit(e, TCPOBS_A_TIMEWAIT_STATS_TRACKED, "", "tracked", s.tracked);
	tcpobs_emit(e, TCPOBS_A_TIMEWAIT_STATS_UNTRACKED, "", "untracked",
		    max(kernel - s.tracked, 0L));
	tcpobs_emit(e, TCPOBS_A_TIMEWAIT_STATS_ENTRIES, "", "entries", s.entries);
	tcpobs_emit(e, TCPOBS_A_TIMEWAIT_STATS_EXITS, "", "exits", s.exits);
	tcpobs_emit(e, TCPOBS_A_TIMEWAIT_STATS_EXITS_UNTRACKED, "", "exits_untracked", s.untracked);
	tcpobs_emit(e, TCPOBS_A_TIMEWAIT_STATS_REARMS, "", "rearms", s.rearms);
	tcpobs_emit(e, TCPOBS_A_TIMEWAIT_STATS_OVERFLOWS, "", "overflows",
		    tcpobs_tw_overflow_mib(net) -
		    READ_ONCE(tcpobs_net(net)->tw_overflow_base));
	tcpobs_emit(e, TCPOBS_A_TIMEWAIT_STATS_KEYS, "", "keys",
		    READ_ONCE(tcpobs_net(net)->tw.nkeys));
	tcpobs_emit(e, TCPOBS_A_TIMEWAIT_STATS_KEYS_FULL, "", "keys_full", s.full);
	tcpobs_emit(e, TCPOBS_A_TIMEWAIT_STATS_KPROBE_MISSED, "", "kprobe_missed",
		    tcpobs_timewait_missed());
	return e->err;
}

/* For netlink: the tracked count and the age buckets. */
long tcpobs_timewait_ages(struct net *net, long ages[TCPOBS_TW_AGE_BUCKETS])
{
	struct tcpobs_pcpu __percpu *pcpu = tcpobs_pcpu(net);
	struct tcpobs_tw_sums s;

	if (!pcpu)
		return 0;
	tcpobs_tw_sum(net, pcpu, &s);
	memcpy(ages, s.ages, sizeof(s.ages));
	return s.tracked;
}

int tcpobs_timewait_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	struct tcpobs_pcpu __percpu *pcpu = tcpobs_pcpu(net);
	struct tcpobs_tw_sums s;
	unsigned int i, kind;
	u32 from, to;

	if (!pcpu)
		return 0;
	tcpobs_emit_seq(seq, tcpobs_timewait_counters, net);
	tcpobs_tw_sum(net, pcpu, &s);

	for (kind = 0; kind < TCPOBS_TWK_MAX; kind++)
		tcpobs_tw_show_keys(seq, net, kind, s.tracked);

	seq_puts(seq, "\nage count\n");
	for (i = 0; i < TCPOBS_TW_AGE_BUCKETS; i++) {
		tcpobs_timewait_age_bounds(i, &from, &to);
		if (to)
			seq_printf(seq, "%us-%us %ld\n", from, to, s.ages[i]);
		else
			seq_printf(seq, "%us+ %ld\n", from, s.ages[i]);
	}
	return 0;
}
