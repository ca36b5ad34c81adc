/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpobs: TCP observability at the socket level.
 *
 * What the module's parts share: the layout of the per-namespace state,
 * the snapshots and events passed between layers, counter sections and
 * the feature operations. Each part declares its own functions in its own
 * header (NAME.c: NAME.h), so a file's includes show what it uses. Each
 * part owns one concern, in layers that only call downwards:
 *
 *   top           main.c        load and unload order
 *   presentation  proc.c        /proc/net/tcpobs/ of each namespace
 *                 genl.c        the generic netlink family, the event sink
 *                 debugfs.c     leak-check counts
 *                 stats.c       the stats section, the namespace totals
 *   features      states.c      the state tracepoint: the transition matrix,
 *                               feeding the ledger and the lifecycle table
 *                 listen_drops.c listen drops attributed to their listener
 *                               (kretprobes and per-CPU MIB deltas)
 *                 ecn.c         ECN codepoints and ECE/CWR flags (netfilter)
 *                 listeners.c   the listener ledger
 *                 sockets.c     the socket lifecycle table, time in state
 *                 ecn_ports.c   ECN rows of closed sockets by service port
 *                 timewait.c    the TIME_WAIT inventory (aggregates only)
 *   core          events.c      the event rings, sent through a sink
 *                 netns.c       per-namespace state, the feature registry
 *                 tracepoint.c  attaching to non-exported tracepoints
 *                 format.c      names, counter sections, times
 *   compat.h      every difference between the kernels
 *
 * Features expose snapshots, iterators and show functions; they never
 * call presentation code (scripts/kmod-deps checks that no file calls
 * back up into one that calls it).
 */
#ifndef _TCPOBS_H
#define _TCPOBS_H

#include <linux/percpu.h>
#include <linux/rhashtable-types.h>
#include <linux/seq_file.h>
#include <linux/seqlock.h>
#include <linux/spinlock_types.h>
#include <linux/workqueue.h>
#include <linux/types.h>
#include <linux/in6.h>
#include <linux/netlink.h>
#include <linux/netfilter.h>
#include <net/net_namespace.h>
#include <net/tcp_states.h>

#define TCPOBS_VERSION "0.1.0"

/*
 * The kernel's listen-drop counters tcpobs attributes to listeners, in the
 * order of the procfs columns. Each is the per-listener share of one
 * LINUX_MIB_* field (see listen_drops.c for the mapping).
 */
enum tcpobs_drop {
	TCPOBS_LISTEN_OVERFLOWS,
	TCPOBS_LISTEN_DROPS,
	TCPOBS_REQQ_FULL_DROPS,
	TCPOBS_REQQ_FULL_COOKIES,
	TCPOBS_SYNCOOKIES_SENT,
	TCPOBS_SYNCOOKIES_RECV,
	TCPOBS_SYNCOOKIES_FAILED,
	TCPOBS_DROP_MAX
};

/* Time-in-state histograms: log2 buckets of microseconds. */
#define TCPOBS_LT_BUCKETS 40

/* Counters of one namespace on one CPU. Only ever written by that CPU. */
struct tcpobs_pcpu {
	u64 transitions[TCP_MAX_STATES][TCP_MAX_STATES];
	/* Every listen drop seen by the probes, tracked listener or not. */
	u64 drops[TCPOBS_DROP_MAX];
	/* Drops whose listener was not in the ledger (ledger full). */
	u64 untracked[TCPOBS_DROP_MAX];
	/* TIME_WAIT minisocks (timewait.c). */
	u64 tw_entries;
	u64 tw_exits;
	u64 tw_exits_untracked;
	u64 tw_rearms;
	u64 tw_keys_full;
	u64 tw_key_misses;
	/* Listeners the repair scan took into the ledger (listeners.c). */
	u64 listeners_repaired;
	/* The lifecycle table (sockets.c); sockets may go below 0 per CPU. */
	s64 sockets;
	u64 sockets_table_full;
	u64 lifetimes[TCP_MAX_STATES][TCPOBS_LT_BUCKETS];
	/* ECN (ecn.c): TCP packets received by codepoint, [0] IPv4, [1] IPv6. */
	u64 ecn_in[2][4];
	u64 ece_in;
	u64 ece_out;
	u64 cwr_in;
	u64 cwr_out;
	u64 ecn_negotiated;
	u64 ecn_not_negotiated;
	/* tcp_sock.delivered_ce of every socket destroyed. */
	u64 delivered_ce;
	/*
	 * Records dropped (or, for the ECN rows, folded into "other") because
	 * an allocation failed: each is also counted where it was lost
	 * (listeners_table_full, sockets_table_full, events_lost, ...). Any
	 * context: this_cpu_inc(pcpu->alloc_failed).
	 */
	u64 alloc_failed;
};

