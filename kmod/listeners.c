// SPDX-License-Identifier: GPL-2.0
/*
 * The listener ledger: one entry per live TCP listening socket, holding
 * its share of each listen-drop counter, the first and last time each
 * happened, and the high-water marks of its accept and SYN queues.
 *
 * Entries are added when a socket enters LISTEN (the state tracepoint) and
 * for the listeners that already exist when tcpobs loads, and removed when
 * the socket leaves LISTEN. Both happen under the socket lock in process
 * context (listen(), close(), shutdown), or under the listening hash's
 * bucket lock at load, so while the state probe is attached an entry
 * never outlives its socket; it is attached before the first entry is
 * made and detached only after every reader is gone. Listening sockets
 * are freed after an RCU grace period (SOCK_RCU_FREE), so a reader that
 * finds an entry under rcu_read_lock() may read its socket.
 *
 * Lookups (one per SYN or handshake-completing ACK) are lock-free under
 * RCU; insertions and removals take one spinlock. The ledger holds at most
 * max_listeners entries; listeners beyond that (or whose entry could not
 * be allocated) are counted in listeners_table_full and their drops in the
 * untracked_* totals. Such a miss is repaired: a checker (every half
 * repair_interval) scans the listening hash again once the ledger has
 * room, and counts each listener it adds in its namespace's
 * listeners_repaired.
 */
#include <linux/atomic.h>
#include <linux/hash.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/inet_connection_sock.h>
#include <net/inet_hashtables.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <linux/sock_diag.h>

#include "listeners.h"
#include "compat.h"
#include "events.h"
#include "format.h"
#include "netns.h"
#include "uapi/linux/tcpobs.h"

static unsigned int max_listeners = 16384;
module_param(max_listeners, uint, 0444);
MODULE_PARM_DESC(max_listeners, "Most listening sockets tracked at once (default 16384)");

#define TCPOBS_LHASH_BITS 10

struct tcpobs_listener {
	struct hlist_node node;
	struct rcu_head rcu;
	const struct sock *sk;
	const struct net *net;
	u64 cookie;
	atomic64_t count[TCPOBS_DROP_MAX];
	/* CLOCK_BOOTTIME, ns; 0 = never. */
	u64 first[TCPOBS_DROP_MAX];
	u64 last[TCPOBS_DROP_MAX];
	u32 accept_q_max;
	u32 syn_q_max;
	/* CLOCK_BOOTTIME of the latest listen-drop event (rate limit). */
	u64 last_event;
};

static struct hlist_head tcpobs_lhash[1 << TCPOBS_LHASH_BITS];
static DEFINE_SPINLOCK(tcpobs_lhash_lock);
static unsigned int tcpobs_nlisteners;
static atomic_long_t tcpobs_table_full = ATOMIC_LONG_INIT(0);
/* Changes whenever an entry is added or removed: dumps check it. */
static atomic_t tcpobs_lgen = ATOMIC_INIT(0);
/* Listeners left out since the last repair scan. */
static atomic_t tcpobs_lmissed = ATOMIC_INIT(0);
static void tcpobs_listeners_check(struct work_struct *work);
static DECLARE_DELAYED_WORK(tcpobs_lcheck_work, tcpobs_listeners_check);

static struct hlist_head *tcpobs_lbucket(const struct sock *sk)
{
	return &tcpobs_lhash[hash_ptr(sk, TCPOBS_LHASH_BITS)];
}

static struct tcpobs_listener *tcpobs_listener_find(const struct sock *sk)
{
	struct tcpobs_listener *l;

	hlist_for_each_entry_rcu(l, tcpobs_lbucket(sk), node,
				 lockdep_is_held(&tcpobs_lhash_lock))
		if (l->sk == sk)
			return l;
	return NULL;
}

static u64 tcpobs_sk_cookie(struct sock *sk)
{
	u32 c[2];

	/* Generates the cookie if the socket has none yet, as ss -e would. */
	sock_diag_save_cookie(sk, c);
	return ((u64)c[1] << 32) | c[0];
}

