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
 * goes at tcp_destroy_sock, on unload, or with its namespace.
 *
 * The table holds at most max_sockets entries; a socket born when it is
 * full is counted in its namespace's sockets_table_full and never
 * allocated. Lookups are lock-free (RCU); insertions and removals take one
 * of 64 bucket locks.
 *
 * The handshake (SYN-RECV) time of a passive child runs from the first
 * SYN-ACK sent for its request socket (snt_synack) to ESTABLISHED: the
 * tcp_check_req kretprobe (listen_drops.c) hands it over per CPU, since
 * the child's SYN-RECV -> ESTABLISHED follows on the same CPU in the same
 * softirq.
 */
#include <linux/hash.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/sock_diag.h>
#include <linux/spinlock.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "tcpobs.h"

static unsigned int max_sockets = 65536;
module_param(max_sockets, uint, 0444);
MODULE_PARM_DESC(max_sockets, "Most sockets in the lifecycle table at once (default 65536)");

#define TCPOBS_SK_HASH_BITS 12
#define TCPOBS_SK_LOCKS 64

/* 112 bytes on x86_64; see Documentation/procfs.rst. */
struct tcpobs_sockent {
	struct hlist_node node;
	struct rcu_head rcu;
	u64 cookie;
	const struct net *net;
	const struct sock *sk;
	u64 created;		/* ktime_get_ns() */
	u64 since;		/* entered the current state */
	__be32 saddr[4];
	__be32 daddr[4];
	u16 sport;
	u16 dport;
	u8 family;
	u8 state;
	u16 transitions;
};

static_assert(sizeof(struct tcpobs_sockent) <= 128);

static struct hlist_head tcpobs_sk_hash[1 << TCPOBS_SK_HASH_BITS];
static spinlock_t tcpobs_sk_locks[TCPOBS_SK_LOCKS];
static struct kmem_cache *tcpobs_sk_cache;
static atomic_t tcpobs_nsockets = ATOMIC_INIT(0);

struct tcpobs_handshake {
	const struct sock *child;
	u64 start;
};

static DEFINE_PER_CPU(struct tcpobs_handshake, tcpobs_handshake);

static unsigned int tcpobs_sk_bucket(u64 cookie)
{
	return hash_64(cookie, TCPOBS_SK_HASH_BITS);
}

static spinlock_t *tcpobs_sk_lock(unsigned int bucket)
{
	return &tcpobs_sk_locks[bucket % TCPOBS_SK_LOCKS];
}

static struct tcpobs_sockent *tcpobs_sk_find(u64 cookie)
{
	struct tcpobs_sockent *e;

	hlist_for_each_entry_rcu(e, &tcpobs_sk_hash[tcpobs_sk_bucket(cookie)],
				 node)
		if (e->cookie == cookie)
			return e;
	return NULL;
}

static void tcpobs_sk_tuple(struct tcpobs_sockent *e, const struct sock *sk)
{
	e->family = sk->sk_family;
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

/* Log2 buckets of microseconds: bucket b holds [2^(b-1), 2^b) us. */
static unsigned int tcpobs_lt_bucket(u64 us)
{
	unsigned int b = us ? ilog2(us) + 1 : 0;

	return min_t(unsigned int, b, TCPOBS_LT_BUCKETS - 1);
}

void tcpobs_lifetime_add(struct tcpobs_pcpu __percpu *pcpu, unsigned int state,
			 u64 ns)
{
	if (state < TCP_MAX_STATES)
		this_cpu_inc(pcpu->lifetimes[state][tcpobs_lt_bucket(ns / NSEC_PER_USEC)]);
}

static void tcpobs_sk_insert(struct sock *sk, struct tcpobs_pcpu __percpu *pcpu,
			     int state, u64 created, u64 now)
{
	struct tcpobs_sockent *e;
	unsigned long flags;
	unsigned int b;
	u32 c[2];

	if (atomic_inc_return(&tcpobs_nsockets) > max_sockets) {
		atomic_dec(&tcpobs_nsockets);
		this_cpu_inc(pcpu->sockets_table_full);
		return;
	}
	e = kmem_cache_zalloc(tcpobs_sk_cache, GFP_ATOMIC);
	if (!e) {
		atomic_dec(&tcpobs_nsockets);
		this_cpu_inc(pcpu->sockets_table_full);
		return;
	}
	sock_diag_save_cookie(sk, c);
	e->cookie = ((u64)c[1] << 32) | c[0];
	e->net = sock_net(sk);
	e->sk = sk;
	e->created = created;
	e->since = now;
	e->state = state;
	tcpobs_sk_tuple(e, sk);

	b = tcpobs_sk_bucket(e->cookie);
	spin_lock_irqsave(tcpobs_sk_lock(b), flags);
	hlist_add_head_rcu(&e->node, &tcpobs_sk_hash[b]);
	spin_unlock_irqrestore(tcpobs_sk_lock(b), flags);
	this_cpu_inc(pcpu->sockets);
}

static void tcpobs_sk_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(tcpobs_sk_cache,
			container_of(head, struct tcpobs_sockent, rcu));
}

