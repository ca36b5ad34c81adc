// SPDX-License-Identifier: GPL-2.0
/*
 * The socket lifecycle table: one entry per tracked full TCP socket, keyed
 * by its socket cookie, holding its 4-tuple, current state, when it
 * entered that state and when it was created; and per namespace, per
 * state, a log2 histogram of the time sockets spent in each state, filled
 * when a socket leaves the state.
 *
 * A socket is tracked from its birth: CLOSE -> SYN-SENT for an active open,
 * SYN-RECV -> ESTABLISHED for a passive child (the child of a request
 * socket is traced LISTEN -> SYN-RECV inside inet_csk_clone_lock(), before
 * its cookie and addresses are set, and a duplicate child may be freed
 * without ever being destroyed; by ESTABLISHED it is a real connection).
 * Sockets that existed before tcpobs loaded are not tracked. The entry
 * goes at tcp_destroy_sock, which every full TCP socket passes before it
 * is freed, or with its namespace's table.
 *
 * An entry keeps its socket's address (e->sk) to read live figures. That
 * is safe only while the entry cannot outlive the socket: the destroy
 * probe is attached before the first entry can be made and detached only
 * after every reader is gone (procfs and netlink are removed first, see
 * main.c), and it removes entries for as long as their table exists, even
 * while the namespace is being torn down (tn->sockets_live, cleared in
 * exit_batch just before the table is freed).
 *
 * Each namespace has its own table (an rhashtable, which grows and shrinks
 * with it); all of them together hold at most max_sockets entries. A
 * socket born when they are full is counted in its namespace's
 * sockets_table_full and never allocated. Lookups are lock-free (RCU).
 *
 * The handshake (SYN-RECV) time of a passive child runs from the first
 * SYN-ACK sent for its request socket (snt_synack) to ESTABLISHED: the
 * tcp_check_req kretprobe (listen_drops.c) hands it over per CPU, since
 * the child's SYN-RECV -> ESTABLISHED follows on the same CPU in the same
 * softirq.
 */
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/sock_diag.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/inet_ecn.h>
#include <net/tcp.h>

#include "sockets.h"
#include "compat.h"
#include "ecn_ports.h"
#include "events.h"
#include "format.h"
#include "netns.h"
#include "tracepoint.h"
#include "uapi/linux/tcpobs.h"

static unsigned int max_sockets = 65536;
module_param(max_sockets, uint, 0444);
MODULE_PARM_DESC(max_sockets, "Most sockets in the lifecycle table at once (default 65536)");

/* 168 bytes on x86_64; see Documentation/performance.rst. */
struct tcpobs_sockent {
	struct rhash_head node;
	struct rcu_head rcu;
	u64 cookie;
	const struct sock *sk;
	u64 created;		/* ktime_get_ns() */
	u64 since;		/* entered the current state */
	__be32 saddr[4];
	__be32 daddr[4];
	u16 sport;
	u16 dport;
	u8 state;
	u8 flags;		/* TCPOBS_SKF_* */
	u32 transitions;
	struct tcpobs_sk_ecn ecn;
};

static_assert(sizeof(struct tcpobs_sockent) <= 168);
/* Counters a busy long-lived socket must not wrap within a day. */
static_assert(sizeof(atomic64_t) == sizeof(u64) &&
	      sizeof(struct tcpobs_sk_ecn) == 8 * sizeof(atomic64_t));
static_assert(sizeof(((struct tcpobs_sockent *)0)->transitions) >= sizeof(u32));

#define TCPOBS_SKF_V6		BIT(0)
#define TCPOBS_SKF_PASSIVE	BIT(1)
#define TCPOBS_SKF_ECN		BIT(2)

static const struct rhashtable_params tcpobs_sk_params = {
	.key_len = sizeof(u64),
	.key_offset = offsetof(struct tcpobs_sockent, cookie),
	.head_offset = offsetof(struct tcpobs_sockent, node),
	/* 2 KiB per namespace; no resizing for a handful of sockets. */
	.min_size = 256,
	.automatic_shrinking = true,
};