/*
 * Whether @sk was added (not already there, and room for it). A listener
 * left out is counted once, when it begins listening (or at load): a
 * repair scan's retry (@retry) that fails again only asks for another.
 */
static bool __tcpobs_listener_add(struct sock *sk, bool retry)
{
	struct tcpobs_listener *l;
	unsigned long flags;

	l = kzalloc(sizeof(*l), GFP_ATOMIC);
	if (!l) {
		struct tcpobs_pcpu __percpu *pcpu = tcpobs_pcpu(sock_net(sk));

		atomic_inc(&tcpobs_lmissed);
		if (retry)
			return false;
		atomic_long_inc(&tcpobs_table_full);
		if (pcpu)
			this_cpu_inc(pcpu->alloc_failed);
		return false;
	}
	l->sk = sk;
	l->net = sock_net(sk);
	l->cookie = tcpobs_sk_cookie(sk);

	spin_lock_irqsave(&tcpobs_lhash_lock, flags);
	if (tcpobs_listener_find(sk)) {
		spin_unlock_irqrestore(&tcpobs_lhash_lock, flags);
		kfree(l);
		return false;
	}
	if (tcpobs_nlisteners >= max_listeners) {
		spin_unlock_irqrestore(&tcpobs_lhash_lock, flags);
		if (!retry)
			atomic_long_inc(&tcpobs_table_full);
		atomic_inc(&tcpobs_lmissed);
		kfree(l);
		return false;
	}
	hlist_add_head_rcu(&l->node, tcpobs_lbucket(sk));
	tcpobs_nlisteners++;
	atomic_inc(&tcpobs_lgen);
	spin_unlock_irqrestore(&tcpobs_lhash_lock, flags);
	return true;
}

bool tcpobs_listener_add(struct sock *sk)
{
	return __tcpobs_listener_add(sk, false);
}

void tcpobs_listener_del(const struct sock *sk)
{
	struct tcpobs_listener *l;
	unsigned long flags;

	spin_lock_irqsave(&tcpobs_lhash_lock, flags);
	l = tcpobs_listener_find(sk);
	if (l) {
		hlist_del_rcu(&l->node);
		tcpobs_nlisteners--;
		atomic_inc(&tcpobs_lgen);
	}
	spin_unlock_irqrestore(&tcpobs_lhash_lock, flags);
	if (l)
		kfree_rcu(l, rcu);
}

static void tcpobs_max_u32(u32 *max, u32 val)
{
	u32 old = READ_ONCE(*max);

	while (val > old) {
		u32 prev = cmpxchg(max, old, val);

		if (prev == old)
			break;
		old = prev;
	}
}

static u32 tcpobs_syn_q(const struct sock *sk)
{
	return reqsk_queue_len(&inet_csk(sk)->icsk_accept_queue);
}

static const struct sock *tcpobs_listener_sk(const struct tcpobs_listener *l);
static void tcpobs_listener_snap(const struct tcpobs_listener *l,
				 const struct sock *sk,
				 struct tcpobs_listener_snap *snap);

/* A listen-drop event, at most one per listener per interval. */
static void tcpobs_listener_event(struct tcpobs_listener *l,
				  const struct sock *sk, unsigned int cause,
				  u64 now)
{
	struct net *net = sock_net(sk);
	struct tcpobs_event ev = {};
	u64 last = READ_ONCE(l->last_event);

	if (!tcpobs_events_want(net, TCPOBS_EVENTS_LISTEN_DROPS))
		return;
	if (last && now - last < tcpobs_events_interval_ns(net))
		return;
	if (cmpxchg64(&l->last_event, last, now) != last)
		return;
	ev.type = TCPOBS_EVENT_TYPE_LISTEN_DROP;
	ev.cause = cause;
	tcpobs_listener_snap(l, sk, &ev.l);
	tcpobs_event_queue(net, &ev);
}

