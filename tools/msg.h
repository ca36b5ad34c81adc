/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The replies of the tcpobs generic netlink family (version 2, specified in
 * Documentation/netlink/specs/tcpobs.yaml; the attribute enums are in the
 * generated kmod/uapi/linux/tcpobs.h), parsed into plain structures.
 * Parsers take one message and append to their structure; they return 0 or
 * -EBADMSG for a malformed message. Unknown attributes are ignored (the
 * kernel may add some), integers are accepted at any width, ports are in
 * network byte order on the wire and in host byte order here.
 */
#ifndef TCPOBS_MSG_H
#define TCPOBS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

#include "tool.h"

#define NCAUSES __TCPOBS_CAUSE_MAX
#define NTWKINDS __TCPOBS_TW_KIND_MAX

struct counter {
	char name[64];
	int64_t value;
};

struct counters {
	struct counter *v;
	size_t n, cap;
};

struct transition {
	uint8_t from, to;
	uint64_t count;
};

/* TCPOBS_CMD_GET_STATES: one message per transition. */
struct transitions {
	struct transition *v;
	size_t n, cap;
};

/*
 * TCPOBS_CMD_GET_STATS: the stats set in its order; the TIME_WAIT and ECN
 * totals; and events, the events_* counters of stats again (the "events"
 * object of stats -j).
 */
struct stats_reply {
	struct counters stats, timewait, ecn, events;
};

struct cause_when {
	bool seen;
	uint64_t count, first, last;	/* CLOCK_BOOTTIME ns */
};

struct listener {
	uint8_t family;
	uint8_t addr[16];
	size_t alen;
	uint16_t port;
	uint64_t cookie;
	uint32_t backlog, accept_q, accept_q_max, syn_q, syn_q_max;
	uint64_t cause[NCAUSES];
	struct cause_when when[NCAUSES];
};

struct listeners {
	struct listener *v;
	size_t n, cap;
};

/* The ECN columns of a socket, in the order of the procfs columns. */
enum {
	SK_CE, SK_ECT0, SK_ECT1, SK_NOECT, SK_ECE_IN, SK_ECE_OUT, SK_CWR_IN,
	SK_CWR_OUT, SK_DELIVERED_CE, SK_NECN
};
extern const char *const sock_ecn_names[SK_NECN];

struct sockrow {
	uint8_t family;
	uint8_t saddr[16], daddr[16];
	size_t alen;
	uint16_t sport, dport;
	uint8_t state;
	uint64_t age_in_state, age;	/* ns */
	uint64_t transitions;
	uint64_t cookie;
	uint8_t ecn;
	uint64_t ecnv[SK_NECN];
};

struct sockets {
	struct sockrow *v;
	size_t n, cap;
};

struct tw_row {
	uint16_t port;
	uint8_t family;
	uint8_t addr[16];
	size_t alen;
	uint64_t count;
};

struct tw_table {
	bool present;
	struct tw_row *rows;
	size_t n, cap;
	uint64_t other;
};

struct tw_age {
	uint32_t from, to;	/* seconds, to 0: no bound */
	uint64_t count;
};

/* TCPOBS_CMD_GET_TIMEWAIT */
struct tw_reply {
	struct counters totals;
	struct tw_table t[NTWKINDS];
	struct tw_age *ages;
	size_t nages, cap_ages;
};
extern const char *const tw_kind_names[NTWKINDS];

struct lifetime {
	uint8_t state;
	uint64_t from_us, to_us, count;	/* to_us 0: no bound */
};

struct lifetimes {
	struct lifetime *v;
	size_t n, cap;
};

/* The columns of an ECN service row after side and port. */
#define ECN_NCOLS 11
extern const char *const ecn_col_names[ECN_NCOLS];

struct ecn_row {
	uint8_t side;
	uint16_t port;
	uint64_t v[ECN_NCOLS];
};

/* TCPOBS_CMD_GET_ECN */
struct ecn_reply {
	struct counters totals;
	struct ecn_row *rows;
	size_t n, cap;
	bool has_other;
	struct ecn_row other;
};

/* TCPOBS_CMD_GET_FEATURES: whether each feature is exact on the running kernel. */
#define FEATURES_MAX 16
struct feature {
	char name[32];
	bool exact;
	char reason[128];
};

struct features {
	size_t n;
	struct feature v[FEATURES_MAX];
};

struct options {
	bool has_events, has_interval;
	uint32_t events, interval_ms;
};

struct event {
	uint64_t seq;
	uint8_t type;
	uint64_t time;		/* CLOCK_BOOTTIME ns */
	bool has_cause;
	uint8_t cause;
	bool has_listener;
	struct listener l;
	bool has_socket;
	struct sockrow s;
	uint8_t old_state, new_state;
};

/* Value of counter @name; false if absent. */
bool counters_get(const struct counters *c, const char *name, int64_t *v);
/* Value of counter @name, 0 if absent. */
int64_t counters_val(const struct counters *c, const char *name);

int parse_stats_msg(const struct nlmsghdr *nlh, struct stats_reply *r);
int parse_states_msg(const struct nlmsghdr *nlh, struct transitions *r);
int parse_listener_msg(const struct nlmsghdr *nlh, struct listeners *ls);
int parse_socket_msg(const struct nlmsghdr *nlh, struct sockets *ss);
int parse_timewait_msg(const struct nlmsghdr *nlh, struct tw_reply *r);
int parse_lifetimes_msg(const struct nlmsghdr *nlh, struct lifetimes *r);
int parse_ecn_msg(const struct nlmsghdr *nlh, struct ecn_reply *r);
int parse_options_msg(const struct nlmsghdr *nlh, struct options *o);
int parse_features_msg(const struct nlmsghdr *nlh, struct features *f);
/* An event message; -ENOMSG if it is not an event. */
int parse_event_msg(const struct nlmsghdr *nlh, struct event *ev);

/* "127.0.0.1:8080" of a listener, and of a socket's two ends. */
void listener_local(const struct listener *l, char *buf, size_t len);
void sock_local(const struct sockrow *s, char *buf, size_t len);
void sock_peer(const struct sockrow *s, char *buf, size_t len);
/* A listener's address alone. */
void listener_addr(const struct listener *l, char *buf, size_t len);

void stats_reply_free(struct stats_reply *r);
void transitions_free(struct transitions *r);
void listeners_free(struct listeners *ls);
void sockets_free(struct sockets *ss);
void tw_reply_free(struct tw_reply *r);
void lifetimes_free(struct lifetimes *r);
void ecn_reply_free(struct ecn_reply *r);

#endif