static struct kmem_cache *tcpobs_sk_cache;
static atomic_t tcpobs_nsockets = ATOMIC_INIT(0);

struct tcpobs_handshake {
	const struct sock *child;
	u64 start;
};

static DEFINE_PER_CPU(struct tcpobs_handshake, tcpobs_handshake);

/* Under rcu_read_lock(); @tn is @sk's namespace's state. */
static struct tcpobs_sockent *tcpobs_sk_find(struct tcpobs_net *tn,
					     const struct sock *sk)
{
	u64 cookie = atomic64_read(&sk->sk_cookie);

	if (!cookie)
		return NULL;
	return rhashtable_lookup(&tn->sockets, &cookie, tcpobs_sk_params);
}

static void tcpobs_sk_tuple(struct tcpobs_sockent *e, const struct sock *sk)
{
	if (sk->sk_family == AF_INET6)
		e->flags |= TCPOBS_SKF_V6;
	e->sport = sk->sk_num;
	e->dport = ntohs(sk->sk_dport);
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		memcpy(e->saddr, &sk->sk_v6_rcv_saddr, sizeof(e->saddr));
		memcpy(e->daddr, &sk->sk_v6_daddr, sizeof(e->daddr));
		return;
	}
#endif
	e->saddr[0] = sk->sk_rcv_saddr;
	e->daddr[0] = sk->sk_daddr;
}

void tcpobs_lifetime_add(struct tcpobs_pcpu __percpu *pcpu, unsigned int state,
			 u64 ns)
{
	if (state < TCP_MAX_STATES)
		this_cpu_inc(pcpu->lifetimes[state][tcpobs_lt_bucket(ns / NSEC_PER_USEC)]);
}

static void tcpobs_sk_insert(struct sock *sk, struct tcpobs_net *tn,
			     struct tcpobs_pcpu __percpu *pcpu,
			     int state, u64 created, u64 now, u8 flags)
{
	struct tcpobs_sockent *e;
	u32 c[2];
	int err;

	if (atomic_inc_return(&tcpobs_nsockets) > max_sockets)
		goto full;
	e = kmem_cache_zalloc(tcpobs_sk_cache, GFP_ATOMIC);
	if (!e)
		goto nomem;
	sock_diag_save_cookie(sk, c);
	e->cookie = ((u64)c[1] << 32) | c[0];
	e->sk = sk;
	e->created = created;
	e->since = now;
	e->state = state;
	e->flags = flags;
	tcpobs_sk_tuple(e, sk);
	err = rhashtable_lookup_insert_fast(&tn->sockets, &e->node,
					    tcpobs_sk_params);
	if (err) {
		kmem_cache_free(tcpobs_sk_cache, e);
		if (err == -ENOMEM)
			goto nomem;
		goto full;
	}
	this_cpu_inc(pcpu->sockets);
	return;
nomem:
	this_cpu_inc(pcpu->alloc_failed);
full:
	atomic_dec(&tcpobs_nsockets);
	this_cpu_inc(pcpu->sockets_table_full);
}

static void tcpobs_sk_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(tcpobs_sk_cache,
			container_of(head, struct tcpobs_sockent, rcu));
}

/* listen_drops.c: tcp_check_req returned @child; its handshake began then. */
void tcpobs_sockets_handshake(const struct sock *child, u64 start)
{
	struct tcpobs_handshake *h = this_cpu_ptr(&tcpobs_handshake);

	h->child = child;
	h->start = start;
}

/* ECN was negotiated by the handshake that made @sk ESTABLISHED. */
static u8 tcpobs_sk_ecn_flag(const struct sock *sk)
{
	return tcpobs_tcp_ecn_ok(tcp_sk(sk)) ? TCPOBS_SKF_ECN : 0;
}

/* A passive child reached ESTABLISHED: track it from its handshake. */
static void tcpobs_sk_insert_child(struct sock *sk, struct tcpobs_net *tn,
				   struct tcpobs_pcpu __percpu *pcpu, u64 now)
{
	struct tcpobs_handshake *h = this_cpu_ptr(&tcpobs_handshake);
	u64 created = now;

