// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: send random and mutated requests to the tcpobs generic netlink
 * family (version 2, Documentation/netlink/specs/tcpobs.yaml) and check
 * that the kernel answers every one of them with an error or a well-formed
 * reply: structurally sound, and every attribute of its command's
 * attribute set, of its type's length, nests flagged and right inside.
 *
 *   nlfuzz [-u] [-q] [-v] [-n COUNT] [-s SEED] [-b BATCH] [-k KIND]
 *   nlfuzz -o                   print the namespace's options and exit
 *   nlfuzz -O EVENTS:INTERVAL   set them and exit (CAP_NET_ADMIN)
 *
 * -k KIND sends only requests of one kind (the names in kind_names[]).
 *
 * First one valid request per command (the baseline), then COUNT requests
 * in all (default 100000): valid ones and mutations of them (unknown
 * commands, a do of a dump command and the reverse, attributes outside the
 * command's policy, wrong lengths and values out of range, nests where
 * requests take none (with or without NLA_F_NESTED, version 1's among
 * them), huge and deep nests, truncated messages and attributes, odd
 * nlmsg_flags, genl versions and types, random bytes), sent in batches
 * of up to BATCH (default 16) per sendmsg and tracked by nlmsg_seq. Now and
 * then a dump on a fresh socket is abandoned after its first part: the
 * socket is closed, or the next request is sent while the dump is still
 * running.
 *
 * A request the kernel must answer and does not within the receive
 * timeout (5 s) is "unanswered"; after 10 of them nlfuzz gives up. The
 * netlink core itself silently drops a few kinds of message by design
 * (nlmsg_len below 16 or beyond the buffer, no NLM_F_REQUEST without
 * NLM_F_ACK, and a successful RESET or SET_OPTIONS sent without
 * NLM_F_ACK): those are counted as "silent", not as failures. A message
 * that ends the kernel's walk of the buffer (a bad nlmsg_len, zeros after
 * a shortened one) is always the last of its batch.
 *
 * -u drops to uid/gid 65534 first: then RESET and SET_OPTIONS must never
 * succeed, and must fail with EPERM whenever their header is well-formed
 * (a dump flag or a malformed genl header may be refused earlier with
 * another errno).
 *
 * Prints one summary line, the errno histogram ("errno NAME COUNT", 0 for
 * successes) unless -q and, with -v, the figures per request kind. In the
 * summary: answered = errors (NLMSG_ERROR or NLMSG_DONE with an errno) +
 * replies (an ACK, a reply, a dump); sent = answered + unanswered + silent;
 * priv: RESET and SET_OPTIONS requests, priv_refused: those answered with
 * an error; eperm_other: EPERM for any other command; abandoned: dumps
 * left running; late: messages for a request of an earlier batch (parts
 * of an abandoned dump); extra: ACKs after a dump's NLMSG_DONE; overrun:
 * ENOBUFS (replies lost to our receive buffer).
 *
 * Exits 1 if a request went unanswered, a reply was malformed, the
 * baseline failed, a reply was lost to ENOBUFS, EPERM came for a command
 * open to all, or (with -u) a privileged command was not refused; 2 on a
 * usage or setup error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../../kmod/uapi/linux/tcpobs.h"

#define MAX_BATCH	64
#define BATCH_BYTES	(64 * 1024)	/* flush a batch beyond this */
#define MSG_ROOM	(70 * 1024)	/* room kept for the next message */
#define RX_VLEN		32
#define RX_BUFSZ	(128 * 1024)
#define TIMEOUT_S	5
#define MAX_ERRNO	4096

enum kind {
	K_VALID, K_BAD_CMD, K_ATTR_TYPE, K_ATTR_LEN, K_NO_NEST_FLAG, K_HUGE,
	K_DEEP, K_TRUNC_SHORT, K_TRUNC_LONG, K_PAST_END, K_TINY, K_FLAGS,
	K_VERSION, K_RANDOM, K_TYPE, K_ABANDON, K_MAX
};

static const char *const kind_names[K_MAX] = {
	"valid", "bad-cmd", "attr-type", "attr-len", "no-nest-flag", "huge",
	"deep", "trunc-short", "trunc-long", "past-end", "tiny", "flags",
	"version", "random", "type", "abandon",
};

/* Per mille. */
static const unsigned int kind_weight[K_MAX] = {
	[K_VALID] = 200, [K_BAD_CMD] = 60, [K_ATTR_TYPE] = 100,
	[K_ATTR_LEN] = 100, [K_NO_NEST_FLAG] = 60, [K_HUGE] = 30,
	[K_DEEP] = 30, [K_TRUNC_SHORT] = 50, [K_TRUNC_LONG] = 20,
	[K_PAST_END] = 60, [K_TINY] = 10, [K_FLAGS] = 120, [K_VERSION] = 40,
	[K_RANDOM] = 80, [K_TYPE] = 30, [K_ABANDON] = 10,
};

enum expect { EXP_ANSWER, EXP_MAYBE };

struct req {
	uint32_t seq;
	size_t off, len;	/* where its bytes are in the batch */
	uint16_t type, flags;
	uint8_t kind, cmd, expect;
	uint8_t ack, dump, genl;	/* asked for an ACK; a dump; genl header present */
	uint8_t priv, priv_strict;	/* RESET/SET_OPTIONS; ... well-formed */
	uint8_t done, answered, got_reply;
	int err;
};

struct msg {
	unsigned char *b;
	size_t len, cap;
};

static int family_id;
static int unpriv, quiet, verbose;
static uint32_t seq_next = 1;
static uint64_t rng;

static unsigned char batch[BATCH_BYTES + MSG_ROOM + 4096];
static struct req reqs[MAX_BATCH];
static int nreq;
static uint32_t base_seq;
static unsigned char rxbuf[RX_VLEN][RX_BUFSZ];

static struct {
	unsigned long sent, answered, errors, replies, unanswered, silent;
	unsigned long malformed, eperm, late, extra, overrun;
	unsigned long priv, priv_refused, priv_not_refused, priv_not_eperm;
	unsigned long eperm_other, abandoned, sockets;
	unsigned long kind_sent[K_MAX], kind_err[K_MAX], kind_ok[K_MAX];
	unsigned long kind_silent[K_MAX];
	unsigned long hist[MAX_ERRNO];
} st;

/* --- random numbers (splitmix64) --------------------------------------------- */

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rn(unsigned int n)
{
	return n ? rnd() % n : 0;
}

static int chance(unsigned int one_in)
{
	return rn(one_in) == 0;
}

static void rnd_bytes(unsigned char *p, size_t n)
{
	while (n--)
		*p++ = rnd();
}

/* --- building messages ------------------------------------------------------- */

static void *put(struct msg *m, const void *data, size_t len)
{
	unsigned char *p = m->b + m->len;

	if (m->len + len > m->cap) {
		fprintf(stderr, "nlfuzz: message too large\n");
		exit(2);
	}
	if (data)
		memcpy(p, data, len);
	else
		memset(p, 0, len);
	m->len += len;
	return p;
}

static void pad4(struct msg *m)
{
	while (m->len & 3)
		put(m, NULL, 1);
}

/* An attribute: header, @len bytes of @data (zeros if NULL), padding. */
static size_t attr(struct msg *m, uint16_t type, const void *data, size_t len)
{
	size_t off = m->len;
	struct nlattr a = { .nla_len = NLA_HDRLEN + len, .nla_type = type };

	put(m, &a, sizeof(a));
	put(m, data, len);
	pad4(m);
	return off;
}

static size_t attr_u8(struct msg *m, uint16_t type, uint8_t v)
{
	return attr(m, type, &v, 1);
}

static size_t attr_u16(struct msg *m, uint16_t type, uint16_t v)
{
	return attr(m, type, &v, 2);
}

static size_t attr_u32(struct msg *m, uint16_t type, uint32_t v)
{
	return attr(m, type, &v, 4);
}

static size_t attr_u64(struct msg *m, uint16_t type, uint64_t v)
{
	return attr(m, type, &v, 8);
}