/*
 * Called at the return of every instrumented call for a listener (softirq):
 * add the drops it caused, and sample its queues. Every growth of either
 * queue happens inside such a call, so the samples catch every maximum.
 */
void tcpobs_listener_account(const struct sock *sk,
			     const unsigned long delta[TCPOBS_DROP_MAX])
{
	struct tcpobs_pcpu __percpu *pcpu = tcpobs_pcpu(sock_net(sk));
	struct tcpobs_listener *l;
	unsigned int i;
	u64 now = 0;

	rcu_read_lock();
	l = tcpobs_listener_find(sk);
	if (l) {
		tcpobs_max_u32(&l->accept_q_max, READ_ONCE(sk->sk_ack_backlog));
		tcpobs_max_u32(&l->syn_q_max, tcpobs_syn_q(sk));
	}
	for (i = 0; i < TCPOBS_DROP_MAX; i++) {
		if (!delta[i])
			continue;
		if (pcpu) {
			this_cpu_add(pcpu->drops[i], delta[i]);
			if (!l)
				this_cpu_add(pcpu->untracked[i], delta[i]);
		}
		if (!l)
			continue;
		if (!now)
			now = ktime_get_boottime_ns();
		atomic64_add(delta[i], &l->count[i]);
		if (!READ_ONCE(l->first[i]))
			cmpxchg64(&l->first[i], 0, now);
		WRITE_ONCE(l->last[i], now);
	}
	if (l && now) {
		for (i = 0; i < TCPOBS_DROP_MAX && !delta[i]; i++)
			;
		tcpobs_listener_event(l, sk, i, now);
	}
	rcu_read_unlock();
}

unsigned int tcpobs_listeners_count(const struct net *net)
{
	struct tcpobs_listener *l;
	unsigned int i, n = 0;

	rcu_read_lock();
	for (i = 0; i < ARRAY_SIZE(tcpobs_lhash); i++)
		hlist_for_each_entry_rcu(l, &tcpobs_lhash[i], node)
			n += net_eq(l->net, net);
	rcu_read_unlock();
	return n;
}

unsigned int tcpobs_listeners_count_all(void)
{
	return READ_ONCE(tcpobs_nlisteners);
}

unsigned long tcpobs_listeners_table_full(void)
{
	return atomic_long_read(&tcpobs_table_full);
}

/* The entry's socket, if it is still the listener the entry was made for. */
static const struct sock *tcpobs_listener_sk(const struct tcpobs_listener *l)
{
	const struct sock *sk = l->sk;

	if (READ_ONCE(sk->sk_state) != TCP_LISTEN ||
	    atomic64_read(&sk->sk_cookie) != l->cookie)
		return NULL;
	return sk;
}

static void tcpobs_listener_snap(const struct tcpobs_listener *l,
				 const struct sock *sk,
				 struct tcpobs_listener_snap *snap)
{
	unsigned int d;

	memset(snap, 0, sizeof(*snap));
	snap->family = sk->sk_family;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6)
		snap->addr = sk->sk_v6_rcv_saddr;
	else
#endif
		snap->addr.s6_addr32[0] = sk->sk_rcv_saddr;
	snap->port = sk->sk_num;
	snap->cookie = l->cookie;
	snap->backlog = READ_ONCE(sk->sk_max_ack_backlog);
	snap->accept_q = READ_ONCE(sk->sk_ack_backlog);
	snap->accept_q_max = READ_ONCE(l->accept_q_max);
	snap->syn_q = tcpobs_syn_q(sk);
	snap->syn_q_max = READ_ONCE(l->syn_q_max);
	for (d = 0; d < TCPOBS_DROP_MAX; d++) {
		snap->count[d] = atomic64_read(&l->count[d]);
		snap->first[d] = READ_ONCE(l->first[d]);
		snap->last[d] = READ_ONCE(l->last[d]);
	}
}