	if (h->child == sk) {
		if (h->start && h->start <= now) {
			created = h->start;
			tcpobs_lifetime_add(pcpu, TCP_SYN_RECV, now - created);
		}
		h->child = NULL;
	}
	tcpobs_sk_insert(sk, tn, pcpu, TCP_ESTABLISHED, created, now,
			 TCPOBS_SKF_PASSIVE | tcpobs_sk_ecn_flag(sk));
}

/* From the state tracepoint: @sk went from @oldstate to @newstate. */
void tcpobs_sockets_transition(struct sock *sk, struct tcpobs_net *tn,
			       struct tcpobs_pcpu __percpu *pcpu,
			       int oldstate, int newstate)
{
	struct tcpobs_sockent *e;
	u64 now;

	if (!tcpobs_sk_cache)
		return;
	now = ktime_get_ns();

	if (newstate == TCP_ESTABLISHED &&
	    (oldstate == TCP_SYN_SENT || oldstate == TCP_SYN_RECV)) {
		if (tcpobs_tcp_ecn_ok(tcp_sk(sk)))
			this_cpu_inc(pcpu->ecn_negotiated);
		else
			this_cpu_inc(pcpu->ecn_not_negotiated);
	}

	rcu_read_lock();
	e = tcpobs_sk_find(tn, sk);
	if (e) {
		tcpobs_lifetime_add(pcpu, e->state, now - READ_ONCE(e->since));
		/* On the way to CLOSE the port is already released. */
		if (newstate != TCP_CLOSE)
			tcpobs_sk_tuple(e, sk);
		if (newstate == TCP_ESTABLISHED)
			e->flags |= tcpobs_sk_ecn_flag(sk);
		WRITE_ONCE(e->since, now);
		WRITE_ONCE(e->state, newstate);
		e->transitions++;
	} else if (oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT) {
		tcpobs_sk_insert(sk, tn, pcpu, newstate, now, now, 0);
	} else if (oldstate == TCP_SYN_RECV && newstate == TCP_ESTABLISHED) {
		tcpobs_sk_insert_child(sk, tn, pcpu, now);
	}
	rcu_read_unlock();
}

/* ecn.c: the entry of a full TCP socket, if tracked (under RCU). */
struct tcpobs_sk_ecn *tcpobs_sockets_ecn(struct tcpobs_net *tn,
					 const struct sock *sk)
{
	struct tcpobs_sockent *e = tcpobs_sk_find(tn, sk);

	return e ? &e->ecn : NULL;
}

/*
 * The socket's Not-ECT count: what it received (segs_in, weighted by GSO
 * segments like the hooks) minus the marked packets the hooks counted.
 */
static void tcpobs_sk_set_noect(struct tcpobs_sockent *e, u32 segs_in)
{
	struct tcpobs_sk_ecn *x = &e->ecn;
	u64 marked = atomic64_read(&x->in[INET_ECN_CE]) +
		     atomic64_read(&x->in[INET_ECN_ECT_0]) +
		     atomic64_read(&x->in[INET_ECN_ECT_1]);

	atomic64_set(&x->in[INET_ECN_NOT_ECT],
		     segs_in > marked ? segs_in - marked : 0);
}

/*
 * Live figures come from the socket, which is type-safe under RCU (TCP
 * sockets are SLAB_TYPESAFE_BY_RCU), if it is still the one of @e: the
 * ports of a connecting socket (chosen after it enters SYN-SENT, released
 * on the way to CLOSE), delivered_ce and segs_in. Returns delivered_ce, 0
 * when the socket is gone; updates @tuple's addresses when given.
 */