static size_t nest_start(struct msg *m, uint16_t type)
{
	return attr(m, type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(struct msg *m, size_t off)
{
	size_t len = m->len - off;

	((struct nlattr *)(m->b + off))->nla_len = len > 0xffff ? 0xffff : len;
}

static struct nlmsghdr *nlh_of(struct msg *m)
{
	return (struct nlmsghdr *)m->b;
}

static struct genlmsghdr *genl_of(struct msg *m)
{
	return (struct genlmsghdr *)(m->b + NLMSG_HDRLEN);
}

static void header(struct msg *m, uint16_t type, uint16_t flags, uint8_t cmd)
{
	struct nlmsghdr h = { .nlmsg_type = type, .nlmsg_flags = flags,
			      .nlmsg_seq = seq_next };
	struct genlmsghdr g = { .cmd = cmd, .version = TCPOBS_GENL_VERSION };

	m->len = 0;
	put(m, &h, sizeof(h));
	put(m, &g, sizeof(g));
}

static void finish(struct msg *m)
{
	nlh_of(m)->nlmsg_len = m->len;
}

/* --- the family, version 2 (Documentation/netlink/specs/tcpobs.yaml) --------- */

/*
 * An attribute set: what the kernel may put at each attribute type, from
 * 0 (none, '-') to the set's maximum: 'p' pad, '1' u8, '2' u16, '4' u32,
 * '8' u64 or s64, 'a' an address (4 or 16 bytes), 's' a NUL-terminated
 * string, 'n' a nest (NLA_F_NESTED) of the set nests[] gives.
 */
struct aset;

struct nest_of {
	uint16_t type;
	const struct aset *set;
};

struct aset {
	const char *name, *types;
	unsigned int max;
	const struct nest_of *nests;	/* ends with type 0 */
};

#define ASET(var, name, max, types, nests)					\
	_Static_assert(sizeof(types) == (max) + 2, name ": a type per attribute"); \
	static const struct aset var = { name, types, max, nests }

ASET(set_tw_stats, "timewait-stats", TCPOBS_A_TIMEWAIT_STATS_MAX, "-p888888888888888", NULL);
ASET(set_ecn_stats, "ecn-stats", TCPOBS_A_ECN_STATS_MAX, "-p88888888888888888888888", NULL);
static const struct nest_of stats_nests[] = {
	{ TCPOBS_A_STATS_TIMEWAIT, &set_tw_stats }, { TCPOBS_A_STATS_ECN, &set_ecn_stats }, { 0 },
};
ASET(set_stats, "stats", TCPOBS_A_STATS_MAX, "-p88888888888888888888888888888nn88", stats_nests);
ASET(set_transition, "transition", TCPOBS_A_TRANSITION_MAX, "-p118", NULL);
ASET(set_cause, "cause", TCPOBS_A_CAUSE_MAX, "-p1888", NULL);
static const struct nest_of listener_nests[] = {
	{ TCPOBS_A_LISTENER_CAUSE, &set_cause }, { 0 },
};
ASET(set_listener, "listener", TCPOBS_A_LISTENER_MAX, "-p1a28444448888888n", listener_nests);
ASET(set_socket, "socket", TCPOBS_A_SOCKET_MAX, "-p1aa221888818888888882", NULL);
ASET(set_tw_row, "tw-row", TCPOBS_A_TW_ROW_MAX, "-p21a8", NULL);
static const struct nest_of tw_table_nests[] = {
	{ TCPOBS_A_TW_TABLE_ROW, &set_tw_row }, { 0 },
};
ASET(set_tw_table, "tw-table", TCPOBS_A_TW_TABLE_MAX, "-p18n", tw_table_nests);
ASET(set_tw_age, "tw-age", TCPOBS_A_TW_AGE_MAX, "-p448", NULL);
static const struct nest_of timewait_nests[] = {
	{ TCPOBS_A_TIMEWAIT_TOTALS, &set_tw_stats }, { TCPOBS_A_TIMEWAIT_TABLE, &set_tw_table },
	{ TCPOBS_A_TIMEWAIT_AGE, &set_tw_age }, { 0 },
};
ASET(set_timewait, "timewait", TCPOBS_A_TIMEWAIT_MAX, "-p4nnn", timewait_nests);
ASET(set_lifetime, "lifetime", TCPOBS_A_LIFETIME_MAX, "-p1888", NULL);
ASET(set_ecn_service, "ecn-service", TCPOBS_A_ECN_SERVICE_MAX, "-p1288888888888", NULL);
static const struct nest_of ecn_nests[] = {
	{ TCPOBS_A_ECN_TOTALS, &set_ecn_stats }, { TCPOBS_A_ECN_SERVICE, &set_ecn_service }, { 0 },
};
ASET(set_ecn, "ecn", TCPOBS_A_ECN_MAX, "-pnn", ecn_nests);
ASET(set_options, "options", TCPOBS_A_OPTIONS_MAX, "-44", NULL);
ASET(set_feature, "feature", TCPOBS_A_FEATURE_MAX, "-s1s", NULL);

static const struct aset *nest_set(const struct aset *s, unsigned int type)
{
	const struct nest_of *n;

	for (n = s->nests; n && n->type; n++)
		if (n->type == type)
			return n->set;
	return NULL;
}

/* A request attribute: what its policy takes. */
enum akind {
	A_FAMILY,	/* u8, 2 or 10 (a validation function) */
	A_PORT,		/* be16, any */
	A_STATE,	/* u8, 1..13 */
	A_TOP,		/* u32, 1..TCPOBS_TW_TOP_MAX */
	A_EVENTS,	/* u32, mask 0x3 */
	A_INTERVAL,	/* u32, 1..60000 */
};

static const uint8_t akind_len[] = {
	[A_FAMILY] = 1, [A_PORT] = 2, [A_STATE] = 1, [A_TOP] = 4,
	[A_EVENTS] = 4, [A_INTERVAL] = 4,
};

struct rattr {
	uint16_t type;
	uint8_t kind;
};

/*
 * A command: a do or a dump (never both), with a reply (a do; a dump's
 * parts may be none); its attribute set (of its replies, and whose other
 * attributes its requests may not carry); its request attributes (the
 * policy of the op; none: every attribute is refused).
 */
struct cmd_spec {
	uint8_t cmd, dump, reply;
	const struct aset *set;
	uint8_t n_attrs;
	struct rattr attrs[3];
};

static const struct cmd_spec cmd_specs[] = {
	{ TCPOBS_CMD_GET_STATS, 0, 1, &set_stats, 0, { { 0, 0 } } },
	{ TCPOBS_CMD_GET_STATES, 1, 0, &set_transition, 0, { { 0, 0 } } },
	{ TCPOBS_CMD_GET_LISTENER, 1, 0, &set_listener, 2,
	  { { TCPOBS_A_LISTENER_FAMILY, A_FAMILY }, { TCPOBS_A_LISTENER_PORT, A_PORT } } },
	{ TCPOBS_CMD_GET_SOCKET, 1, 0, &set_socket, 3,
	  { { TCPOBS_A_SOCKET_FAMILY, A_FAMILY }, { TCPOBS_A_SOCKET_STATE, A_STATE },
	    { TCPOBS_A_SOCKET_PORT, A_PORT } } },
	{ TCPOBS_CMD_GET_TIMEWAIT, 1, 0, &set_timewait, 1, { { TCPOBS_A_TIMEWAIT_TOP, A_TOP } } },
	{ TCPOBS_CMD_GET_LIFETIMES, 1, 0, &set_lifetime, 0, { { 0, 0 } } },
	{ TCPOBS_CMD_GET_ECN, 1, 0, &set_ecn, 0, { { 0, 0 } } },
	{ TCPOBS_CMD_RESET, 0, 0, &set_stats, 0, { { 0, 0 } } },
	{ TCPOBS_CMD_SET_OPTIONS, 0, 0, &set_options, 2,
	  { { TCPOBS_A_OPTIONS_EVENTS, A_EVENTS }, { TCPOBS_A_OPTIONS_INTERVAL_MS, A_INTERVAL } } },
	{ TCPOBS_CMD_GET_OPTIONS, 0, 1, &set_options, 0, { { 0, 0 } } },
	{ TCPOBS_CMD_GET_FEATURES, 1, 0, &set_feature, 0, { { 0, 0 } } },
};
#define N_CMDS (sizeof(cmd_specs) / sizeof(cmd_specs[0]))

/* The commands whose requests take attributes. */
static const uint8_t cmds_with_attrs[] = {
	TCPOBS_CMD_GET_LISTENER, TCPOBS_CMD_GET_SOCKET,
	TCPOBS_CMD_GET_TIMEWAIT, TCPOBS_CMD_SET_OPTIONS,
};

/*
 * Version 1's numbers, for the requests an old client still sends: its
 * nested filter (type 9: PORT 1, FAMILY 2, STATE 3) and options (type 15).
 */
#define V1_A_FILTER		9
#define V1_A_FILTER_PORT	1
#define V1_A_OPTIONS		15
#define V1_A_OPT_INTERVAL_MS	2

static const struct cmd_spec *spec_of(uint8_t cmd)
{
	size_t i;

	for (i = 0; i < N_CMDS; i++)
		if (cmd_specs[i].cmd == cmd)
			return &cmd_specs[i];
	return NULL;
}

static int is_dump_cmd(uint8_t cmd)
{
	const struct cmd_spec *c = spec_of(cmd);

	return c && c->dump;
}

static int is_priv_cmd(uint8_t cmd)
{
	return cmd == TCPOBS_CMD_RESET || cmd == TCPOBS_CMD_SET_OPTIONS;
}

/* Every 'n' of a set has its nested set (a mistake of this file's). */
static int schema_ok(const struct aset *s, int depth)
{
	unsigned int t;

	if (depth > 4)
		return 0;
	for (t = 1; t <= s->max; t++) {
		const struct aset *n = nest_set(s, t);

		if ((s->types[t] == 'n') != !!n || (n && !schema_ok(n, depth + 1))) {
			fprintf(stderr, "nlfuzz: attribute %u of set %s\n", t, s->name);
			return 0;
		}
	}
	return 1;
}

/* --- building requests ------------------------------------------------------ */

static size_t attr_be16(struct msg *m, uint16_t type, uint16_t v)
{
	return attr_u16(m, type, htons(v));
}

static uint32_t valid_value(uint8_t kind)
{
	switch (kind) {
	case A_FAMILY:
		return chance(2) ? AF_INET : AF_INET6;
	case A_PORT:
		return chance(2) ? 9300 + rn(4) : (uint16_t)rnd();
	case A_STATE:
		return 1 + rn(13);
	case A_TOP:
		return 1 + rn(TCPOBS_TW_TOP_MAX);
	case A_EVENTS:
		return rn((TCPOBS_EVENTS_LISTEN_DROPS | TCPOBS_EVENTS_STATES) + 1);
	default:
		return 1 + rn(60000);
	}
}

/* A value the policy refuses (a port has none: any value goes). */
static uint32_t bad_value(uint8_t kind)
{
	static const uint8_t fam[] = { 0, 1, 3, 7, 9, 11, 0xff };
	static const uint32_t top[] = { 0, TCPOBS_TW_TOP_MAX + 1, 1000, 0xffffffff, 0x80000000 };
	static const uint32_t iv[] = { 0, 60001, 0xffffffff, 100000 };
	uint8_t v;

	switch (kind) {
	case A_FAMILY:
		if (chance(2))
			return fam[rn(sizeof(fam))];
		do
			v = rnd();
		while (v == AF_INET || v == AF_INET6);
		return v;
	case A_STATE:
		return chance(2) ? 0 : 14 + rn(242);
	case A_TOP:
		return top[rn(sizeof(top) / sizeof(top[0]))];
	case A_EVENTS:
		return (4U << rn(30)) | rn(4);
	case A_INTERVAL:
		return iv[rn(sizeof(iv) / sizeof(iv[0]))];
	default:
		return rnd();
	}
}

/* The attribute @a with the value @v, in its length. */
static size_t put_value(struct msg *m, const struct rattr *a, uint32_t v)
{
	switch (akind_len[a->kind]) {
	case 1:
		return attr_u8(m, a->type, v);
	case 2:
		return attr_be16(m, a->type, v);
	default:
		return attr_u32(m, a->type, v);
	}
}

/* Valid request attributes for @c, at random; set-options gets at least one. */
static void valid_attrs(struct msg *m, const struct cmd_spec *c)
{
	unsigned int i, which;

	if (c->cmd == TCPOBS_CMD_SET_OPTIONS) {
		which = 1 + rn(3);
		for (i = 0; i < c->n_attrs; i++)
			if (which & (1U << i))
				put_value(m, &c->attrs[i], valid_value(c->attrs[i].kind));
		return;
	}
	for (i = 0; i < c->n_attrs; i++)
		if (chance(2))
			put_value(m, &c->attrs[i], valid_value(c->attrs[i].kind));
}

/* The flags of a valid request for @c. */
static uint16_t valid_flags(const struct cmd_spec *c)
{
	if (c->dump)
		return NLM_F_REQUEST | NLM_F_DUMP | (chance(4) ? NLM_F_ACK : 0);
	return NLM_F_REQUEST | NLM_F_ACK;
}

/* A valid request for @cmd, attributes included at random. */
static void valid_request(struct msg *m, uint8_t cmd)
{
	const struct cmd_spec *c = spec_of(cmd);

	header(m, family_id, valid_flags(c), cmd);
	valid_attrs(m, c);
	finish(m);
}

/*
 * A command at random. GET_ECN is rare: it sorts a table of
 * 2 * (max_ecn_ports + 64) rows per request, ~3 ms under TCG.
 */
static uint8_t random_valid_cmd(void)
{
	uint8_t cmd;

	if (chance(128))
		return TCPOBS_CMD_GET_ECN;
	do
		cmd = cmd_specs[rn(N_CMDS)].cmd;
	while (cmd == TCPOBS_CMD_GET_ECN);
	return cmd;
}

/* A dump command at random (GET_ECN rare, as above). */
static uint8_t random_dump_cmd(void)
{
	uint8_t cmd;

	do
		cmd = random_valid_cmd();
	while (!is_dump_cmd(cmd));
	return cmd;
}

static const struct cmd_spec *random_spec_with_attrs(void)
{
	return spec_of(cmds_with_attrs[rn(sizeof(cmds_with_attrs))]);
}

/* A valid request that carries at least one attribute. */
static void request_with_attrs(struct msg *m)
{
	const struct cmd_spec *c = random_spec_with_attrs();
	const struct rattr *a;

	valid_request(m, c->cmd);
	if (m->len > GENL_HDRLEN + NLMSG_HDRLEN)
		return;
	a = &c->attrs[rn(c->n_attrs)];
	put_value(m, a, valid_value(a->kind));
	finish(m);
}

/* An attribute of a command's policy with a wrong length or value. */
static void bad_len_attr(struct msg *m)
{
	static const size_t lens[] = { 0, 1, 2, 3, 5, 6, 7, 8, 12, 16, 64 };
	const struct cmd_spec *c = random_spec_with_attrs();
	const struct rattr *a = &c->attrs[rn(c->n_attrs)];
	unsigned char junk[64];
	size_t len = lens[rn(sizeof(lens) / sizeof(lens[0]))];
	unsigned int i;

	rnd_bytes(junk, sizeof(junk));
	header(m, family_id, valid_flags(c), c->cmd);
	switch (rn(6)) {
	case 0:		/* the wrong length */
		while (len == akind_len[a->kind])
			len = lens[rn(sizeof(lens) / sizeof(lens[0]))];
		attr(m, a->type, junk, len);
		break;
	case 1:		/* a value out of range (a port: the wrong length) */
		if (a->kind == A_PORT)
			attr(m, a->type, junk, chance(2) ? 1 : 4);
		else
			put_value(m, a, bad_value(a->kind));
		break;
	case 2:		/* valid attributes, and one bad value among them */
		for (i = 0; i < c->n_attrs; i++) {
			if (&c->attrs[i] == a && a->kind != A_PORT)
				put_value(m, a, bad_value(a->kind));
			else
				put_value(m, &c->attrs[i], valid_value(c->attrs[i].kind));
		}
		if (a->kind == A_PORT)
			attr(m, a->type, junk, len == 2 ? 0 : len);
		break;
	case 3:		/* a "nest" whose payload is not whole attributes */
		attr(m, a->type | NLA_F_NESTED, junk, 1 + rn(3));
		break;
	case 4: {	/* the attribute of another command's policy */
		const struct cmd_spec *o = random_spec_with_attrs();
		const struct rattr *b = &o->attrs[rn(o->n_attrs)];

		put_value(m, b, valid_value(b->kind));
		break;
	}
	default:	/* no attribute where one is needed, or an empty one */
		header(m, family_id, NLM_F_REQUEST | NLM_F_ACK, TCPOBS_CMD_SET_OPTIONS);
		if (chance(2))
			attr(m, TCPOBS_A_OPTIONS_EVENTS + rn(2), NULL, 0);
		break;
	}
	finish(m);
}

/* A random attribute type of @s, beyond it now and then, flags and all. */
static uint16_t random_type(const struct aset *s)
{
	uint16_t type = rn(s->max + 8);

	if (chance(4))
		type |= chance(2) ? NLA_F_NESTED : NLA_F_NET_BYTEORDER;
	if (chance(8))
		type = rnd();
	return type;
}

/* Valid request plus random attributes, at the top or in a nest. */
static void bad_type_attrs(struct msg *m)
{
	unsigned char junk[16];
	unsigned int i, n = 1 + rn(4);
	uint8_t cmd = random_valid_cmd();
	const struct aset *s = spec_of(cmd)->set;
	size_t nest = 0;

	valid_request(m, cmd);
	if (chance(3))
		nest = nest_start(m, chance(4) ? V1_A_FILTER : rn(s->max + 2));
	for (i = 0; i < n; i++) {
		rnd_bytes(junk, sizeof(junk));
		attr(m, random_type(s), junk, rn(17));
	}
	if (nest)
		nest_end(m, nest);
	finish(m);
}

/*
 * Nests where there are none: version 2's requests take no nest. A nest
 * without NLA_F_NESTED (version 1's filter or options, a nest of the
 * command's set), or a request attribute flagged NLA_F_NESTED.
 */
static void no_nest_flag(struct msg *m)
{
	struct nlattr *a;
	size_t n;

	switch (rn(3)) {
	case 0:		/* version 1's nests */
		if (chance(2)) {
			header(m, family_id, NLM_F_REQUEST | NLM_F_ACK, TCPOBS_CMD_SET_OPTIONS);
			n = nest_start(m, V1_A_OPTIONS);
			attr_u32(m, V1_A_OPT_INTERVAL_MS, 100);
		} else {
			header(m, family_id, NLM_F_REQUEST | NLM_F_DUMP,
			       chance(2) ? TCPOBS_CMD_GET_SOCKET : TCPOBS_CMD_GET_LISTENER);
			n = nest_start(m, V1_A_FILTER);
			attr_u16(m, V1_A_FILTER_PORT, 9300);
		}
		break;
	case 1: {	/* a nest of the command's set */
		const struct cmd_spec *c;
		unsigned int k = 0;

		do
			c = &cmd_specs[rn(N_CMDS)];
		while (!c->set->nests);
		while (c->set->nests[k].type)
			k++;
		header(m, family_id, valid_flags(c), c->cmd);
		n = nest_start(m, c->set->nests[rn(k)].type);
		attr_u64(m, 2, 1);
		break;
	}
	default: {	/* a request attribute with the flag */
		const struct cmd_spec *c = random_spec_with_attrs();
		const struct rattr *ra = &c->attrs[rn(c->n_attrs)];

		header(m, family_id, valid_flags(c), c->cmd);
		n = put_value(m, ra, valid_value(ra->kind));
		((struct nlattr *)(m->b + n))->nla_type |= NLA_F_NESTED;
		finish(m);
		return;
	}
	}
	nest_end(m, n);
	a = (struct nlattr *)(m->b + n);
	a->nla_type &= ~NLA_F_NESTED;
	finish(m);
}

/* Thousands of attributes, or one very long one. */
static void huge(struct msg *m)
{
	unsigned int i, n = chance(16) ? 1000 + rn(6000) : 10 + rn(300);

	switch (rn(4)) {
	case 0:		/* top repeated: valid, the last one counts */
		header(m, family_id, NLM_F_REQUEST | NLM_F_DUMP, TCPOBS_CMD_GET_TIMEWAIT);
		for (i = 0; i < n && m->len < 60000; i++)
			attr_u32(m, TCPOBS_A_TIMEWAIT_TOP, 1 + rn(TCPOBS_TW_TOP_MAX));
		break;
	case 1: {	/* a socket or listener filter repeated */
		const struct cmd_spec *c = spec_of(chance(2) ? TCPOBS_CMD_GET_SOCKET :
						   TCPOBS_CMD_GET_LISTENER);

		header(m, family_id, NLM_F_REQUEST | NLM_F_DUMP, c->cmd);
		for (i = 0; i < n && m->len < 60000; i++) {
			const struct rattr *a = &c->attrs[rn(c->n_attrs)];

			put_value(m, a, valid_value(a->kind));
		}
		break;
	}
	case 2:		/* options repeated */
		header(m, family_id, NLM_F_REQUEST | NLM_F_ACK, TCPOBS_CMD_SET_OPTIONS);
		for (i = 0; i < n && m->len < 60000; i++)
			attr_u32(m, TCPOBS_A_OPTIONS_INTERVAL_MS, 1 + rn(60000));
		break;
	default: {	/* one attribute of up to 60000 bytes */
		size_t len = rn(chance(16) ? 60000 : 2048), off;
		uint8_t cmd = random_valid_cmd();
		const struct aset *s = spec_of(cmd)->set;

		header(m, family_id, valid_flags(spec_of(cmd)), cmd);
		off = attr(m, chance(2) ? rn(s->max + 2) : rn(s->max + 2) | NLA_F_NESTED,
			   NULL, len);
		if (chance(2))
			rnd_bytes(m->b + off + NLA_HDRLEN, len);
		break;
	}
	}
	finish(m);
}

/* Nests in nests, hundreds deep. */
static void deep(struct msg *m)
{
	size_t stack[1024];
	unsigned int depth = 2 + rn(chance(4) ? 1000 : 40), i;
	const struct cmd_spec *c = chance(2) ? &cmd_specs[rn(N_CMDS)] : random_spec_with_attrs();

	header(m, family_id, valid_flags(c), c->cmd);
	/* At a request attribute, a nest of the set, or beyond the set. */
	if (c->n_attrs && chance(2))
		stack[0] = nest_start(m, c->attrs[rn(c->n_attrs)].type);
	else
		stack[0] = nest_start(m, 1 + rn(c->set->max + 4));
	for (i = 1; i < depth; i++)
		stack[i] = nest_start(m, rn(5));
	if (chance(2))
		attr_u32(m, 1 + rn(3), 1);
	while (depth--)
		nest_end(m, stack[depth]);
	finish(m);
}

static void random_flags(struct msg *m)
{
	static const uint16_t choices[] = {
		NLM_F_REQUEST,
		NLM_F_REQUEST | NLM_F_DUMP,
		NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ACK,
		NLM_F_REQUEST | NLM_F_ROOT | NLM_F_ACK,
		NLM_F_REQUEST | NLM_F_MATCH | NLM_F_ACK,
		NLM_F_REQUEST | NLM_F_ATOMIC | NLM_F_ACK,
		NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO,
		NLM_F_REQUEST | NLM_F_ACK | NLM_F_MULTI,
		NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP_INTR,
		NLM_F_REQUEST | NLM_F_ACK | NLM_F_APPEND,
		NLM_F_ACK,
		NLM_F_ACK | NLM_F_DUMP,
		0,
		NLM_F_DUMP,
	};
	struct nlmsghdr *h = nlh_of(m);

	if (chance(6))
		h->nlmsg_flags = rnd();
	else if (chance(6))
		h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (1U << (4 + rn(12)));
	else
		h->nlmsg_flags = choices[rn(sizeof(choices) / sizeof(choices[0]))];
}

/* --- what the kernel must do with a message -------------------------------------- */

/*
 * Fills in @r from the message at @p, with @avail bytes from it to the end
 * of what is sent. Returns 1 if the netlink core stops processing the
 * buffer at this message (nothing after it may be sent in the same batch).
 */
static int classify(struct req *r, const unsigned char *p, size_t avail)
{
	const struct nlmsghdr *h = (const void *)p;
	const struct genlmsghdr *g = (const void *)(p + NLMSG_HDRLEN);
	uint16_t f = h->nlmsg_flags, rest;

	r->seq = h->nlmsg_seq;
	r->type = h->nlmsg_type;
	r->flags = f;
	r->ack = !!(f & NLM_F_ACK);
	r->genl = h->nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN && avail >= NLMSG_HDRLEN + GENL_HDRLEN;
	r->cmd = r->genl ? g->cmd : 0xff;
	r->dump = 0;
	r->priv = r->priv_strict = 0;
	r->expect = EXP_ANSWER;
	if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > avail) {
		r->expect = EXP_MAYBE;
		return 1;
	}
	if (!(f & NLM_F_REQUEST) || h->nlmsg_type < NLMSG_MIN_TYPE) {
		r->expect = r->ack ? EXP_ANSWER : EXP_MAYBE;
		return 0;
	}
	if (h->nlmsg_type != family_id)
		return 0;
	r->dump = (f & NLM_F_DUMP) == NLM_F_DUMP;
	if (r->genl && is_priv_cmd(g->cmd)) {
		r->priv = 1;
		rest = f;
		if (r->dump)
			rest &= ~NLM_F_DUMP;
		r->priv_strict = !g->reserved && !r->dump &&
				 !(rest & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO));
		/* Success without NLM_F_ACK is silent; unprivileged it fails. */
		if (!r->ack && !unpriv)
			r->expect = EXP_MAYBE;
	}
	return 0;
}