int tcpobs_listeners_gen(void)
{
	return atomic_read(&tcpobs_lgen);
}

/*
 * Calls @fn for each live listener of @net, from position @pos (bucket,
 * then entries of the bucket to skip); stops when @fn returns non-zero,
 * leaving @pos at that listener so that the next call resumes there.
 */
static int __tcpobs_listeners_walk_net(struct net *net, unsigned long pos[2],
				       struct tcpobs_listener_snap *snap,
				       int (*fn)(void *arg,
						 const struct tcpobs_listener_snap *snap),
				       void *arg)
{
	struct tcpobs_listener *l;
	int ret = 0;

	rcu_read_lock();
	for (; pos[0] < ARRAY_SIZE(tcpobs_lhash); pos[0]++, pos[1] = 0) {
		unsigned long idx = 0;

		hlist_for_each_entry_rcu(l, &tcpobs_lhash[pos[0]], node) {
			const struct sock *sk;

			if (!net_eq(l->net, net))
				continue;
			sk = tcpobs_listener_sk(l);
			if (!sk)
				continue;
			if (idx++ < pos[1])
				continue;
			tcpobs_listener_snap(l, sk, snap);
			ret = fn(arg, snap);
			if (ret)
				goto out;
			pos[1]++;
		}
	}
out:
	rcu_read_unlock();
	return ret;
}

int tcpobs_listeners_walk_net(struct net *net, unsigned long pos[2],
			      int (*fn)(void *arg,
					const struct tcpobs_listener_snap *snap),
			      void *arg)
{
	struct tcpobs_listener_snap *snap;
	int ret;

	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	ret = __tcpobs_listeners_walk_net(net, pos, snap, fn, arg);
	kfree(snap);
	return ret;
}

/* Zeroes the counts, times and high-water marks of @net's listeners. */
static void tcpobs_listeners_reset(struct net *net, struct tcpobs_net *tn)
{
	struct tcpobs_listener *l;
	unsigned int i, d;

	rcu_read_lock();
	for (i = 0; i < ARRAY_SIZE(tcpobs_lhash); i++) {
		hlist_for_each_entry_rcu(l, &tcpobs_lhash[i], node) {
			if (!net_eq(l->net, net))
				continue;
			for (d = 0; d < TCPOBS_DROP_MAX; d++) {
				atomic64_set(&l->count[d], 0);
				WRITE_ONCE(l->first[d], 0);
				WRITE_ONCE(l->last[d], 0);
			}
			WRITE_ONCE(l->accept_q_max, 0);
			WRITE_ONCE(l->syn_q_max, 0);
		}
	}
	rcu_read_unlock();
}

/* The ledger is global; a namespace only has its entries reset. */
const struct tcpobs_net_feature tcpobs_listeners_feature = {
	.name = "listeners",
	.reset = tcpobs_listeners_reset,
};

static void tcpobs_print_local(struct seq_file *seq,
			       const struct tcpobs_listener_snap *l)
{
	if (l->family == AF_INET6)
		seq_printf(seq, "[%pI6c]:%u", &l->addr, l->port);
	else
		seq_printf(seq, "%pI4:%u", &l->addr.s6_addr32[0], l->port);
}

static void tcpobs_listeners_show_one(struct seq_file *seq,
				      const struct tcpobs_listener_snap *l)
{
	unsigned int d;

	tcpobs_print_local(seq, l);
	seq_printf(seq, " %u %u %u %u %u", l->backlog, l->accept_q,
		   l->accept_q_max, l->syn_q, l->syn_q_max);
	for (d = 0; d < TCPOBS_DROP_MAX; d++)
		seq_printf(seq, " %llu", l->count[d]);
	seq_printf(seq, " %llx\n", l->cookie);
}