static u32 tcpobs_sk_live(struct tcpobs_sockent *e, struct tcpobs_sockent *tuple)
{
	struct tcpobs_sockent fresh = {};
	const struct sock *sk = e->sk;
	u32 dce, segs_in;

	if (!sk)
		return 0;
	dce = tcp_sk(sk)->delivered_ce;
	segs_in = tcp_sk(sk)->segs_in;
	if (tuple)
		tcpobs_sk_tuple(&fresh, sk);
	/* Read the socket before checking it was ours. */
	smp_rmb();
	if (atomic64_read(&sk->sk_cookie) != e->cookie)
		return 0;
	tcpobs_sk_set_noect(e, segs_in);
	if (tuple && e->state != TCP_CLOSE) {
		memcpy(tuple->saddr, fresh.saddr, sizeof(fresh.saddr));
		memcpy(tuple->daddr, fresh.daddr, sizeof(fresh.daddr));
		tuple->sport = fresh.sport;
		tuple->dport = fresh.dport;
	}
	return dce;
}

/*
 * Every full TCP socket, before it is freed. Removes its entry, and counts
 * its figures while the namespace is counted (->pcpu set). Runs for any
 * namespace: its table is reached only while sockets_live is set. A
 * namespace whose setup fails before tcpobs's part of it is allocated
 * destroys the kernel sockets of the parts before (TCP's control
 * sockets) with no tcpobs state at all.
 */
static void tcpobs_probe_destroy_sock(void *data, struct sock *sk)
{
	struct tcpobs_net *tn = tcpobs_net(sock_net(sk));
	struct tcpobs_pcpu __percpu *pcpu;
	struct tcpobs_sockent *e;
	u32 dce;

	/* Pairs with tcpobs_sockets_net_init(): the table is set up. */
	if (!tn || !smp_load_acquire(&tn->sockets_live))
		return;
	pcpu = READ_ONCE(tn->pcpu);
	dce = tcp_sk(sk)->delivered_ce;
	if (pcpu)
		this_cpu_add(pcpu->delivered_ce, dce);

	rcu_read_lock();
	e = tcpobs_sk_find(tn, sk);
	if (e && !rhashtable_remove_fast(&tn->sockets, &e->node,
					 tcpobs_sk_params)) {
		if (pcpu) {
			tcpobs_sk_set_noect(e, tcp_sk(sk)->segs_in);
			tcpobs_ecn_closed(tn, e->flags & TCPOBS_SKF_PASSIVE ?
					  e->sport : e->dport,
					  e->flags & TCPOBS_SKF_PASSIVE,
					  e->flags & TCPOBS_SKF_ECN, &e->ecn, dce);
			this_cpu_dec(pcpu->sockets);
		}
		atomic_dec(&tcpobs_nsockets);
			call_rcu(&e->rcu, tcpobs_sk_free_rcu);
	}
	rcu_read_unlock();
}

static struct tcpobs_tracepoint tcpobs_sockets_tps[] = {
	{ .name = "tcp_destroy_sock", .probe = tcpobs_probe_destroy_sock },
};

int tcpobs_sockets_count(void)
{
	return atomic_read(&tcpobs_nsockets);
}

/* The entries' cache: before any namespace's table. */
int tcpobs_sockets_init(void)
{
	tcpobs_sk_cache = KMEM_CACHE(tcpobs_sockent, 0);
	return tcpobs_sk_cache ? 0 : -ENOMEM;
}

/*
 * The destroy probe: after every namespace has its table (it reads
 * tcpobs_net() of any socket's namespace) and before the state probe can
 * make entries.
 */
int tcpobs_sockets_register(void)
{
	return tcpobs_tracepoints_register(tcpobs_sockets_tps,
					   ARRAY_SIZE(tcpobs_sockets_tps));
}

/* After the state probe and every reader of the tables are gone. */
void tcpobs_sockets_unregister(void)
{
	tcpobs_tracepoints_unregister(tcpobs_sockets_tps,
				      ARRAY_SIZE(tcpobs_sockets_tps));
}

/* After every namespace's table is gone. */
void tcpobs_sockets_exit(void)
{
	/* Wait for the callbacks before the cache goes. */
	rcu_barrier();
	kmem_cache_destroy(tcpobs_sk_cache);
	tcpobs_sk_cache = NULL;
}