/* --- netlink sockets ----------------------------------------------------------- */

static int nl_open(int rcvbuf)
{
	struct timeval tv = { .tv_sec = TIMEOUT_S };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd, v;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("nlfuzz: netlink socket");
		exit(2);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (rcvbuf) {
		/* FORCE needs CAP_NET_ADMIN; the plain one is capped at rmem_max. */
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	}
	v = chance(4) ? 0 : 1;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &v, sizeof(v));
	v = chance(2);
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &v, sizeof(v));
	st.sockets++;
	return fd;
}

static void nl_send(int fd, const void *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	for (;;) {
		if (sendto(fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) >= 0)
			return;
		if (errno == EINTR)
			continue;
		/* Sending can fail only for reasons of ours (size, memory). */
		fprintf(stderr, "nlfuzz: sendto %zu bytes: %m\n", len);
		exit(2);
	}
}

static int resolve_family(void)
{
	unsigned char buf[8192];
	struct msg m = { .b = buf, .cap = sizeof(buf) };
	int fd = nl_open(0), id = 0;
	ssize_t n;

	header(&m, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, CTRL_CMD_GETFAMILY);
	attr(&m, CTRL_ATTR_FAMILY_NAME, TCPOBS_GENL_NAME, sizeof(TCPOBS_GENL_NAME));
	finish(&m);
	nl_send(fd, buf, m.len);
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		struct nlmsghdr *h;
		int len = n, done = 0;

		for (h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				done = 1;
			} else if (h->nlmsg_type == GENL_ID_CTRL) {
				unsigned char *a = (unsigned char *)NLMSG_DATA(h) + GENL_HDRLEN;
				unsigned char *end = (unsigned char *)h + h->nlmsg_len;

				while (a + NLA_HDRLEN <= end) {
					struct nlattr *na = (void *)a;

					if (na->nla_len < NLA_HDRLEN)
						break;
					if ((na->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
						id = *(uint16_t *)(a + NLA_HDRLEN);
					a += NLA_ALIGN(na->nla_len);
				}
			}
		}
		if (done)
			break;
	}
	close(fd);
	seq_next++;
	return id;
}

