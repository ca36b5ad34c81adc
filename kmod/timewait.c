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
 * FIN-WAIT-2 minisocks (an orphaned socket waiting for its peer's FIN) are
 * armed to tcp_fin_timeout instead, and have a ring of their own; one that
 * gets its FIN moves to the TIME-WAIT ring when its timer is re-armed.
 *
 * The breakdown keys (local port, peer port, peer address) are in a hash
 * table per namespace, hashed with hsiphash under a secret drawn at load:
 * a peer cannot choose addresses that share a chain. The table doubles
 * (a work item, never in a probe) when it holds more keys than chains, so
 * a probe walks one short chain; it never allocates while holding the
 * table's lock (which it takes with interrupts off).
 *
 * Self-repair: every repair_interval / 2 seconds a checker compares each
 * namespace's totals with the kernel's (tw_refcount) and the keys' sums
 * with the totals. A difference seen twice in a row (a missed probe, a
 * re-arm racing the timer, minisocks older than tcpobs) is repaired: the
 * rings and the keys are rebuilt from the kernel's established hash, and
 * the repair is counted (repairs, repaired). Minisocks that existed before
 * tcpobs started counting a namespace show as "untracked" (the kernel's
 * own count minus ours) until then.
 */
#include <linux/jiffies.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/random.h>
#include <linux/siphash.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <net/inet_hashtables.h>
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

/* What a key is: compared and hashed as a whole (no padding). */
struct tcpobs_twkey_id {
	struct in6_addr addr;
	u16 port;
	u8 kind;
	u8 family;
};

struct tcpobs_twkey {
	struct hlist_node node;
	struct rcu_head rcu;
	long count;		/* under the table's lock */
	u32 hash;
	struct tcpobs_twkey_id id;
};

/* A key table: 1 << bits chains. */
struct tcpobs_twtab {
	unsigned int bits;
	struct hlist_head chain[];
};

#define TCPOBS_TW_MIN_BITS 4

static hsiphash_key_t tcpobs_tw_secret __read_mostly;

/* Resizes and repairs, the list of namespaces the checker visits. */
static DEFINE_MUTEX(tcpobs_tw_mutex);
static LIST_HEAD(tcpobs_tw_nets);
static void tcpobs_tw_check(struct work_struct *work);
static DECLARE_DELAYED_WORK(tcpobs_tw_check_work, tcpobs_tw_check);

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

static void tcpobs_twkey_fill(struct tcpobs_twkey_id *k, unsigned int kind,
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

static u32 tcpobs_twkey_hash(const struct tcpobs_twkey_id *k)
{
	BUILD_BUG_ON(sizeof(*k) != 20);
	return hsiphash(k, sizeof(*k), &tcpobs_tw_secret);
}

static bool tcpobs_twkey_eq(const struct tcpobs_twkey_id *a,
			    const struct tcpobs_twkey_id *b)
{
	return a->kind == b->kind && a->port == b->port &&
	       a->family == b->family && ipv6_addr_equal(&a->addr, &b->addr);
}

static struct hlist_head *tcpobs_twtab_chain(struct tcpobs_twtab *tab, u32 hash)
{
	return &tab->chain[hash >> (32 - tab->bits)];
}

/* Under RCU or the table's lock. */
static struct tcpobs_twkey *tcpobs_twkey_find(struct tcpobs_twtab *tab,
					      const struct tcpobs_twkey_id *k,
					      u32 hash)
{
	struct tcpobs_twkey *e;

	hlist_for_each_entry_rcu(e, tcpobs_twtab_chain(tab, hash), node)
		if (e->hash == hash && tcpobs_twkey_eq(&e->id, k))
			return e;
	return NULL;
}

static struct tcpobs_twtab *tcpobs_twtab_alloc(unsigned int bits, gfp_t gfp)
{
	struct tcpobs_twtab *tab;

	tab = kvzalloc(struct_size(tab, chain, 1UL << bits), gfp);
	if (tab)
		tab->bits = bits;
	return tab;
}

/* Frees a table no probe or reader can reach any more, and its keys. */
static void tcpobs_twtab_free(struct tcpobs_twtab *tab)
{
	struct tcpobs_twkey *e;
	struct hlist_node *tmp;
	unsigned long i;

	if (!tab)
		return;
	for (i = 0; i < 1UL << tab->bits; i++) {
		hlist_for_each_entry_safe(e, tmp, &tab->chain[i], node) {
			hlist_del(&e->node);
			kfree(e);
		}
	}
	kvfree(tab);
}

/* Makes @e key @k (hash @hash), count 0, in its chain of @tab. */
static void tcpobs_twkey_link(struct tcpobs_twtab *tab, struct tcpobs_twkey *e,
			      const struct tcpobs_twkey_id *k, u32 hash)
{
	e->id = *k;
	e->hash = hash;
	e->count = 0;
	hlist_add_head_rcu(&e->node, tcpobs_twtab_chain(tab, hash));
}

/* The size for @nkeys keys: at least one chain per key. */
static unsigned int tcpobs_twtab_bits(unsigned long nkeys)
{
	unsigned int bits = TCPOBS_TW_MIN_BITS;

	nkeys = min_t(unsigned long, nkeys, READ_ONCE(max_tw_keys));
	while (bits < 20 && (1UL << bits) < nkeys)
		bits++;
	return bits;
}

/*
 * Counts one minisock in (delta 1) or out (-1) of its three keys. A key
 * that must be made is allocated before the lock is taken, and a key
 * whose count falls to 0 freed after it is released.
 */
static void tcpobs_tw_keys(struct tcpobs_tw *t, struct tcpobs_pcpu __percpu *pcpu,
			   const struct inet_timewait_sock *tw, int delta)
{
	struct tcpobs_twkey *spare[TCPOBS_TWK_MAX] = {}, *dead[TCPOBS_TWK_MAX] = {};
	bool nomem[TCPOBS_TWK_MAX] = {};
	struct tcpobs_twkey_id k[TCPOBS_TWK_MAX];
	u32 hash[TCPOBS_TWK_MAX];
	struct tcpobs_twtab *tab;
	bool resize = false;
	unsigned long flags;
	unsigned int kind;

	for (kind = 0; kind < TCPOBS_TWK_MAX; kind++) {
		tcpobs_twkey_fill(&k[kind], kind, tw);
		hash[kind] = tcpobs_twkey_hash(&k[kind]);
	}
	if (delta > 0) {
		/* Probes run with preemption off: an RCU read-side section. */
		tab = rcu_dereference_sched(t->tab);
		for (kind = 0; kind < TCPOBS_TWK_MAX; kind++) {
			if (tcpobs_twkey_find(tab, &k[kind], hash[kind]) ||
			    READ_ONCE(t->nkeys) >= READ_ONCE(max_tw_keys))
				continue;
			spare[kind] = kmalloc(sizeof(*spare[kind]), GFP_ATOMIC);
			nomem[kind] = !spare[kind];
		}
	}

	/* One lock hold for the three keys: once per minisock, not per packet. */
	spin_lock_irqsave(&t->lock, flags);
	tab = rcu_dereference_protected(t->tab, lockdep_is_held(&t->lock));
	for (kind = 0; kind < TCPOBS_TWK_MAX; kind++) {
		struct tcpobs_twkey *e = tcpobs_twkey_find(tab, &k[kind], hash[kind]);

		if (delta > 0) {
			if (!e && spare[kind] && t->nkeys < READ_ONCE(max_tw_keys)) {
				e = spare[kind];
				spare[kind] = NULL;
				tcpobs_twkey_link(tab, e, &k[kind], hash[kind]);
				t->nkeys++;
			}
			if (e) {
				e->count++;
				t->ksum[kind]++;
			} else {
				/* In "other": counted, never silently lost. */
				t->unkeyed[kind]++;
				this_cpu_inc(pcpu->tw_keys_full);
				if (nomem[kind])
					this_cpu_inc(pcpu->alloc_failed);
			}
		} else if (e) {
			t->ksum[kind]--;
			if (--e->count == 0) {
				hlist_del_rcu(&e->node);
				t->nkeys--;
				dead[kind] = e;
			}
		} else if (t->unkeyed[kind] > 0) {
			t->unkeyed[kind]--;
		} else {
			/* Counted in without this key: repaired later. */
			this_cpu_inc(pcpu->tw_key_misses);
		}
	}
	if (t->nkeys > 1U << tab->bits && !t->resize_queued &&
	    tab->bits < tcpobs_twtab_bits(t->nkeys)) {
		t->resize_queued = true;
		resize = true;
	}
	spin_unlock_irqrestore(&t->lock, flags);

	for (kind = 0; kind < TCPOBS_TWK_MAX; kind++) {
		kfree(spare[kind]);
		if (dead[kind])
			kfree_rcu(dead[kind], rcu);
	}
	if (resize)
		queue_work(system_unbound_wq, &t->resize_work);
}

/*
 * Moves every key of @t into @new and publishes it; returns the old table,
 * to be freed after an RCU grace period. Readers walking a chain while its
 * keys move may miss or repeat keys: they retry on t->moving.
 */
static struct tcpobs_twtab *tcpobs_twtab_move(struct tcpobs_tw *t,
					      struct tcpobs_twtab *new)
{
	struct tcpobs_twtab *old;
	struct tcpobs_twkey *e;
	struct hlist_node *tmp;
	unsigned long flags, i;

	spin_lock_irqsave(&t->lock, flags);
	write_seqcount_begin(&t->moving);
	old = rcu_dereference_protected(t->tab, lockdep_is_held(&t->lock));
	for (i = 0; i < 1UL << old->bits; i++) {
		hlist_for_each_entry_safe(e, tmp, &old->chain[i], node) {
			hlist_del_rcu(&e->node);
			hlist_add_head_rcu(&e->node, tcpobs_twtab_chain(new, e->hash));
		}
	}
	rcu_assign_pointer(t->tab, new);
	t->resize_queued = false;
	write_seqcount_end(&t->moving);
	spin_unlock_irqrestore(&t->lock, flags);
	return old;
}

/* Doubles (or more) a namespace's key table: process context. */
static void tcpobs_tw_resize(struct work_struct *work)
{
	struct tcpobs_tw *t = container_of(work, struct tcpobs_tw, resize_work);
	struct tcpobs_twtab *new, *old;
	unsigned int bits;

	mutex_lock(&tcpobs_tw_mutex);
	bits = tcpobs_twtab_bits(READ_ONCE(t->nkeys));
	new = tcpobs_twtab_alloc(bits, GFP_KERNEL);
	if (!new) {
		/* The chains stay longer; the next key asks again. */
		WRITE_ONCE(t->resize_queued, false);
		mutex_unlock(&tcpobs_tw_mutex);
		return;
	}
	old = tcpobs_twtab_move(t, new);
	mutex_unlock(&tcpobs_tw_mutex);
	synchronize_rcu();
	kvfree(old);
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

/* The ring a minisock's timer is counted in, by its substate. */
static atomic_long_t *tcpobs_tw_ring(struct tcpobs_tw *t,
				     const struct inet_timewait_sock *tw)
{
	return READ_ONCE(tw->tw_substate) == TCP_FIN_WAIT2 ? t->fw2_slots : t->slots;
}

/* The minisock is still referenced by its caller here. */
static int tcpobs_tw_sched_return(struct kretprobe_instance *ri,
				  struct pt_regs *regs)
{
	struct tcpobs_tw_sched *d = (struct tcpobs_tw_sched *)ri->data;
	struct tcpobs_pcpu __percpu *pcpu;
	atomic_long_t *ring;
	unsigned long expires;
	struct tcpobs_tw *t;
	unsigned int old, new;

	t = tcpobs_tw_of(d->tw, &pcpu);
	if (!t)
		return 0;
	expires = READ_ONCE(d->tw->tw_timer.expires);
	new = tcpobs_tw_slot(expires);
	ring = tcpobs_tw_ring(t, d->tw);

	if (!d->rearm) {
		this_cpu_inc(pcpu->tw_entries);
		atomic_long_inc(&ring[new]);
		tcpobs_tw_keys(t, pcpu, d->tw, 1);
		return 0;
	}
	this_cpu_inc(pcpu->tw_rearms);
	old = tcpobs_tw_slot(d->old_expires);
	/* Move only what was counted: a pending timer, now elsewhere. */
	if (!d->was_pending)
		return 0;
	/*
	 * FIN-WAIT-2 -> TIME-WAIT: the substate changed before the timer
	 * was re-armed, so the old ring is FIN-WAIT-2's if it holds the slot.
	 */
	if (ring == t->slots && atomic_long_dec_if_positive(&t->fw2_slots[old]) >= 0) {
		atomic_long_inc(&ring[new]);
		return 0;
	}
	if (old != new && atomic_long_dec_if_positive(&ring[old]) >= 0)
		atomic_long_inc(&ring[new]);
	return 0;
}

static int tcpobs_tw_kill_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct inet_timewait_sock *tw;
	struct tcpobs_pcpu __percpu *pcpu;
	struct tcpobs_tw *t;
	atomic_long_t *ring;
	unsigned int slot;

	tw = (struct inet_timewait_sock *)regs_get_kernel_argument(regs, 0);
	t = tcpobs_tw_of(tw, &pcpu);
	if (!t)
		return 0;
	this_cpu_inc(pcpu->tw_exits);
	slot = tcpobs_tw_slot(READ_ONCE(tw->tw_timer.expires));
	ring = tcpobs_tw_ring(t, tw);
	/*
	 * Not counted on entry: it predates tcpobs (or its entry was
	 * missed). Its keys are left alone; the checker repairs them if
	 * they were counted after all.
	 */
	if (atomic_long_dec_if_positive(&ring[slot]) < 0 &&
	    atomic_long_dec_if_positive(&(ring == t->slots ? t->fw2_slots :
					  t->slots)[slot]) < 0) {
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

/* The namespace's TIME-WAIT and FIN-WAIT-2 minisocks tcpobs counts. */
static long tcpobs_tw_tracked(struct tcpobs_tw *t)
{
	long n = 0;
	unsigned int i;

	for (i = 0; i < TCPOBS_TW_SLOTS; i++)
		n += atomic_long_read(&t->slots[i]) + atomic_long_read(&t->fw2_slots[i]);
	return n;
}

/*
 * Whether @t disagrees with the kernel: its total with the kernel's count
 * of the namespace's minisocks, or a kind of key's sum (with the minisocks
 * that have no key of that kind) with its total. Probes running meanwhile
 * can make either differ for an instant; the checker repairs only what it
 * sees twice in a row.
 */
static long tcpobs_tw_disagrees(struct net *net, struct tcpobs_tw *t)
{
	long tracked = tcpobs_tw_tracked(t);
	long diff = tcpobs_tw_kernel_count(net) - tracked;
	unsigned long flags;
	unsigned int kind;

	if (diff)
		return diff;
	spin_lock_irqsave(&t->lock, flags);
	for (kind = 0; kind < TCPOBS_TWK_MAX && !diff; kind++)
		diff = tracked - t->ksum[kind] - t->unkeyed[kind];
	spin_unlock_irqrestore(&t->lock, flags);
	return diff;
}

/* A table being rebuilt from the kernel's, not yet seen by anyone. */
struct tcpobs_tw_build {
	struct tcpobs_twtab *tab;
	unsigned int nkeys;
	long ksum[TCPOBS_TWK_MAX];
	long unkeyed[TCPOBS_TWK_MAX];
	long slots[TCPOBS_TW_SLOTS];
	long fw2_slots[TCPOBS_TW_SLOTS];
};

/* Under the kernel's bucket lock (BH off, interrupts on). */
static void tcpobs_tw_build_add(struct tcpobs_tw_build *b,
				const struct inet_timewait_sock *tw)
{
	unsigned int kind, slot = tcpobs_tw_slot(READ_ONCE(tw->tw_timer.expires));

	if (tw->tw_substate == TCP_FIN_WAIT2)
		b->fw2_slots[slot]++;
	else
		b->slots[slot]++;
	for (kind = 0; kind < TCPOBS_TWK_MAX; kind++) {
		struct tcpobs_twkey_id k;
		struct tcpobs_twkey *e;
		u32 hash;

		tcpobs_twkey_fill(&k, kind, tw);
		hash = tcpobs_twkey_hash(&k);
		e = tcpobs_twkey_find(b->tab, &k, hash);
		if (!e && b->nkeys < READ_ONCE(max_tw_keys)) {
			e = kmalloc(sizeof(*e), GFP_ATOMIC);
			if (e) {
				tcpobs_twkey_link(b->tab, e, &k, hash);
				b->nkeys++;
			}
		}
		if (e) {
			e->count++;
			b->ksum[kind]++;
		} else {
			b->unkeyed[kind]++;
		}
	}
}

/*
 * Rebuilds @net's rings and keys from the kernel's established hash, where
 * every minisock is (the way /proc/net/tcp and inet_diag find them), and
 * replaces @t's. Minisocks that come or go while it walks may be missed
 * or counted twice; the checker then repairs again.
 */
static int tcpobs_tw_rebuild(struct net *net, struct tcpobs_tw *t)
{
	struct inet_hashinfo *h = tcpobs_tcp_hashinfo(net);
	struct tcpobs_tw_build *b;
	struct tcpobs_twtab *old;
	unsigned long flags, i;
	unsigned int kind;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->tab = tcpobs_twtab_alloc(tcpobs_twtab_bits(max_t(long, READ_ONCE(t->nkeys),
							    3L * tcpobs_tw_kernel_count(net))),
				    GFP_KERNEL);
	if (!b->tab) {
		kfree(b);
		return -ENOMEM;
	}
	for (i = 0; i <= h->ehash_mask; i++) {
		struct inet_ehash_bucket *head = &h->ehash[i];
		struct hlist_nulls_node *node;
		struct sock *sk;

		if (hlist_nulls_empty(&head->chain))
			continue;
		spin_lock_bh(inet_ehash_lockp(h, i));
		sk_nulls_for_each(sk, node, &head->chain) {
			if (sk->sk_state != TCP_TIME_WAIT || !net_eq(sock_net(sk), net) ||
			    inet_twsk(sk)->tw_dr != &net->ipv4.tcp_death_row)
				continue;
			tcpobs_tw_build_add(b, inet_twsk(sk));
		}
		spin_unlock_bh(inet_ehash_lockp(h, i));
		if (!(i & 1023))
			cond_resched();
	}

	spin_lock_irqsave(&t->lock, flags);
	write_seqcount_begin(&t->moving);
	old = rcu_dereference_protected(t->tab, lockdep_is_held(&t->lock));
	rcu_assign_pointer(t->tab, b->tab);
	t->nkeys = b->nkeys;
	t->resize_queued = false;
	for (kind = 0; kind < TCPOBS_TWK_MAX; kind++) {
		t->ksum[kind] = b->ksum[kind];
		t->unkeyed[kind] = b->unkeyed[kind];
	}
	for (i = 0; i < TCPOBS_TW_SLOTS; i++) {
		atomic_long_set(&t->slots[i], b->slots[i]);
		atomic_long_set(&t->fw2_slots[i], b->fw2_slots[i]);
	}
	write_seqcount_end(&t->moving);
	spin_unlock_irqrestore(&t->lock, flags);
	kfree(b);
	synchronize_rcu();
	tcpobs_twtab_free(old);
	return 0;
}

/*
 * Visits every namespace's inventory: a disagreement seen twice in a row
 * (repair_interval / 2 apart) is repaired.
 */
static void tcpobs_tw_check(struct work_struct *work)
{
	struct tcpobs_tw *t;
	unsigned long period;
	bool on;

	period = tcpobs_repair_period(&on);

	mutex_lock(&tcpobs_tw_mutex);
	list_for_each_entry(t, &tcpobs_tw_nets, repair_node) {
		struct tcpobs_pcpu __percpu *pcpu;
		long diff;

		/* (the namespace cannot be freed: its free takes the mutex) */
		if (!on || !tcpobs_net_counted(t->net, &pcpu))
			continue;
		diff = tcpobs_tw_disagrees(t->net, t);
		if (!diff || ++t->strikes < 2) {
			t->strikes = diff ? t->strikes : 0;
			continue;
		}
		t->strikes = 0;
		if (!tcpobs_tw_rebuild(t->net, t)) {
			atomic_long_inc(&t->repairs);
			atomic_long_add(abs(diff), &t->repaired);
		}
		cond_resched();
	}
	mutex_unlock(&tcpobs_tw_mutex);
	queue_delayed_work(system_unbound_wq, &tcpobs_tw_check_work, period);
}

/*
 * Exits first: a minisock counted in is always counted out. Without the
 * exit probe nothing is counted in (the inventory would only grow); a
 * probe that cannot attach degrades the TIME-WAIT feature, not the load.
 */
int tcpobs_timewait_init(void)
{
	int err;

	get_random_bytes(&tcpobs_tw_secret, sizeof(tcpobs_tw_secret));
	if (tcpobs_kprobe_register(&tcpobs_tw_kill_kp, TCPOBS_FEAT_TIMEWAIT))
		return 0;
	tcpobs_tw_kill_registered = true;
	err = tcpobs_krps_register(tcpobs_tw_krps, ARRAY_SIZE(tcpobs_tw_krps),
				   tcpobs_tw_krp_ptrs, &tcpobs_tw_krp_nreg);
	if (!err)
		queue_delayed_work(system_unbound_wq, &tcpobs_tw_check_work, HZ);
	return err;
}

void tcpobs_timewait_exit(void)
{
	cancel_delayed_work_sync(&tcpobs_tw_check_work);
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
	struct tcpobs_tw *t = &tn->tw;
	struct tcpobs_twtab *tab;

	tab = tcpobs_twtab_alloc(TCPOBS_TW_MIN_BITS, GFP_KERNEL);
	if (!tab)
		return -ENOMEM;
	spin_lock_init(&t->lock);
	seqcount_spinlock_init(&t->moving, &t->lock);
	RCU_INIT_POINTER(t->tab, tab);
	INIT_WORK(&t->resize_work, tcpobs_tw_resize);
	t->net = net;
	tn->tw_overflow_base = tcpobs_tw_overflow_mib(net);
	mutex_lock(&tcpobs_tw_mutex);
	list_add(&t->repair_node, &tcpobs_tw_nets);
	mutex_unlock(&tcpobs_tw_mutex);
	return 0;
}

static void tcpobs_timewait_reset(struct net *net, struct tcpobs_net *tn)
{
	WRITE_ONCE(tn->tw_overflow_base, tcpobs_tw_overflow_mib(net));
}

/*
 * After every probe that could reach the keys is done (RCU grace period):
 * nothing queues a resize any more, and the checker lets go of the
 * namespace once it has the mutex.
 */
static void tcpobs_timewait_net_free(struct tcpobs_net *tn)
{
	struct tcpobs_tw *t = &tn->tw;

	cancel_work_sync(&t->resize_work);
	mutex_lock(&tcpobs_tw_mutex);
	list_del(&t->repair_node);
	mutex_unlock(&tcpobs_tw_mutex);
	tcpobs_twtab_free(rcu_dereference_protected(t->tab, true));
	RCU_INIT_POINTER(t->tab, NULL);
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
	unsigned int n, tries = 0, seq;
	struct tcpobs_twtab *tab;
	struct tcpobs_tw_row *r;
	struct tcpobs_twkey *e;
	unsigned long i;

	want = min_t(unsigned int, want, TCPOBS_TW_TOP_MAX);
	/* Keys that moved (a resize, a repair) under the walk: walk again. */
	do {
		n = 0;
		seq = read_seqcount_begin(&t->moving);
		rcu_read_lock();
		tab = rcu_dereference(t->tab);
		for (i = 0; tab && i < 1UL << tab->bits; i++) {
			hlist_for_each_entry_rcu(e, &tab->chain[i], node) {
				long c = READ_ONCE(e->count);

				if (e->id.kind != kind || c <= 0)
					continue;
				r = tcpobs_tw_top_insert(top, &n, want, c);
				if (!r)
					continue;
				r->port = e->id.port;
				r->addr = e->id.addr;
				r->family = e->id.family;
			}
		}
		rcu_read_unlock();
	} while (read_seqcount_retry(&t->moving, seq) && ++tries < 4);
	return n;
}

/* The longest chain of @t's key table (debugfs). Under RCU. */
unsigned long tcpobs_timewait_chain_max(struct tcpobs_tw *t)
{
	struct tcpobs_twtab *tab = rcu_dereference(t->tab);
	unsigned long i, most = 0;
	struct tcpobs_twkey *e;

	for (i = 0; tab && i < 1UL << tab->bits; i++) {
		unsigned long n = 0;

		hlist_for_each_entry_rcu(e, &tab->chain[i], node)
			n++;
		most = max(most, n);
	}
	return most;
}

/* The minisocks of a kind of key: in its keys, or without one. */
static long tcpobs_timewait_keyed(struct net *net, unsigned int kind)
{
	struct tcpobs_tw *t = &tcpobs_net(net)->tw;
	unsigned long flags;
	long n;

	spin_lock_irqsave(&t->lock, flags);
	n = t->ksum[kind] + t->unkeyed[kind];
	spin_unlock_irqrestore(&t->lock, flags);
	return n;
}

unsigned int tcpobs_timewait_default_top(void)
{
	return min_t(unsigned int, READ_ONCE(tw_top), TCPOBS_TW_TOP_MAX);
}

static void tcpobs_tw_show_keys(struct seq_file *seq, struct net *net,
				unsigned int kind)
{
	long keyed = tcpobs_timewait_keyed(net, kind);
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
	/* From the keys' own counts, not from the rings' total. */
	seq_printf(seq, "other %ld\n", max(keyed - shown, 0L));
	kfree(top);
}

struct tcpobs_tw_sums {
	u64 entries, exits, rearms, full, untracked, misses;
	long ages[TCPOBS_TW_AGE_BUCKETS];
	long tracked;
	long fin_wait2;
};

static void tcpobs_tw_sum(struct net *net, struct tcpobs_pcpu __percpu *pcpu,
			  struct tcpobs_tw_sums *s)
{
	struct tcpobs_tw *t = &tcpobs_net(net)->tw;
	/* What FIN-WAIT-2 timers are armed to (a socket's TCP_LINGER2 aside). */
	int fin = READ_ONCE(net->ipv4.sysctl_tcp_fin_timeout);
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
		s->misses += p->tw_key_misses;
	}
	for (i = 0; i < TCPOBS_TW_SLOTS; i++) {
		long c = atomic_long_read(&t->slots[i]);
		long f = atomic_long_read(&t->fw2_slots[i]);
		int left = tcpobs_tw_left(i, now);
		unsigned int b;

		if (c > 0) {
			b = tcpobs_tw_age_bucket(tcpobs_tw_age(left, TCP_TIMEWAIT_LEN));
			s->ages[b] += c;
			s->tracked += c;
		}
		if (f > 0) {
			b = tcpobs_tw_age_bucket(tcpobs_tw_age(left, fin));
			s->ages[b] += f;
			s->tracked += f;
			s->fin_wait2 += f;
		}
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
	tcpobs_emit(e, TCPOBS_A_TIMEWAIT_STATS_FIN_WAIT2, "", "fin_wait2", s.fin_wait2);
	tcpobs_emit(e, TCPOBS_A_TIMEWAIT_STATS_KEY_MISSES, "", "key_misses", s.misses);
	tcpobs_emit(e, TCPOBS_A_TIMEWAIT_STATS_REPAIRS, "", "repairs",
		    atomic_long_read(&tcpobs_net(net)->tw.repairs));
	tcpobs_emit(e, TCPOBS_A_TIMEWAIT_STATS_REPAIRED, "", "repaired",
		    atomic_long_read(&tcpobs_net(net)->tw.repaired));
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
		tcpobs_tw_show_keys(seq, net, kind);

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