static int tcpobs_sockets_net_init(struct net *net, struct tcpobs_net *tn)
{
	int err;

	err = rhashtable_init(&tn->sockets, &tcpobs_sk_params);
	if (err)
		return err;
	/* The destroy probe may use the table from now on. */
	smp_store_release(&tn->sockets_live, true);
	return 0;
}

/*
 * The namespace is going: no destroy probe that starts after an RCU grace
 * period from now reaches its table, which can then be freed.
 */
static void tcpobs_sockets_net_stop(struct tcpobs_net *tn)
{
	WRITE_ONCE(tn->sockets_live, false);
}

static void tcpobs_sk_free(void *ptr, void *arg)
{
	kmem_cache_free(tcpobs_sk_cache, ptr);
	atomic_dec(&tcpobs_nsockets);
}

/* After tcpobs_sockets_net_stop() and an RCU grace period. */
static void tcpobs_sockets_net_free(struct tcpobs_net *tn)
{
	rhashtable_free_and_destroy(&tn->sockets, tcpobs_sk_free, NULL);
}

/* The count of tracked sockets survives a reset: they are still there. */
const struct tcpobs_net_feature tcpobs_sockets_feature = {
	.name = "sockets",
	.init = tcpobs_sockets_net_init,
	.stop = tcpobs_sockets_net_stop,
	.free = tcpobs_sockets_net_free,
};

static void tcpobs_print_addr(struct seq_file *seq, u8 family,
			      const __be32 *addr, u16 port)
{
	if (family == AF_INET6)
		seq_printf(seq, "[%pI6c]:%u", addr, port);
	else
		seq_printf(seq, "%pI4:%u", addr, port);
}

/* The entry's figures, live ones read from its socket if still the same. */
static void tcpobs_sk_snap(struct tcpobs_sockent *e, u64 now,
			   struct tcpobs_socket_snap *s)
{
	struct tcpobs_sockent c = *e;

	memset(s, 0, sizeof(*s));
	s->delivered_ce = tcpobs_sk_live(e, &c);
	s->family = c.flags & TCPOBS_SKF_V6 ? AF_INET6 : AF_INET;
	memcpy(&s->saddr, c.saddr, sizeof(s->saddr));
	memcpy(&s->daddr, c.daddr, sizeof(s->daddr));
	s->sport = c.sport;
	s->dport = c.dport;
	s->state = c.state;
	s->age_in_state = now > c.since ? now - c.since : 0;
	s->age = now > c.created ? now - c.created : 0;
	s->transitions = c.transitions;
	s->cookie = c.cookie;
	s->ecn = !!(c.flags & TCPOBS_SKF_ECN);
	s->ecn_counts[0] = atomic64_read(&e->ecn.in[INET_ECN_CE]);
	s->ecn_counts[1] = atomic64_read(&e->ecn.in[INET_ECN_ECT_0]);
	s->ecn_counts[2] = atomic64_read(&e->ecn.in[INET_ECN_ECT_1]);
	s->ecn_counts[3] = atomic64_read(&e->ecn.in[INET_ECN_NOT_ECT]);
	s->ecn_counts[4] = atomic64_read(&e->ecn.ece_in);
	s->ecn_counts[5] = atomic64_read(&e->ecn.ece_out);
	s->ecn_counts[6] = atomic64_read(&e->ecn.cwr_in);
	s->ecn_counts[7] = atomic64_read(&e->ecn.cwr_out);
}

/* Entries a walk goes through in one RCU read section at most. */
#define TCPOBS_SK_WALK_BATCH 256

/*
 * A walk over a namespace's table that survives between calls (a netlink
 * dump in several messages). GFP_KERNEL; NULL when out of memory.
 */
struct tcpobs_sockets_walk *tcpobs_sockets_walk_start(struct net *net)
{
	struct rhashtable_iter *iter;

	iter = kmalloc(sizeof(*iter), GFP_KERNEL);
	if (!iter)
		return NULL;
	rhashtable_walk_enter(&tcpobs_net(net)->sockets, iter);
	return (struct tcpobs_sockets_walk *)iter;
}