/* --- checking what comes back ---------------------------------------------------- */

static void hexdump(const char *what, const void *p, size_t len)
{
	const unsigned char *b = p;
	size_t i;

	fprintf(stderr, "nlfuzz: %s (%zu bytes):", what, len);
	for (i = 0; i < len && i < 128; i++)
		fprintf(stderr, "%s%02x", i % 32 ? " " : "\n  ", b[i]);
	fprintf(stderr, "%s\n", len > 128 ? " ..." : "");
}

static void malformed(const char *why, const void *p, size_t len)
{
	st.malformed++;
	if (st.malformed <= 10)
		hexdump(why, p, len);
}

/* Attributes fill @len exactly, nests (NLA_F_NESTED) recursively. */
static int attrs_ok(const unsigned char *p, size_t len, int depth)
{
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;
		size_t al;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return 0;
		if ((a->nla_type & NLA_F_NESTED) &&
		    (depth > 16 || !attrs_ok(p + NLA_HDRLEN, a->nla_len - NLA_HDRLEN, depth + 1)))
			return 0;
		al = NLA_ALIGN(a->nla_len);
		if (al > len)
			al = len;
		p += al;
		len -= al;
	}
	return len == 0;
}

/* The extack TLVs of an error or DONE message; the message string ends in NUL. */
static int tlvs_ok(const unsigned char *p, size_t len)
{
	const unsigned char *end = p + len;

	if (!attrs_ok(p, len, 0))
		return 0;
	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const void *)p;

		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG &&
		    (a->nla_len == NLA_HDRLEN || p[a->nla_len - 1] != 0))
			return 0;
		p += NLA_ALIGN(a->nla_len);
	}
	return 1;
}

