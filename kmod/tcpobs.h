/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpobs: TCP observability at the socket level.
 *
 * Shared declarations of the module's parts. Each part owns one concern:
 *   main.c        load and unload order
 *   netns.c       per network namespace state (pernet_operations)
 *   proc.c        /proc/net/tcpobs/ directory of each namespace
 *   tracepoint.c  finding and attaching to non-exported tracepoints
 *   states.c      the TCP state-transition matrix (sock:inet_sock_set_state)
 *   listeners.c   the listener ledger: one entry per live listening socket
 *   listen_drops.c listen drops attributed to their listener (kretprobes and
 *                 per-CPU MIB deltas)
 *   stats.c       /proc/net/tcpobs/stats, the namespace totals
 *   timewait.c    the TIME_WAIT inventory (aggregates, no per-minisock state)
 *   sockets.c     the socket lifecycle table and time-in-state histograms
 *   ecn.c         ECN codepoints and ECE/CWR flags (netfilter hooks)
 */
#ifndef _TCPOBS_H
#define _TCPOBS_H

#include <linux/percpu.h>
#include <linux/rhashtable-types.h>
#include <linux/seq_file.h>
#include <linux/spinlock_types.h>
#include <linux/types.h>
#include <linux/in6.h>
#include <linux/netlink.h>
#include <linux/netfilter.h>
#include <net/net_namespace.h>
#include <net/tcp_states.h>

#include "compat.h"

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
};