/*
 * Calls @fn with the figures of each entry from where the walk stopped,
 * until @fn returns non-zero: that entry is the first of the next call.
 * Returns @fn's value, 0 at the end, or -ENOMEM. *@resized is incremented
 * each time the table was resized under the walk (entries may repeat or be
 * missed); sockets coming and going do not disturb it: one that is in the
 * table from the walk's start to its end is seen exactly once.
 */
int tcpobs_sockets_walk(struct tcpobs_sockets_walk *w,
			int (*fn)(void *arg, const struct tcpobs_socket_snap *s),
			void *arg, unsigned int *resized)
{
	struct rhashtable_iter *iter = (struct rhashtable_iter *)w;
	struct tcpobs_socket_snap *s;
	struct tcpobs_sockent *e;
	u64 now = ktime_get_ns();
	unsigned int n = 0;
	int err = 0;

	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	rhashtable_walk_start(iter);
	for (;;) {
		e = rhashtable_walk_peek(iter);
		if (IS_ERR(e)) {
			if (PTR_ERR(e) == -EAGAIN) {
				(*resized)++;
				continue;
			}
			err = PTR_ERR(e);
			break;
		}
		if (!e)
			break;
		tcpobs_sk_snap(e, now, s);
		err = fn(arg, s);
		if (err)
			break;
		rhashtable_walk_next(iter);
		/* Entries @fn skips take no room: bound the RCU section. */
		if (!(++n % TCPOBS_SK_WALK_BATCH)) {
			rhashtable_walk_stop(iter);
			cond_resched();
			rhashtable_walk_start(iter);
		}
	}
	rhashtable_walk_stop(iter);
	kfree(s);
	return err;
}

void tcpobs_sockets_walk_end(struct tcpobs_sockets_walk *w)
{
	struct rhashtable_iter *iter = (struct rhashtable_iter *)w;

	if (!iter)
		return;
	rhashtable_walk_exit(iter);
	kfree(iter);
}

/* The state event of a transition (states.c), if anyone wants it. */
void tcpobs_sockets_state_event(const struct sock *sk, int oldstate,
				int newstate)
{
	struct tcpobs_sockent t = {};
	struct tcpobs_event ev = {
		.type = TCPOBS_EVENT_TYPE_STATE,
		.old_state = oldstate,
		.new_state = newstate,
	};

	tcpobs_sk_tuple(&t, sk);
	ev.s.family = sk->sk_family;
	memcpy(&ev.s.saddr, t.saddr, sizeof(ev.s.saddr));
	memcpy(&ev.s.daddr, t.daddr, sizeof(ev.s.daddr));
	ev.s.sport = t.sport;
	ev.s.dport = t.dport;
	ev.s.cookie = atomic64_read(&sk->sk_cookie);
	tcpobs_event_queue(sock_net(sk), &ev);
}

/* The ECN columns of the sockets file. */
static void tcpobs_sk_show_ecn_header(struct seq_file *seq)
{
	seq_puts(seq, " ce ect0 ect1 noect ece_in ece_out cwr_in cwr_out");
}

static void tcpobs_sk_show_ecn(struct seq_file *seq, const struct tcpobs_sk_ecn *x)
{
	seq_printf(seq, " %llu %llu %llu %llu %llu %llu %llu %llu",
		   (u64)atomic64_read(&x->in[INET_ECN_CE]),
		   (u64)atomic64_read(&x->in[INET_ECN_ECT_0]),
		   (u64)atomic64_read(&x->in[INET_ECN_ECT_1]),
		   (u64)atomic64_read(&x->in[INET_ECN_NOT_ECT]),
		   (u64)atomic64_read(&x->ece_in),
		   (u64)atomic64_read(&x->ece_out),
		   (u64)atomic64_read(&x->cwr_in),
		   (u64)atomic64_read(&x->cwr_out));
}