/* One row per listener and cause that happened: count, first, last, age. */
static void tcpobs_listener_events_show_one(struct seq_file *seq,
					    const struct tcpobs_listener_snap *l,
					    u64 now)
{
	unsigned int d;

	for (d = 0; d < TCPOBS_DROP_MAX; d++) {
		if (!l->first[d])
			continue;
		tcpobs_print_local(seq, l);
		seq_printf(seq, " %llx %s %llu", l->cookie,
			   tcpobs_drop_names[d], l->count[d]);
		tcpobs_print_secs(seq, l->first[d]);
		tcpobs_print_secs(seq, l->last[d]);
		tcpobs_print_secs(seq, now > l->last[d] ? now - l->last[d] : 0);
		seq_putc(seq, '\n');
	}
}

/*
 * The listeners and listener_events files are seq_file iterators, one
 * record per listener of the namespace (listener_events: a line per cause
 * that happened, maybe none): each read() fills one buffer from where the
 * previous one stopped, each listener taken in its own short RCU read
 * section by tcpobs_listeners_walk_net() from the kept position. Position
 * 0 is the header; reading from elsewhere than where the last read()
 * stopped (a seek) walks from the start.
 */
struct tcpobs_lseq {
	struct seq_net_private p;	/* first: proc_create_net()'s */
	unsigned long lpos[2];		/* the listener at @pos */
	loff_t pos;
	u64 now;
	struct tcpobs_listener_snap snap;
};

/* Stops the walk at the first listener: its figures are in st->snap. */
static int tcpobs_lseq_take(void *arg, const struct tcpobs_listener_snap *l)
{
	return 1;
}

/* The listener at st->lpos or after it, NULL at the end. */
static void *tcpobs_lseq_get(struct seq_file *seq)
{
	struct tcpobs_lseq *st = seq->private;
	int ret;

	ret = __tcpobs_listeners_walk_net(seq_file_net(seq), st->lpos,
					  &st->snap, tcpobs_lseq_take, NULL);
	return ret ? &st->snap : NULL;
}

static void *tcpobs_lseq_start(struct seq_file *seq, loff_t *pos)
{
	struct tcpobs_lseq *st = seq->private;
	void *v;
	loff_t n;

	if (!*pos) {
		st->now = ktime_get_boottime_ns();
		return SEQ_START_TOKEN;
	}
	if (*pos == st->pos)
		return tcpobs_lseq_get(seq);
	st->lpos[0] = 0;
	st->lpos[1] = 0;
	for (n = 1;; n++) {
		v = tcpobs_lseq_get(seq);
		if (IS_ERR_OR_NULL(v) || n == *pos)
			break;
		st->lpos[1]++;
		cond_resched();
	}
	st->pos = *pos;
	return v;
}

static void *tcpobs_lseq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct tcpobs_lseq *st = seq->private;

	++*pos;
	if (v == SEQ_START_TOKEN) {
		st->lpos[0] = 0;
		st->lpos[1] = 0;
	} else {
		st->lpos[1]++;
	}
	st->pos = *pos;
	return tcpobs_lseq_get(seq);
}

static void tcpobs_lseq_stop(struct seq_file *seq, void *v)
{
	cond_resched();
}

static int tcpobs_listeners_seq_show(struct seq_file *seq, void *v)
{
	unsigned int d;

	if (v != SEQ_START_TOKEN) {
		tcpobs_listeners_show_one(seq, v);
		return 0;
	}
	seq_puts(seq, "local backlog accept_q accept_q_max syn_q syn_q_max");
	for (d = 0; d < TCPOBS_DROP_MAX; d++)
		seq_printf(seq, " %s", tcpobs_drop_names[d]);
	seq_puts(seq, " cookie\n");
	return 0;
}

static int tcpobs_listener_events_seq_show(struct seq_file *seq, void *v)
{
	struct tcpobs_lseq *st = seq->private;

	if (v == SEQ_START_TOKEN)
		seq_puts(seq, "local cookie cause count first last last_ago\n");
	else
		tcpobs_listener_events_show_one(seq, v, st->now);
	return 0;
}