/*
 * The attributes of a reply against the spec (@len of them at @p, of the
 * set @s): each in the set, of its type's length, nests flagged
 * NLA_F_NESTED and right inside, nothing else flagged. NULL, or what is
 * wrong. (attrs_ok() has checked the lengths add up.)
 */
static const char *reply_attrs(const struct aset *s, const unsigned char *p, size_t len,
			       int depth)
{
	static char why[160];

	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;
		unsigned int t = a->nla_type & NLA_TYPE_MASK;
		int nested = !!(a->nla_type & NLA_F_NESTED);
		size_t pl = a->nla_len - NLA_HDRLEN, al;
		const char *bad = NULL, *sub;
		char c = t >= 1 && t <= s->max ? s->types[t] : 0;

		switch (c) {
		case 0:
			bad = "is not in the set";
			break;
		case '1': case '2': case '4': case '8':
			if (pl != (size_t)(c - '0'))
				bad = "has the wrong length";
			break;
		case 'a':
			if (pl != 4 && pl != 16)
				bad = "is no address";
			break;
		case 's':
			if (!pl || p[NLA_HDRLEN + pl - 1])
				bad = "is no NUL-terminated string";
			break;
		case 'n':
			if (!nested)
				bad = "is a nest without NLA_F_NESTED";
			else if (depth >= 4)
				bad = "is nested too deep";
			else if ((sub = reply_attrs(nest_set(s, t), p + NLA_HDRLEN, pl, depth + 1)))
				return sub;
			break;
		}
		if (!bad && c != 'n' && nested)
			bad = "is flagged NLA_F_NESTED";
		if (bad) {
			snprintf(why, sizeof(why), "reply attribute %u (%zu bytes) of set %s %s",
				 t, pl, s->name, bad);
			return why;
		}
		al = NLA_ALIGN(a->nla_len);
		if (al > len)
			al = len;
		p += al;
		len -= al;
	}
	return NULL;
}

static void record_answer(struct req *r, int err)
{
	r->done = 1;
	r->answered = 1;
	r->err = err;
}