static void tcpobs_sk_remove(struct tcpobs_sockent *e,
			     struct tcpobs_pcpu __percpu *pcpu)
{
	unsigned int b = tcpobs_sk_bucket(e->cookie);
	unsigned long flags;
	bool removed = false;

	spin_lock_irqsave(tcpobs_sk_lock(b), flags);
	if (!hlist_unhashed(&e->node)) {
		hlist_del_init_rcu(&e->node);
		removed = true;
	}
	spin_unlock_irqrestore(tcpobs_sk_lock(b), flags);
	if (!removed)
		return;
	atomic_dec(&tcpobs_nsockets);
	if (pcpu)
		this_cpu_dec(pcpu->sockets);
	call_rcu(&e->rcu, tcpobs_sk_free_rcu);
}

/* listen_drops.c: tcp_check_req returned @child; its handshake began then. */
void tcpobs_sockets_handshake(const struct sock *child, u64 start)
{
	struct tcpobs_handshake *h = this_cpu_ptr(&tcpobs_handshake);

	h->child = child;
	h->start = start;
}

/* A passive child reached ESTABLISHED: track it from its handshake. */
static void tcpobs_sk_insert_child(struct sock *sk,
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
	tcpobs_sk_insert(sk, pcpu, TCP_ESTABLISHED, created, now);
}

/* From the state tracepoint: @sk went from @oldstate to @newstate. */
void tcpobs_sockets_transition(struct sock *sk, int oldstate, int newstate)
{
	struct tcpobs_pcpu __percpu *pcpu = tcpobs_pcpu(sock_net(sk));
	struct tcpobs_sockent *e;
	u64 cookie, now;

	if (!pcpu || !tcpobs_sk_cache)
		return;
	now = ktime_get_ns();

	cookie = atomic64_read(&sk->sk_cookie);
	rcu_read_lock();
	e = cookie ? tcpobs_sk_find(cookie) : NULL;
	if (e) {
		tcpobs_lifetime_add(pcpu, e->state, now - READ_ONCE(e->since));
		tcpobs_sk_tuple(e, sk);
		WRITE_ONCE(e->since, now);
		WRITE_ONCE(e->state, newstate);
		e->transitions++;
	} else if (oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT) {
		tcpobs_sk_insert(sk, pcpu, newstate, now, now);
	} else if (oldstate == TCP_SYN_RECV && newstate == TCP_ESTABLISHED) {
		tcpobs_sk_insert_child(sk, pcpu, now);
	}
	rcu_read_unlock();
}

static void tcpobs_probe_destroy_sock(void *data, struct sock *sk)
{
	struct tcpobs_sockent *e;
	u64 cookie;

	cookie = atomic64_read(&sk->sk_cookie);
	if (!cookie)
		return;
	rcu_read_lock();
	e = tcpobs_sk_find(cookie);
	if (e)
		tcpobs_sk_remove(e, tcpobs_pcpu(sock_net(sk)));
	rcu_read_unlock();
}

static struct tcpobs_tracepoint tcpobs_sockets_tps[] = {
	{ .name = "tcp_destroy_sock", .probe = tcpobs_probe_destroy_sock },
};