static void tcpobs_sk_show_one(struct seq_file *seq, struct tcpobs_sockent *e,
			       u64 now)
{
	struct tcpobs_sockent c = *e;
	u8 family = c.flags & TCPOBS_SKF_V6 ? AF_INET6 : AF_INET;
	u32 dce = tcpobs_sk_live(e, &c);

	tcpobs_print_addr(seq, family, c.saddr, c.sport);
	seq_putc(seq, ' ');
	tcpobs_print_addr(seq, family, c.daddr, c.dport);
	seq_printf(seq, " %s", tcpobs_state_name(c.state));
	tcpobs_print_secs(seq, now > c.since ? now - c.since : 0);
	tcpobs_print_secs(seq, now > c.created ? now - c.created : 0);
	seq_printf(seq, " %u %llx %u", c.transitions, c.cookie,
		   !!(c.flags & TCPOBS_SKF_ECN));
	tcpobs_sk_show_ecn(seq, &e->ecn);
	seq_printf(seq, " %u\n", dce);
}

/*
 * The sockets file is a seq_file iterator: each read() fills one buffer (a
 * page) with rows from where the previous read() stopped, inside one RCU
 * read section, and leaves the walk between reads: no reader holds the
 * whole output or RCU for the whole table. Position 0 is the header, n the
 * nth row.
 *
 * The walk is left (rhashtable_walk_stop() and _exit()) at the end of each
 * read(), since nothing would unlink the iterator from the table's walkers
 * if the file were closed in between. Where it was is kept: the table, the
 * slot and the entry before the row at @pos, which resumes it as
 * rhashtable_walk_start() resumes a stopped walk: the entry is looked for
 * in its slot, and if it is gone the walk goes on from its place there.
 * Reading from elsewhere (a seek), or after the table was resized, walks
 * from the start; a resize during a read starts the walk over, as for the
 * netlink dump: rows may then repeat.
 */
struct tcpobs_sk_seq {
	struct seq_net_private p;	/* first: proc_create_net()'s */
	struct rhashtable_iter iter;
	u64 now;
	loff_t pos;
	const void *tbl;
	struct rhash_head *prev;
	unsigned int slot;
	unsigned int skip;
};

static struct tcpobs_sockent *tcpobs_sk_seq_walk(struct tcpobs_sk_seq *st)
{
	struct tcpobs_sockent *e;

	do {
		e = rhashtable_walk_next(&st->iter);
	} while (IS_ERR(e));	/* -EAGAIN: resized, rows may repeat */
	return e;
}

/* Puts the started walk where the previous read() left it, if it can. */
static bool tcpobs_sk_seq_resume(struct tcpobs_sk_seq *st)
{
	struct bucket_table *tbl = st->iter.walker.tbl;
	struct rhash_head *p;
	unsigned int skip = 0;

	if (!tbl || tbl != st->tbl || st->slot >= tbl->size)
		return false;
	st->iter.slot = st->slot;
	st->iter.skip = st->skip;
	if (!st->prev)
		return true;
	rht_for_each_rcu(p, tbl, st->slot) {
		skip++;
		if (p == st->prev) {
			st->iter.skip = skip;
			st->iter.p = p;
			return true;
		}
	}
	/* Gone: the rows after it moved up by one. */
	st->iter.skip = st->skip - 1;
	return true;
}

static void *tcpobs_sk_seq_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	struct tcpobs_sk_seq *st = seq->private;
	struct net *net = seq_file_net(seq);
	struct tcpobs_sockent *e = NULL;
	loff_t n;

	/* The file exists while the namespace's table does (proc.c). */
	rhashtable_walk_enter(&tcpobs_net(net)->sockets, &st->iter);
	rhashtable_walk_start(&st->iter);
	if (!*pos) {
		st->now = ktime_get_ns();
		return SEQ_START_TOKEN;
	}
	if (!tcpobs_pcpu(net))
		return NULL;
	if (*pos == st->pos && tcpobs_sk_seq_resume(st))
		return tcpobs_sk_seq_walk(st);
	for (n = 1; n <= *pos; n++) {
		e = tcpobs_sk_seq_walk(st);
		if (!e)
			break;
		if (!(n % TCPOBS_SK_WALK_BATCH)) {
			rhashtable_walk_stop(&st->iter);
			cond_resched();
			rhashtable_walk_start(&st->iter);
		}
	}
	st->pos = 0;
	return e;
}