/* ECN counts of one tracked socket, in its lifecycle entry. */
struct tcpobs_sk_ecn {
	atomic_t in[4];		/* by IP ECN codepoint (INET_ECN_*) */
	atomic_t ece_in;
	atomic_t ece_out;
	atomic_t cwr_in;
	atomic_t cwr_out;
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
#define TCPOBS_TW_KEY_BUCKETS 256

#define TCPOBS_ECN_HOOKS 4

/* A namespace's TIME_WAIT aggregates (timewait.c). */
struct tcpobs_tw {
	/* Protects keys and nkeys; readers walk keys under RCU. */
	spinlock_t lock;
	unsigned int nkeys;
	struct hlist_head keys[TCPOBS_TW_KEY_BUCKETS];
	/* Minisocks by second of timer expiry, modulo TCPOBS_TW_SLOTS. */
	atomic_long_t slots[TCPOBS_TW_SLOTS];
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
	/* Bumped when a socket enters or leaves the table: dumps check it. */
	atomic_t sockets_gen;
	/* The event stream (events.c); options set over netlink. */
	u32 events_mask;
	u32 events_interval_ms;
	atomic64_t events_seq;
	atomic64_t events_sent;
	atomic64_t events_lost;
};

/*
 * A section of "name value" counters is produced once, by a function that
 * calls an emitter per counter: procfs prints it, netlink puts it in a
 * TCPOBS_A_COUNTER nest, so both always agree. The name is prefix + name.
 * The first error (netlink: message full) ends the section, in e->err.
 */
struct tcpobs_emit {
	int (*fn)(struct tcpobs_emit *e, const char *prefix, const char *name,
		  s64 value);
	int err;
};

/* Emits one counter, unless an earlier one failed (e->err). */
static inline void tcpobs_emit(struct tcpobs_emit *e, const char *prefix,
			       const char *name, s64 value)
{
	if (!e->err)
		e->err = e->fn(e, prefix, name, value);
}

/* format.c */
extern const char * const tcpobs_drop_names[TCPOBS_DROP_MAX];
const char *tcpobs_state_name(unsigned int state);
int tcpobs_emit_seq(struct seq_file *seq,
		    int (*section)(struct net *net, struct tcpobs_emit *e),
		    struct net *net);
void tcpobs_print_secs(struct seq_file *seq, u64 ns);

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

extern const struct tcpobs_net_feature tcpobs_listen_drops_feature;
extern const struct tcpobs_net_feature tcpobs_timewait_feature;
extern const struct tcpobs_net_feature tcpobs_events_feature;
extern const struct tcpobs_net_feature tcpobs_ecn_ports_feature;
extern const struct tcpobs_net_feature tcpobs_sockets_feature;
extern const struct tcpobs_net_feature tcpobs_ecn_feature;
extern const struct tcpobs_net_feature tcpobs_listeners_feature;

/* netns.c */
int tcpobs_netns_init(const struct tcpobs_net_feature * const *features,
		      unsigned int n);
int tcpobs_netns_count(void);
void tcpobs_netns_exit(void);
struct tcpobs_net *tcpobs_net(const struct net *net);
struct tcpobs_pcpu __percpu *tcpobs_pcpu(const struct net *net);
void tcpobs_netns_reset(struct net *net);

/* proc.c */
int tcpobs_proc_init(void);
void tcpobs_proc_exit(void);

/* tracepoint.c */
struct tcpobs_tracepoint {
	const char *name;
	void *probe;
	struct tracepoint *tp;
};

int tcpobs_tracepoints_register(struct tcpobs_tracepoint *tps, unsigned int n);
void tcpobs_tracepoints_unregister(struct tcpobs_tracepoint *tps,
				   unsigned int n);

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
	u32 transitions;
	u32 ecn_counts[8];	/* ce ect0 ect1 noect ece_in ece_out cwr_in cwr_out */
	u32 delivered_ce;
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

/*
 * Where events go, registered by the netlink layer (genl.c): whether
 * anyone in @net listens (any context, under RCU), and sending one event
 * (process context; non-zero: lost).
 */
struct tcpobs_event_sink {
	bool (*has_listeners)(struct net *net);
	int (*send)(const struct tcpobs_event *ev);
};

/* events.c */
int tcpobs_events_init(void);
void tcpobs_events_exit(void);
void tcpobs_events_set_sink(const struct tcpobs_event_sink *sink);
bool tcpobs_events_want(struct net *net, u32 bit);
u64 tcpobs_events_interval_ns(struct net *net);
void tcpobs_event_queue(struct net *net, const struct tcpobs_event *tmpl);
int tcpobs_events_counters(struct net *net, struct tcpobs_emit *e);

/* genl.c */
int tcpobs_genl_init(void);
void tcpobs_genl_exit(void);
int tcpobs_genl_put_listener(struct sk_buff *skb, int type,
			     const struct tcpobs_listener_snap *l);

/* listeners.c */
int tcpobs_listeners_gen(void);
int tcpobs_listeners_walk_net(struct net *net, unsigned long pos[2],
			      int (*fn)(void *arg,
					const struct tcpobs_listener_snap *snap),
			      void *arg);
void tcpobs_listeners_scan(void);
void tcpobs_listeners_exit(void);
void tcpobs_listener_add(struct sock *sk);
void tcpobs_listener_del(const struct sock *sk);
void tcpobs_listener_account(const struct sock *sk,
			     const unsigned long delta[TCPOBS_DROP_MAX]);
unsigned int tcpobs_listeners_count(const struct net *net);
unsigned long tcpobs_listeners_table_full(void);
unsigned int tcpobs_listeners_count_all(void);
int tcpobs_listeners_show(struct seq_file *seq, void *v);
int tcpobs_listener_events_show(struct seq_file *seq, void *v);

/* listen_drops.c */
int tcpobs_listen_drops_init(void);
void tcpobs_listen_drops_exit(void);
void tcpobs_listen_drops_mib(const struct net *net,
			     unsigned long val[TCPOBS_DROP_MAX]);
unsigned long tcpobs_listen_drops_missed(void);

/* stats.c */
int tcpobs_stats_counters(struct net *net, struct tcpobs_emit *e);
int tcpobs_stats_show(struct seq_file *seq, void *v);

/* timewait.c */
int tcpobs_timewait_init(void);
void tcpobs_timewait_exit(void);
unsigned long tcpobs_timewait_missed(void);
int tcpobs_timewait_counters(struct net *net, struct tcpobs_emit *e);
void tcpobs_timewait_age_bounds(unsigned int b, u32 *from, u32 *to);

#define TCPOBS_TW_TOP_MAX 64

struct tcpobs_tw_row {
	long count;
	struct in6_addr addr;
	u16 port;
	u8 family;
};

unsigned int tcpobs_timewait_top(struct net *net, unsigned int kind,
				 unsigned int want, struct tcpobs_tw_row *top);
unsigned int tcpobs_timewait_default_top(void);
long tcpobs_timewait_ages(struct net *net, long ages[TCPOBS_TW_AGE_BUCKETS]);
int tcpobs_timewait_show(struct seq_file *seq, void *v);

/* sockets.c */
int tcpobs_sockets_init(void);
int tcpobs_sockets_count(void);
int tcpobs_sockets_register(void);
void tcpobs_sockets_unregister(void);
void tcpobs_sockets_exit(void);
struct tcpobs_sockets_walk;
struct tcpobs_sockets_walk *tcpobs_sockets_walk_start(struct net *net);
int tcpobs_sockets_walk(struct tcpobs_sockets_walk *w,
			int (*fn)(void *arg, const struct tcpobs_socket_snap *s),
			void *arg, unsigned int *resized);
void tcpobs_sockets_walk_end(struct tcpobs_sockets_walk *w);
unsigned int tcpobs_sockets_gen(struct net *net);
void tcpobs_sockets_state_event(const struct sock *sk, int oldstate,
				int newstate);
struct tcpobs_sk_ecn *tcpobs_sockets_ecn(struct tcpobs_net *tn,
					 const struct sock *sk);
void tcpobs_sockets_for_each(struct tcpobs_net *tn,
			     void (*fn)(void *arg, u16 port, bool passive,
					bool ecn, const struct tcpobs_sk_ecn *x,
					u32 delivered_ce),
			     void *arg);
void tcpobs_sockets_transition(struct sock *sk, struct tcpobs_net *tn,
			       struct tcpobs_pcpu __percpu *pcpu,
			       int oldstate, int newstate);
void tcpobs_sockets_handshake(const struct sock *child, u64 start);
void tcpobs_lifetime_add(struct tcpobs_pcpu __percpu *pcpu, unsigned int state,
			 u64 ns);
unsigned int tcpobs_sockets_total(void);
int tcpobs_sockets_show(struct seq_file *seq, void *v);
int tcpobs_lifetimes_show(struct seq_file *seq, void *v);

/* ecn_ports.c */
unsigned int tcpobs_ecn_ports_max(void);
unsigned int tcpobs_ecn_ports_count(struct tcpobs_net *tn);

/* The key of a service's row: its port and side. */
static inline u32 tcpobs_ecn_key(u16 port, bool passive)
{
	return (u32)port << 1 | passive;
}

void tcpobs_ecn_row_add(struct tcpobs_ecn_row *r, bool ecn,
			const struct tcpobs_sk_ecn *x, u32 delivered_ce);
void tcpobs_ecn_closed(struct tcpobs_net *tn, u16 port, bool passive, bool ecn,
		       const struct tcpobs_sk_ecn *x, u32 delivered_ce);
void tcpobs_ecn_ports_read(struct tcpobs_net *tn,
			   void (*fn)(void *arg, const struct tcpobs_ecn_row *r,
				      bool other),
			   void *arg);

/* ecn.c */
/* The rows being assembled for a read: open addressing by key. */
struct tcpobs_ecn_table {
	struct tcpobs_ecn_row *rows;
	unsigned int size;	/* power of 2 */
	unsigned int n;
	struct tcpobs_ecn_row other;
};

int tcpobs_ecn_counters(struct net *net, struct tcpobs_emit *e);
int tcpobs_ecn_rows(struct net *net, struct tcpobs_ecn_table *t);
void tcpobs_ecn_rows_free(struct tcpobs_ecn_table *t);
int tcpobs_ecn_show(struct seq_file *seq, void *v);

/* states.c */
int tcpobs_states_init(void);
void tcpobs_states_exit(void);
int tcpobs_states_show(struct seq_file *seq, void *v);

/* debugfs.c */
void tcpobs_debugfs_init(void);
void tcpobs_debugfs_exit(void);

#endif /* _TCPOBS_H */