/*
 * ECN counts of one tracked socket, in its lifecycle entry: 64-bit, a
 * busy long-lived socket would wrap 32 bits within a day.
 */
struct tcpobs_sk_ecn {
	atomic64_t in[4];	/* by IP ECN codepoint (INET_ECN_*) */
	atomic64_t ece_in;
	atomic64_t ece_out;
	atomic64_t cwr_in;
	atomic64_t cwr_out;
};

/* ECN counts of one service port (ecn.c). */
struct tcpobs_ecn_row {
	u16 port;
	u8 passive;
	u64 sockets;
	u64 negotiated;
	u64 in[4];
	u64 ece_in;
	u64 ece_out;
	u64 cwr_in;
	u64 cwr_out;
	u64 delivered_ce;
};

/* The TIME_WAIT breakdown keys. */
enum tcpobs_twkey_kind {
	TCPOBS_TWK_LPORT,
	TCPOBS_TWK_RPORT,
	TCPOBS_TWK_PEER,
	TCPOBS_TWK_MAX
};

#define TCPOBS_TW_SLOTS 128
#define TCPOBS_TW_AGE_BUCKETS 8

#define TCPOBS_ECN_HOOKS 4

struct tcpobs_twtab;

/* A namespace's TIME_WAIT aggregates (timewait.c). */
struct tcpobs_tw {
	/*
	 * Protects the key table's chains, nkeys, ksum and unkeyed; taken
	 * with interrupts off, never held across an allocation. Readers walk
	 * the chains under RCU.
	 */
	spinlock_t lock;
	/* Odd while entries move between chains (resize, repair). */
	seqcount_spinlock_t moving;
	struct tcpobs_twtab __rcu *tab;
	unsigned int nkeys;
	bool resize_queued;
	/* Sum of the keys' counts, and minisocks without a key, by kind. */
	long ksum[TCPOBS_TWK_MAX];
	long unkeyed[TCPOBS_TWK_MAX];
	/* TIME-WAIT minisocks by second of timer expiry, mod TCPOBS_TW_SLOTS. */
	atomic_long_t slots[TCPOBS_TW_SLOTS];
	/* The same for FIN-WAIT-2 minisocks (armed to tcp_fin_timeout). */
	atomic_long_t fw2_slots[TCPOBS_TW_SLOTS];
	/* Repairs (timewait.c's checker): the table rebuilt from the kernel's. */
	struct list_head repair_node;
	struct net *net;
	unsigned int strikes;
	atomic_long_t repairs;
	atomic_long_t repaired;
	struct work_struct resize_work;
};