static void *tcpobs_sk_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct tcpobs_sk_seq *st = seq->private;

	++*pos;
	/* The walk before the row at *pos: a later read() starts there. */
	st->pos = *pos;
	st->tbl = st->iter.walker.tbl;
	st->prev = st->iter.p;
	st->slot = st->iter.slot;
	st->skip = st->iter.skip;
	/* A long read (or a seek's traverse) leaves RCU now and then. */
	if (!(*pos % TCPOBS_SK_WALK_BATCH)) {
		rhashtable_walk_stop(&st->iter);
		cond_resched();
		rhashtable_walk_start(&st->iter);
	}
	return tcpobs_sk_seq_walk(st);
}

static void tcpobs_sk_seq_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	struct tcpobs_sk_seq *st = seq->private;

	rhashtable_walk_stop(&st->iter);
	rhashtable_walk_exit(&st->iter);
	cond_resched();
}

static int tcpobs_sk_seq_show(struct seq_file *seq, void *v)
{
	struct tcpobs_sk_seq *st = seq->private;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "local peer state age_in_state age transitions cookie ecn");
		tcpobs_sk_show_ecn_header(seq);
		seq_puts(seq, " delivered_ce\n");
		return 0;
	}
	tcpobs_sk_show_one(seq, v, st->now);
	return 0;
}

const struct seq_operations tcpobs_sockets_seq_ops = {
	.start = tcpobs_sk_seq_start,
	.next = tcpobs_sk_seq_next,
	.stop = tcpobs_sk_seq_stop,
	.show = tcpobs_sk_seq_show,
};

const unsigned int tcpobs_sockets_seq_size = sizeof(struct tcpobs_sk_seq);

/* ecn.c: every live tracked socket of @tn, for the per-port roll-up. */
void tcpobs_sockets_for_each(struct tcpobs_net *tn,
			     void (*fn)(void *arg, u16 port, bool passive,
					bool ecn, const struct tcpobs_sk_ecn *x,
					u32 delivered_ce),
			     void *arg)
{
	struct rhashtable_iter iter;
	struct tcpobs_sockent *e;
	unsigned int n = 0;

	rhashtable_walk_enter(&tn->sockets, &iter);
	rhashtable_walk_start(&iter);
	while ((e = rhashtable_walk_next(&iter))) {
		bool passive;
		u32 dce;

		if (IS_ERR(e))
			continue;
		passive = e->flags & TCPOBS_SKF_PASSIVE;
		dce = tcpobs_sk_live(e, NULL);
		fn(arg, passive ? e->sport : e->dport, passive,
		   e->flags & TCPOBS_SKF_ECN, &e->ecn, dce);
		if (!(++n % TCPOBS_SK_WALK_BATCH)) {
			rhashtable_walk_stop(&iter);
			cond_resched();
			rhashtable_walk_start(&iter);
		}
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
}

int tcpobs_lifetimes_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	struct tcpobs_pcpu __percpu *pcpu = tcpobs_pcpu(net);
	unsigned int s, b;
	int cpu;

	seq_puts(seq, "state from_us to_us count\n");
	if (!pcpu)
		return 0;
	for (s = 0; s < TCP_MAX_STATES; s++) {
		for (b = 0; b < TCPOBS_LT_BUCKETS; b++) {
			u64 sum = 0;

			for_each_possible_cpu(cpu)
				sum += per_cpu_ptr(pcpu, cpu)->lifetimes[s][b];
			if (!sum)
				continue;
			seq_printf(seq, "%s %llu ", tcpobs_state_name(s),
				   b ? 1ULL << (b - 1) : 0);
			if (b == TCPOBS_LT_BUCKETS - 1)
				seq_puts(seq, "inf");
			else
				seq_printf(seq, "%llu", 1ULL << b);
			seq_printf(seq, " %llu\n", sum);
		}
	}
	return 0;
}