/* One message @h of @len bytes that claims to answer @r (NULL: an old request). */
static void check_msg(const struct nlmsghdr *h, struct req *r, uint32_t portid)
{
	const unsigned char *payload = NLMSG_DATA(h);
	size_t plen = h->nlmsg_len - NLMSG_HDRLEN;

	if (h->nlmsg_pid != portid) {
		malformed("reply to another port id", h, h->nlmsg_len);
		return;
	}
	if (h->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = (const void *)payload;
		size_t off = sizeof(*e);

		if (plen < sizeof(*e) || e->error > 0 || e->error <= -MAX_ERRNO) {
			malformed("bad NLMSG_ERROR", h, h->nlmsg_len);
			return;
		}
		/* The echoed request, padded, unless capped; then the TLVs. */
		if (!(h->nlmsg_flags & NLM_F_CAPPED))
			off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
		if (off > plen || e->msg.nlmsg_seq != h->nlmsg_seq ||
		    (r && e->msg.nlmsg_type != r->type) ||
		    ((h->nlmsg_flags & NLM_F_ACK_TLVS) && !tlvs_ok(payload + off, plen - off))) {
			malformed("bad NLMSG_ERROR contents", h, h->nlmsg_len);
			return;
		}
		if (!r)
			return;
		if (r->done) {
			/* An ACK after the end of a dump. */
			if (!r->dump || e->error)
				malformed("second answer to a request", h, h->nlmsg_len);
			st.extra++;
			return;
		}
		record_answer(r, -e->error);
		return;
	}
	if (h->nlmsg_type == NLMSG_DONE) {
		int err;

		if (plen < sizeof(int)) {
			malformed("short NLMSG_DONE", h, h->nlmsg_len);
			return;
		}
		memcpy(&err, payload, sizeof(err));
		if (err > 0 || err <= -MAX_ERRNO || (r && (!r->dump || r->done)) ||
		    ((h->nlmsg_flags & NLM_F_ACK_TLVS) &&
		     !tlvs_ok(payload + sizeof(int), plen - sizeof(int)))) {
			malformed("bad NLMSG_DONE", h, h->nlmsg_len);
			return;
		}
		if (r)
			record_answer(r, -err);
		return;
	}
	if (h->nlmsg_type == family_id) {
		const struct genlmsghdr *g = (const void *)payload;
		int multi = !!(h->nlmsg_flags & NLM_F_MULTI);
		const struct cmd_spec *c = plen < GENL_HDRLEN ? NULL : spec_of(g->cmd);
		const char *why;

		/* (no reply for reset, set-options; events are multicast only) */
		if (!c || g->version != TCPOBS_GENL_VERSION || is_priv_cmd(g->cmd) ||
		    multi != c->dump ||
		    !attrs_ok(payload + GENL_HDRLEN, plen - GENL_HDRLEN, 0)) {
			malformed("bad reply", h, h->nlmsg_len);
			return;
		}
		why = reply_attrs(c->set, payload + GENL_HDRLEN, plen - GENL_HDRLEN, 0);
		if (why) {
			malformed(why, h, h->nlmsg_len);
			return;
		}
		if (!r)
			return;
		if (r->done || g->cmd != r->cmd || multi != r->dump) {
			malformed("reply does not fit the request", h, h->nlmsg_len);
			return;
		}
		r->got_reply = 1;
		r->answered = 1;
		if (!multi && !r->ack)
			record_answer(r, 0);
		return;
	}
	malformed("unexpected message type", h, h->nlmsg_len);
}

/* A datagram of @len bytes: every message in it checked. */
static void check_datagram(const unsigned char *buf, size_t len, uint32_t portid)
{
	const struct nlmsghdr *h = (const void *)buf;
	int left = len;

	if (!NLMSG_OK(h, left)) {
		malformed("runt datagram", buf, len);
		return;
	}
	for (; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
		struct req *r = NULL;
		uint32_t i = h->nlmsg_seq - base_seq;

		if (i < (uint32_t)nreq) {
			r = &reqs[i];
		} else if (h->nlmsg_seq >= seq_next || h->nlmsg_seq == 0) {
			malformed("reply with a sequence number never sent", h, h->nlmsg_len);
			continue;
		} else {
			st.late++;
		}
		check_msg(h, r, portid);
	}
	if (left > 0)
		malformed("trailing bytes in a datagram", h, left);
}

static uint32_t sock_portid(int fd)
{
	struct sockaddr_nl sa;
	socklen_t sl = sizeof(sa);

	if (getsockname(fd, (struct sockaddr *)&sa, &sl)) {
		perror("nlfuzz: getsockname");
		exit(2);
	}
	return sa.nl_pid;
}

static int pending(void)
{
	int i, n = 0;

	for (i = 0; i < nreq; i++)
		n += reqs[i].expect == EXP_ANSWER && !reqs[i].done;
	return n;
}

/* Receives until every request that must be answered is; 0 on timeout. */
static int receive(int fd, uint32_t portid, int drain)
{
	static struct mmsghdr mv[RX_VLEN];
	static struct iovec iov[RX_VLEN];
	int i, n;

	for (i = 0; i < RX_VLEN; i++) {
		iov[i].iov_base = rxbuf[i];
		iov[i].iov_len = RX_BUFSZ;
		mv[i].msg_hdr.msg_iov = &iov[i];
		mv[i].msg_hdr.msg_iovlen = 1;
	}
	while (drain || pending()) {
		n = recvmmsg(fd, mv, RX_VLEN, drain ? MSG_DONTWAIT : MSG_WAITFORONE, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return drain;
			if (errno == ENOBUFS) {
				/* Replies lost to a full receive buffer: ours to fix. */
				st.overrun++;
				continue;
			}
			perror("nlfuzz: recvmmsg");
			exit(2);
		}
		for (i = 0; i < n; i++) {
			if (mv[i].msg_hdr.msg_flags & MSG_TRUNC)
				malformed("datagram larger than the buffer", rxbuf[i], mv[i].msg_len);
			else
				check_datagram(rxbuf[i], mv[i].msg_len, portid);
		}
	}
	return 1;
}

/* Counts the requests of the batch once their answers are in. */
static void account(void)
{
	int i;

	for (i = 0; i < nreq; i++) {
		struct req *r = &reqs[i];

		st.sent++;
		st.kind_sent[r->kind]++;
		if (!r->answered) {
			if (r->expect == EXP_ANSWER) {
				st.unanswered++;
				if (st.unanswered <= 10)
					hexdump("unanswered request", batch + r->off, r->len);
			} else {
				st.silent++;
				st.kind_silent[r->kind]++;
			}
		} else {
			st.answered++;
			/* Answered with data only (doit without ACK): a success. */
			if (!r->done)
				r->err = 0;
			if (r->err) {
				st.errors++;
				st.kind_err[r->kind]++;
			} else {
				st.replies++;
				st.kind_ok[r->kind]++;
			}
			st.hist[r->err < MAX_ERRNO ? r->err : 0]++;
			if (r->err == EPERM) {
				st.eperm++;
				if (!r->priv) {
					st.eperm_other++;
					if (st.eperm_other <= 10)
						hexdump("EPERM for an unprivileged command",
							batch + r->off, r->len);
				}
			}
		}
		if (!r->priv)
			continue;
		st.priv++;
		if (r->answered && r->err)
			st.priv_refused++;
		if (!unpriv)
			continue;
		if (!r->answered || !r->err) {
			st.priv_not_refused++;
			if (st.priv_not_refused <= 10)
				hexdump("privileged command not refused", batch + r->off, r->len);
		} else if (r->priv_strict && r->err != EPERM) {
			st.priv_not_eperm++;
			if (st.priv_not_eperm <= 10)
				hexdump("privileged command refused without EPERM",
					batch + r->off, r->len);
		}
	}
}

/* --- one request of each kind ------------------------------------------------- */