/* Per network namespace state, allocated by the netns core (.size). */
struct tcpobs_net {
	/*
	 * NULL before init and after exit. Probes may run for a namespace
	 * that is being torn down; they read this once and skip on NULL.
	 * The memory is freed in exit_batch after an RCU grace period.
	 */
	struct tcpobs_pcpu __percpu *pcpu;
	struct tcpobs_pcpu __percpu *dead_pcpu;
	/* The kernel's counters when tcpobs started counting this namespace. */
	unsigned long mib_base[TCPOBS_DROP_MAX];
	/* TcpExtTCPTimeWaitOverflow then (timewait.c). */
	unsigned long tw_overflow_base;
	struct tcpobs_tw tw;
	/* The lifecycle table's entries of this namespace (sockets.c). */
	struct rhashtable sockets;
	/* The destroy probe may use ->sockets (set up, not yet freed). */
	bool sockets_live;
	/* ECN (ecn.c): the hooks (priv = this), IpExtIn*Pkts then. */
	struct nf_hook_ops ecn_ops[TCPOBS_ECN_HOOKS];
	unsigned int ecn_nops;
	u64 ecn_mib_base[2][4];
	/* ECN rows of closed sockets by service port (ecn.c). */
	spinlock_t ecn_lock;
	unsigned int ecn_nports;
	struct hlist_head ecn_ports[64];
	struct tcpobs_ecn_row ecn_other;
	/* The event stream (events.c); options set over netlink. */
	u32 events_mask;
	u32 events_interval_ms;
	atomic64_t events_seq;
	atomic64_t events_sent;
	atomic64_t events_lost;
};

/*
 * A section of "name value" counters is produced once, by a function that
 * calls an emitter per counter: procfs prints its name (prefix + name),
 * netlink puts its attribute (@attr, one of the section's attribute set in
 * the family's spec), so both always agree. The first error (netlink:
 * message full) ends the section, in e->err.
 */
struct tcpobs_emit {
	int (*fn)(struct tcpobs_emit *e, int attr, const char *prefix,
		  const char *name, s64 value);
	int err;
};

/* Emits one counter, unless an earlier one failed (e->err). */
static inline void tcpobs_emit(struct tcpobs_emit *e, int attr,
			       const char *prefix, const char *name, s64 value)
{
	if (!e->err)
		e->err = e->fn(e, attr, prefix, name, value);
}

/*
 * A feature's part of every namespace's state (netns.c calls these; every
 * operation is optional): init before the namespace is counted, exit to
 * detach what reaches it from outside, stop before and free after the
 * RCU grace period of the namespace's end, reset for TCPOBS_CMD_RESET.
 */
struct tcpobs_net_feature {
	const char *name;
	int (*init)(struct net *net, struct tcpobs_net *tn);
	void (*exit)(struct net *net, struct tcpobs_net *tn);
	void (*stop)(struct tcpobs_net *tn);
	void (*free)(struct tcpobs_net *tn);
	void (*reset)(struct net *net, struct tcpobs_net *tn);
};

/* A listener's figures at one moment (netlink dumps, events). */
struct tcpobs_listener_snap {
	struct in6_addr addr;	/* AF_INET: in s6_addr32[0] */
	u64 cookie;
	u64 count[TCPOBS_DROP_MAX];
	u64 first[TCPOBS_DROP_MAX];	/* CLOCK_BOOTTIME, 0 = never */
	u64 last[TCPOBS_DROP_MAX];
	u32 backlog;
	u32 accept_q;
	u32 accept_q_max;
	u32 syn_q;
	u32 syn_q_max;
	u16 port;
	u8 family;
};

/* A tracked socket's figures at one moment (netlink dumps, events). */
struct tcpobs_socket_snap {
	struct in6_addr saddr;	/* AF_INET: in s6_addr32[0] */
	struct in6_addr daddr;
	u64 cookie;
	u64 age_in_state;	/* ns */
	u64 age;
	u64 transitions;
	u64 ecn_counts[8];	/* ce ect0 ect1 noect ece_in ece_out cwr_in cwr_out */
	u64 delivered_ce;
	u16 sport;
	u16 dport;
	u8 family;
	u8 state;
	u8 ecn;
};

/* An event, queued by a probe and sent from process context (events.c). */
struct tcpobs_event {
	struct net *net;	/* holds a reference */
	u64 seq;
	u64 time;		/* CLOCK_BOOTTIME */
	u8 type;		/* enum tcpobs_event_type */
	u8 cause;
	u8 old_state;
	u8 new_state;
	union {
		struct tcpobs_listener_snap l;
		struct tcpobs_socket_snap s;
	};
};

#endif /* _TCPOBS_H */