const struct seq_operations tcpobs_listeners_seq_ops = {
	.start = tcpobs_lseq_start,
	.next = tcpobs_lseq_next,
	.stop = tcpobs_lseq_stop,
	.show = tcpobs_listeners_seq_show,
};

const struct seq_operations tcpobs_listener_events_seq_ops = {
	.start = tcpobs_lseq_start,
	.next = tcpobs_lseq_next,
	.stop = tcpobs_lseq_stop,
	.show = tcpobs_listener_events_seq_show,
};

const unsigned int tcpobs_listeners_seq_size = sizeof(struct tcpobs_lseq);

/*
 * Listeners that exist before tcpobs loads. Called after the state probe
 * is attached, so a listener appearing meanwhile is found by one or both
 * (add ignores duplicates). Holding the bucket lock keeps each socket
 * hashed, hence in LISTEN, until its entry is in the ledger; its removal
 * (unhash, then the state change) comes after. The listening hash is
 * shared by every namespace.
 */
static void tcpobs_listeners_scan(bool repair)
{
	struct inet_listen_hashbucket *buckets;
	unsigned int i, n;

	buckets = tcpobs_listen_buckets(tcpobs_tcp_hashinfo(&init_net), &n);
	for (i = 0; i < n; i++) {
		struct inet_listen_hashbucket *ilb = &buckets[i];
		struct tcpobs_pcpu __percpu *pcpu;
		struct hlist_nulls_node *node;
		struct sock *sk;

		if (hlist_nulls_empty(&ilb->nulls_head))
			continue;
		spin_lock_bh(&ilb->lock);
		sk_nulls_for_each(sk, node, &ilb->nulls_head) {
			if (sk->sk_state != TCP_LISTEN || !__tcpobs_listener_add(sk, repair) ||
			    !repair || !tcpobs_net_counted(sock_net(sk), &pcpu))
				continue;
			this_cpu_inc(pcpu->listeners_repaired);
		}
		spin_unlock_bh(&ilb->lock);
		if (!(i & 255))
			cond_resched();
	}
}

/*
 * Listeners left out (ledger full, no memory) are taken in by a new scan
 * once the ledger has room. Entries are never missed the other way: their
 * removal allocates nothing and the state tracepoint misses no call.
 */
static void tcpobs_listeners_check(struct work_struct *work)
{
	unsigned long period;
	bool on;

	period = tcpobs_repair_period(&on);
	if (on && atomic_read(&tcpobs_lmissed) &&
	    READ_ONCE(tcpobs_nlisteners) < READ_ONCE(max_listeners)) {
		/* (reset first: a miss during the scan asks for another) */
		atomic_set(&tcpobs_lmissed, 0);
		tcpobs_listeners_scan(true);
	}
	queue_delayed_work(system_unbound_wq, &tcpobs_lcheck_work, period);
}

void tcpobs_listeners_start(void)
{
	tcpobs_listeners_scan(false);
	queue_delayed_work(system_unbound_wq, &tcpobs_lcheck_work, HZ);
}

/*
 * Frees the ledger. Only once nothing can reach it: the readers (procfs
 * files, netlink dumps, debugfs) are gone, the listen-drop kretprobes that
 * account into it are detached, and so is the state probe that adds and
 * removes entries (main.c's unload order). Entries whose socket closed
 * after that probe went are freed here without reading the socket.
 */
void tcpobs_listeners_exit(void)
{
	struct tcpobs_listener *l;
	struct hlist_node *tmp;
	unsigned int i;

	cancel_delayed_work_sync(&tcpobs_lcheck_work);
	synchronize_rcu();
	for (i = 0; i < ARRAY_SIZE(tcpobs_lhash); i++) {
		hlist_for_each_entry_safe(l, tmp, &tcpobs_lhash[i], node) {
			hlist_del(&l->node);
			kfree(l);
		}
	}
	tcpobs_nlisteners = 0;
}