/* Builds a request of @kind into @m. */
static void build(struct msg *m, enum kind kind)
{
	struct nlmsghdr *h;
	size_t full, newlen;

	switch (kind) {
	case K_VALID:
		valid_request(m, random_valid_cmd());
		break;
	case K_BAD_CMD: {
		static const uint8_t cmds[] = { 0, TCPOBS_CMD_EVENT, __TCPOBS_CMD_MAX, 0xff, 0x80 };

		valid_request(m, random_valid_cmd());
		if (chance(4)) {
			/* A do of a dump command, a dump of a do command. */
			h = nlh_of(m);
			if (is_dump_cmd(genl_of(m)->cmd))
				h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
			else
				h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP |
						 (chance(2) ? NLM_F_ACK : 0);
			break;
		}
		genl_of(m)->cmd = chance(2) ? cmds[rn(sizeof(cmds))] :
			(uint8_t)(__TCPOBS_CMD_MAX + rn(256 - __TCPOBS_CMD_MAX));
		break;
	}
	case K_ATTR_TYPE:
		bad_type_attrs(m);
		break;
	case K_ATTR_LEN:
		bad_len_attr(m);
		break;
	case K_NO_NEST_FLAG:
		no_nest_flag(m);
		break;
	case K_HUGE:
		huge(m);
		break;
	case K_DEEP:
		deep(m);
		break;
	case K_TRUNC_SHORT:
		/* nlmsg_len short of the attributes; the rest of the buffer zeros. */
		request_with_attrs(m);
		full = m->len;
		newlen = NLMSG_HDRLEN + rn(full - NLMSG_HDRLEN);
		nlh_of(m)->nlmsg_len = newlen;
		memset(m->b + newlen, 0, full - newlen);
		break;
	case K_TRUNC_LONG:
		/* nlmsg_len beyond the end of the buffer. */
		request_with_attrs(m);
		nlh_of(m)->nlmsg_len = NLMSG_ALIGN(m->len) + 1 + rn(chance(2) ? 8 : 100000);
		break;
	case K_PAST_END: {
		/* An attribute (any of them) that claims more bytes than the message holds. */
		size_t offs[8], n = 0, off = NLMSG_HDRLEN + GENL_HDRLEN, room;
		struct nlattr *a;

		request_with_attrs(m);
		while (off + NLA_HDRLEN <= m->len && n < sizeof(offs) / sizeof(offs[0])) {
			offs[n++] = off;
			off += NLA_ALIGN(((struct nlattr *)(m->b + off))->nla_len);
		}
		off = offs[rn(n)];
		a = (struct nlattr *)(m->b + off);
		room = m->len - off;
		a->nla_len = room + 1 + rn(chance(2) ? 4 : 60000);
		if (chance(4))
			a->nla_len = 1 + rn(NLA_HDRLEN - 1);	/* shorter than a header */
		break;
	}
	case K_TINY:
		valid_request(m, random_valid_cmd());
		nlh_of(m)->nlmsg_len = rn(NLMSG_HDRLEN);
		memset(m->b + NLMSG_HDRLEN, 0, m->len - NLMSG_HDRLEN);
		break;
	case K_FLAGS: {
		uint8_t cmd = random_valid_cmd();

		valid_request(m, cmd);
		random_flags(m);
		break;
	}
	case K_VERSION: {
		static const uint8_t v[] = { 0, 1, 3, 0x7f, 0xff };

		valid_request(m, random_valid_cmd());
		genl_of(m)->version = chance(2) ? v[rn(sizeof(v))] : (uint8_t)rnd();
		if (chance(3))
			genl_of(m)->reserved = 1 + rn(0xffff);
		break;
	}
	case K_RANDOM: {
		size_t len = rn(chance(8) ? 4096 : 256);

		header(m, family_id, NLM_F_REQUEST | NLM_F_ACK, 0);
		m->len = NLMSG_HDRLEN;
		if (chance(2)) {
			/* A sound genl header, then random bytes. */
			struct genlmsghdr g = { .cmd = random_valid_cmd(),
						.version = TCPOBS_GENL_VERSION };

			put(m, &g, sizeof(g));
		}
		rnd_bytes(put(m, NULL, len), len);
		if (chance(8))
			nlh_of(m)->nlmsg_flags |= rnd() & ~NLM_F_ACK;
		finish(m);
		pad4(m);
		break;
	}
	case K_TYPE: {
		/* A control message type, or a family id that cannot exist. */
		valid_request(m, random_valid_cmd());
		h = nlh_of(m);
		h->nlmsg_type = chance(2) ? rn(NLMSG_MIN_TYPE) : 1024 + rn(65536 - 1024);
		if (chance(4))
			h->nlmsg_flags &= ~NLM_F_ACK;
		break;
	}
	default:
		break;
	}
	/* A second mutation now and then (not where the length was cut). */
	if (kind != K_VALID && kind != K_TINY && kind != K_TRUNC_LONG &&
	    kind != K_TRUNC_SHORT && kind != K_RANDOM && chance(8)) {
		if (chance(2))
			random_flags(m);
		else if (m->len >= NLMSG_HDRLEN + GENL_HDRLEN)
			genl_of(m)->version = rnd();
	}
}

static int only_kind = -1;

static enum kind pick_kind(void)
{
	unsigned int x = rn(1000), k, sum = 0;

	if (only_kind >= 0)
		return only_kind;
	for (k = 0; k < K_MAX; k++) {
		sum += kind_weight[k];
		if (x < sum)
			return k;
	}
	return K_VALID;
}

/* --- abandoned dumps --------------------------------------------------------------- */

static int aux_fd = -1;

/*
 * A dump on the auxiliary socket, read up to its first part only. Then
 * the socket is closed under the running dump, or the next request is
 * sent on it (and answered) while the dump still runs.
 */
static void abandon(void)
{
	static unsigned char buf[8192];
	struct msg m = { .b = batch, .cap = sizeof(batch) };
	uint8_t cmd = chance(4) ? random_dump_cmd() : TCPOBS_CMD_GET_SOCKET;
	struct req *dump, *next;
	uint32_t portid;
	size_t len;
	int ok;

	if (aux_fd < 0)
		aux_fd = nl_open(0);
	portid = sock_portid(aux_fd);

	/* The dump; a small receive buffer makes its parts small. */
	header(&m, family_id, NLM_F_REQUEST | NLM_F_DUMP, cmd);
	if (chance(4))
		valid_attrs(&m, spec_of(cmd));
	finish(&m);
	base_seq = seq_next;
	nreq = 1;
	dump = &reqs[0];
	memset(dump, 0, sizeof(*dump));
	dump->kind = K_ABANDON;
	dump->off = 0;
	dump->len = m.len;
	classify(dump, batch, m.len);
	seq_next++;
	nl_send(aux_fd, batch, m.len);
	/* The first datagram that answers it (older ones may be queued before). */
	while (!dump->answered) {
		ssize_t n = recv(aux_fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		check_datagram(buf, n, portid);
	}
	/* Still running: no DONE (or error) yet. */
	if (dump->answered && !dump->done)
		st.abandoned++;
	if (!dump->answered || chance(2)) {
		account();
		close(aux_fd);
		aux_fd = -1;
		return;
	}

	/* The next request, a doit or another dump, on the same socket. */
	next = &reqs[1];
	memset(next, 0, sizeof(*next));
	next->kind = K_ABANDON;
	len = m.len;
	m.b = batch + NLMSG_ALIGN(len);
	m.cap = sizeof(batch) - NLMSG_ALIGN(len);
	valid_request(&m, chance(3) ? cmd : TCPOBS_CMD_GET_STATS);
	next->off = NLMSG_ALIGN(len);
	next->len = m.len;
	classify(next, m.b, m.len);
	nreq = 2;
	seq_next++;
	nl_send(aux_fd, m.b, m.len);
	ok = 1;
	while (!next->done) {
		ssize_t n = recv(aux_fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ok = 0;
			break;
		}
		check_datagram(buf, n, portid);
	}
	account();
	/* Closed now and then with the dump still running, or reused as it is. */
	if (!ok || chance(3)) {
		close(aux_fd);
		aux_fd = -1;
	}
}

/* --- options (for the selftests) ---------------------------------------------------- */

static int options(const char *set)
{
	unsigned char buf[8192];
	struct msg m = { .b = buf, .cap = sizeof(buf) };
	unsigned int events = 0, interval = 0;
	int fd = nl_open(0), rc = 1, len;
	ssize_t n;

	if (set) {
		if (sscanf(set, "%u:%u", &events, &interval) != 2) {
			fprintf(stderr, "nlfuzz: -O wants EVENTS:INTERVAL_MS\n");
			return 2;
		}
		header(&m, family_id, NLM_F_REQUEST | NLM_F_ACK, TCPOBS_CMD_SET_OPTIONS);
		attr_u32(&m, TCPOBS_A_OPTIONS_EVENTS, events);
		attr_u32(&m, TCPOBS_A_OPTIONS_INTERVAL_MS, interval);
	} else {
		header(&m, family_id, NLM_F_REQUEST | NLM_F_ACK, TCPOBS_CMD_GET_OPTIONS);
	}
	finish(&m);
	nl_send(fd, buf, m.len);
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		struct nlmsghdr *h = (void *)buf;

		for (len = n; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				if (e->error)
					fprintf(stderr, "nlfuzz: %s\n", strerror(-e->error));
				else
					rc = 0;
				goto out;
			}
			if (h->nlmsg_type == family_id) {
				unsigned char *p = (unsigned char *)NLMSG_DATA(h) + GENL_HDRLEN;
				unsigned char *end = (unsigned char *)h + h->nlmsg_len;

				/* The options set: EVENTS, INTERVAL_MS (u32s). */
				while (p + NLA_HDRLEN <= end) {
					struct nlattr *a = (void *)p;

					if (a->nla_len < NLA_HDRLEN)
						break;
					if (a->nla_len == NLA_HDRLEN + 4 &&
					    a->nla_type == TCPOBS_A_OPTIONS_EVENTS)
						memcpy(&events, p + NLA_HDRLEN, 4);
					else if (a->nla_len == NLA_HDRLEN + 4 &&
						 a->nla_type == TCPOBS_A_OPTIONS_INTERVAL_MS)
						memcpy(&interval, p + NLA_HDRLEN, 4);
					p += NLA_ALIGN(a->nla_len);
				}
				printf("events %u interval_ms %u\n", events, interval);
			}
		}
	}
	perror("nlfuzz: options");