int tcpobs_sockets_init(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < TCPOBS_SK_LOCKS; i++)
		spin_lock_init(&tcpobs_sk_locks[i]);
	tcpobs_sk_cache = KMEM_CACHE(tcpobs_sockent, 0);
	if (!tcpobs_sk_cache)
		return -ENOMEM;
	err = tcpobs_tracepoints_register(tcpobs_sockets_tps,
					  ARRAY_SIZE(tcpobs_sockets_tps));
	if (err) {
		kmem_cache_destroy(tcpobs_sk_cache);
		tcpobs_sk_cache = NULL;
	}
	return err;
}

void tcpobs_sockets_unregister(void)
{
	tcpobs_tracepoints_unregister(tcpobs_sockets_tps,
				      ARRAY_SIZE(tcpobs_sockets_tps));
}

/* Every probe is detached: free the table. */
void tcpobs_sockets_exit(void)
{
	struct tcpobs_sockent *e;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tcpobs_sk_hash); i++) {
		hlist_for_each_entry_safe(e, tmp, &tcpobs_sk_hash[i], node) {
			hlist_del_init_rcu(&e->node);
			call_rcu(&e->rcu, tcpobs_sk_free_rcu);
		}
	}
	atomic_set(&tcpobs_nsockets, 0);
	/* Wait for the callbacks before the cache goes. */
	rcu_barrier();
	kmem_cache_destroy(tcpobs_sk_cache);
	tcpobs_sk_cache = NULL;
}

/* A namespace goes: its entries go with it (probes no longer see it). */
void tcpobs_sockets_net_exit(const struct net *net)
{
	struct tcpobs_sockent *e;
	struct hlist_node *tmp;
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tcpobs_sk_hash); i++) {
		spin_lock_irqsave(tcpobs_sk_lock(i), flags);
		hlist_for_each_entry_safe(e, tmp, &tcpobs_sk_hash[i], node) {
			if (e->net != net)
				continue;
			hlist_del_init_rcu(&e->node);
			atomic_dec(&tcpobs_nsockets);
			call_rcu(&e->rcu, tcpobs_sk_free_rcu);
		}
		spin_unlock_irqrestore(tcpobs_sk_lock(i), flags);
	}
}

unsigned int tcpobs_sockets_total(void)
{
	return atomic_read(&tcpobs_nsockets);
}

static void tcpobs_print_addr(struct seq_file *seq, u8 family,
			      const __be32 *addr, u16 port)
{
	if (family == AF_INET6)
		seq_printf(seq, "[%pI6c]:%u", addr, port);
	else
		seq_printf(seq, "%pI4:%u", addr, port);
}

static void tcpobs_print_secs(struct seq_file *seq, u64 ns)
{
	seq_printf(seq, " %llu.%03u", ns / NSEC_PER_SEC,
		   (unsigned int)(ns % NSEC_PER_SEC / NSEC_PER_MSEC));
}

int tcpobs_sockets_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	u64 now = ktime_get_ns();
	struct tcpobs_sockent *e;
	unsigned int i;

	seq_puts(seq, "local peer state age_in_state age transitions cookie\n");
	rcu_read_lock();
	for (i = 0; i < ARRAY_SIZE(tcpobs_sk_hash); i++) {
		hlist_for_each_entry_rcu(e, &tcpobs_sk_hash[i], node) {
			struct tcpobs_sockent c;
			const struct sock *sk;

			if (!net_eq(e->net, net))
				continue;
			c = *e;
			/*
			 * The ports of a connecting socket are chosen after
			 * it enters SYN-SENT: read them from the socket, which
			 * is type-safe under RCU, if it is still the same one.
			 */
			sk = c.sk;
			if (c.state == TCP_SYN_SENT) {
				struct tcpobs_sockent fresh = c;

				tcpobs_sk_tuple(&fresh, sk);
				/* Read the tuple before checking it was ours. */
				smp_rmb();
				if (atomic64_read(&sk->sk_cookie) == c.cookie)
					c = fresh;
			}
			tcpobs_print_addr(seq, c.family, c.saddr, c.sport);
			seq_putc(seq, ' ');
			tcpobs_print_addr(seq, c.family, c.daddr, c.dport);
			seq_printf(seq, " %s", tcpobs_state_name(c.state));
			tcpobs_print_secs(seq, now > c.since ? now - c.since : 0);
			tcpobs_print_secs(seq, now > c.created ? now - c.created : 0);
			seq_printf(seq, " %u %llx\n", c.transitions, c.cookie);
		}
	}
	rcu_read_unlock();
	return 0;
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