out:
	close(fd);
	return rc;
}

/* --- main ------------------------------------------------------------------------- */

/* One valid request per command, each on its own: the expected outcome. */
static int baseline(int fd, uint32_t portid)
{
	size_t i;
	int bad = 0;

	for (i = 0; i < N_CMDS; i++) {
		struct msg m = { .b = batch, .cap = sizeof(batch) };
		const struct cmd_spec *c = &cmd_specs[i];
		uint8_t cmd = c->cmd;
		struct req *r = &reqs[0];
		int want = unpriv && is_priv_cmd(cmd) ? EPERM : 0;

		valid_request(&m, cmd);
		memset(r, 0, sizeof(*r));
		r->kind = K_VALID;
		r->len = m.len;
		classify(r, batch, m.len);
		base_seq = seq_next++;
		nreq = 1;
		nl_send(fd, batch, m.len);
		receive(fd, portid, 0);
		if (!r->answered || (r->done ? r->err : 0) != want ||
		    (!want && c->reply && !r->got_reply)) {
			fprintf(stderr, "nlfuzz: baseline command %u: %s (want %s)\n", cmd,
				!r->answered ? "no answer" :
				strerrorname_np(r->err) ?: (r->err ? "?" : "ok"),
				want ? "EPERM" : c->reply ? "ok with a reply" : "ok");
			bad++;
		}
		account();
	}
	return bad;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: nlfuzz [-u] [-q] [-v] [-n COUNT] [-s SEED] [-b BATCH] [-k KIND]\n"
		"       nlfuzz -o | -O EVENTS:INTERVAL_MS\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long count = 100000, seed = 0, reopen_every = 50000, next_reopen;
	unsigned int max_batch = 16;
	const char *set = NULL;
	int opt, fd, get = 0, bad_baseline, i;
	double t0, secs;
	uint32_t portid;

	while ((opt = getopt(argc, argv, "n:s:b:k:uqvoO:")) != -1) {
		switch (opt) {
		case 'k':
			for (i = 0; i < K_MAX && strcmp(optarg, kind_names[i]); i++)
				;
			if (i == K_MAX)
				usage();
			only_kind = i;
			break;
		case 'n': count = strtoul(optarg, NULL, 0); break;
		case 's': seed = strtoul(optarg, NULL, 0); break;
		case 'b': max_batch = strtoul(optarg, NULL, 0); break;
		case 'u': unpriv = 1; break;
		case 'q': quiet = 1; break;
		case 'v': verbose = 1; break;
		case 'o': get = 1; break;
		case 'O': set = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || max_batch < 1 || max_batch > MAX_BATCH)
		usage();
	for (i = 0; i < (int)N_CMDS; i++)
		if (!schema_ok(cmd_specs[i].set, 0))
			return 2;
	if (!seed)
		seed = time(NULL) ^ getpid();
	rng = seed;
	if (unpriv && (setgroups(0, NULL) || setgid(65534) || setuid(65534))) {
		perror("nlfuzz: drop privileges");
		return 2;
	}
	family_id = resolve_family();
	if (family_id <= 0) {
		fprintf(stderr, "nlfuzz: no generic netlink family %s\n", TCPOBS_GENL_NAME);
		return 2;
	}
	if (get || set)
		return options(set);

	fd = nl_open(1 << 20);
	portid = sock_portid(fd);
	t0 = now();
	bad_baseline = baseline(fd, portid);
	next_reopen = reopen_every;

	while (st.sent < count && st.unanswered < 10) {
		unsigned int want = 1 + rn(max_batch);
		size_t off = 0;

		if (st.sent >= next_reopen) {
			/* A fresh socket now and then, with other ACK options. */
			receive(fd, portid, 1);
			close(fd);
			fd = nl_open(1 << 20);
			portid = sock_portid(fd);
			next_reopen += reopen_every;
		}
		if (count - st.sent < want)
			want = count - st.sent;
		base_seq = seq_next;
		nreq = 0;
		while (nreq < (int)want && off < BATCH_BYTES) {
			enum kind kind = pick_kind();
			struct msg m = { .b = batch + off, .cap = sizeof(batch) - off };
			struct req *r;
			int stop;

			if (kind == K_ABANDON) {
				if (nreq)
					break;	/* on its own, between batches */
				abandon();
				goto next;
			}
			r = &reqs[nreq];
			memset(r, 0, sizeof(*r));
			build(&m, kind);
			r->kind = kind;
			r->off = off;
			r->len = m.len;
			nreq++;
			seq_next++;
			off += NLMSG_ALIGN(m.len);
			/* Zeros after a message end the kernel's walk of the buffer. */
			stop = classify(r, batch + r->off, off - r->off) ||
			       kind == K_TRUNC_SHORT || kind == K_TINY;
			if (stop)
				break;
		}
		nl_send(fd, batch, off);
		receive(fd, portid, 0);
		receive(fd, portid, 1);
		account();
next:
		;
	}
	secs = now() - t0;
	if (aux_fd >= 0)
		close(aux_fd);
	close(fd);

	printf("sent %lu answered %lu errors %lu replies %lu unanswered %lu malformed %lu eperm %lu"
	       " silent %lu priv %lu priv_refused %lu priv_not_refused %lu priv_not_eperm %lu"
	       " eperm_other %lu abandoned %lu late %lu extra %lu overrun %lu sockets %lu"
	       " seconds %.1f rate %.0f seed %lu%s\n",
	       st.sent, st.answered, st.errors, st.replies, st.unanswered, st.malformed,
	       st.eperm, st.silent, st.priv, st.priv_refused, st.priv_not_refused,
	       st.priv_not_eperm, st.eperm_other, st.abandoned, st.late, st.extra,
	       st.overrun, st.sockets, secs, secs > 0 ? st.sent / secs : 0, seed,
	       unpriv ? " unprivileged" : "");
	if (!quiet) {
		for (i = 0; i < MAX_ERRNO; i++)
			if (st.hist[i])
				printf("errno %s %lu\n",
				       i ? strerrorname_np(i) ?: "?" : "0", st.hist[i]);
	}
	if (verbose) {
		for (i = 0; i < K_MAX; i++)
			printf("kind %s sent %lu ok %lu errors %lu silent %lu\n",
			       kind_names[i], st.kind_sent[i], st.kind_ok[i],
			       st.kind_err[i], st.kind_silent[i]);
	}
	if (bad_baseline)
		fprintf(stderr, "nlfuzz: %d baseline request(s) failed\n", bad_baseline);
	return st.unanswered || st.malformed || bad_baseline || st.overrun ||
	       st.eperm_other || (unpriv && (st.priv_not_refused || st.priv_not_eperm));
}
