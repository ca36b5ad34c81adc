// SPDX-License-Identifier: GPL-2.0
/* Parsing the replies of the tcpobs generic netlink family. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "fmt.h"
#include "msg.h"
#include "util.h"

const char *const sock_ecn_names[SK_NECN] = {
	"ce", "ect0", "ect1", "noect", "ece_in", "ece_out", "cwr_in",
	"cwr_out", "delivered_ce",
};

const char *const tw_kind_names[NTWKINDS] = {
	[TCPOBS_TW_LOCAL_PORT] = "local_port",
	[TCPOBS_TW_PEER_PORT] = "peer_port",
	[TCPOBS_TW_PEER] = "peer",
};

const char *const ecn_col_names[ECN_NCOLS] = {
	"sockets", "negotiated", "ce", "ect0", "ect1", "noect", "ece_in",
	"ece_out", "cwr_in", "cwr_out", "delivered_ce",
};

/* --- attribute helpers ---------------------------------------------------- */

/* The attributes of @nest by type, the last of each type winning. */
static void nest_table(const struct nlattr *nest, const struct nlattr **tb,
		       unsigned int max)
{
	const struct nlattr *a;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_for_each_nested(a, nest) {
		uint16_t t = mnl_attr_get_type(a);

		if (t <= max)
			tb[t] = a;
	}
}

static void msg_table(const struct nlmsghdr *nlh, const struct nlattr **tb,
		      unsigned int max)
{
	const struct nlattr *a;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		uint16_t t = mnl_attr_get_type(a);

		if (t <= max)
			tb[t] = a;
	}
}

/* An unsigned integer of 1, 2, 4 or 8 bytes. */
static bool get_uint(const struct nlattr *a, uint64_t *v)
{
	const void *p;

	if (!a)
		return false;
	p = mnl_attr_get_payload(a);
	switch (mnl_attr_get_payload_len(a)) {
	case 1:
		*v = *(const uint8_t *)p;
		return true;
	case 2: {
		uint16_t x;

		memcpy(&x, p, 2);
		*v = x;
		return true;
	}
	case 4: {
		uint32_t x;

		memcpy(&x, p, 4);
		*v = x;
		return true;
	}
	case 8:
		memcpy(v, p, 8);
		return true;
	default:
		return false;
	}
}

/* Fills the integer *@dst (of @size bytes) from @a if present and valid. */
static int opt_uint(const struct nlattr *a, void *dst, size_t size)
{
	uint64_t v;

	if (!a)
		return 0;
	if (!get_uint(a, &v))
		return -EBADMSG;
	switch (size) {
	case 1:
		*(uint8_t *)dst = (uint8_t)v;
		break;
	case 2:
		*(uint16_t *)dst = (uint16_t)v;
		break;
	case 4:
		*(uint32_t *)dst = (uint32_t)v;
		break;
	default:
		*(uint64_t *)dst = v;
	}
	return 0;
}

#define OPT_UINT(a, field) opt_uint((a), &(field), sizeof(field))

/* An address matching @family; 0 or -EBADMSG. */
static int get_addr(const struct nlattr *a, uint8_t family, uint8_t *dst,
		    size_t *alen)
{
	size_t want = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;

	if (!a || !want || mnl_attr_get_payload_len(a) != want)
		return -EBADMSG;
	memcpy(dst, mnl_attr_get_payload(a), want);
	*alen = want;
	return 0;
}

/* --- counters --------------------------------------------------------------- */

bool counters_get(const struct counters *c, const char *name, int64_t *v)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (!strcmp(c->v[i].name, name)) {
			if (v)
				*v = c->v[i].value;
			return true;
		}
	}
	return false;
}

int64_t counters_val(const struct counters *c, const char *name)
{
	int64_t v = 0;

	counters_get(c, name, &v);
	return v;
}

/* A nest of TCPOBS_A_COUNTER nests. */
static int parse_counters(const struct nlattr *nest, struct counters *c)
{
	const struct nlattr *a, *tb[TCPOBS_A_COUNTER_MAX + 1];

	mnl_attr_for_each_nested(a, nest) {
		struct counter *ct;
		const char *name;
		size_t len;

		if (mnl_attr_get_type(a) != TCPOBS_A_COUNTER)
			continue;
		nest_table(a, tb, TCPOBS_A_COUNTER_MAX);
		if (!tb[TCPOBS_A_COUNTER_NAME] || !tb[TCPOBS_A_COUNTER_VALUE] ||
		    mnl_attr_get_payload_len(tb[TCPOBS_A_COUNTER_VALUE]) != 8)
			return -EBADMSG;
		name = mnl_attr_get_payload(tb[TCPOBS_A_COUNTER_NAME]);
		len = mnl_attr_get_payload_len(tb[TCPOBS_A_COUNTER_NAME]);
		if (!len || strnlen(name, len) == len)
			return -EBADMSG;	/* not NUL-terminated */
		ct = vec_push(&c->v, &c->n, &c->cap, sizeof(*ct));
		snprintf(ct->name, sizeof(ct->name), "%s", name);
		memcpy(&ct->value, mnl_attr_get_payload(tb[TCPOBS_A_COUNTER_VALUE]), 8);
	}
	return 0;
}

static void counters_free(struct counters *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* --- GET_STATS ---------------------------------------------------------------- */

static int parse_transitions(const struct nlattr *nest, struct stats_reply *r)
{
	const struct nlattr *a, *tb[TCPOBS_A_TRANSITION_MAX + 1];

	mnl_attr_for_each_nested(a, nest) {
		struct transition *t;

		if (mnl_attr_get_type(a) != TCPOBS_A_TRANSITION)
			continue;
		nest_table(a, tb, TCPOBS_A_TRANSITION_MAX);
		if (!tb[TCPOBS_A_TRANSITION_FROM] || !tb[TCPOBS_A_TRANSITION_TO] ||
		    !tb[TCPOBS_A_TRANSITION_COUNT])
			return -EBADMSG;
		t = vec_push(&r->tr, &r->ntr, &r->cap_tr, sizeof(*t));
		if (OPT_UINT(tb[TCPOBS_A_TRANSITION_FROM], t->from) ||
		    OPT_UINT(tb[TCPOBS_A_TRANSITION_TO], t->to) ||
		    OPT_UINT(tb[TCPOBS_A_TRANSITION_COUNT], t->count))
			return -EBADMSG;
	}
	return 0;
}

int parse_stats_msg(const struct nlmsghdr *nlh, struct stats_reply *r)
{
	const struct nlattr *tb[TCPOBS_A_MAX + 1];
	int err = 0;

	msg_table(nlh, tb, TCPOBS_A_MAX);
	if (!tb[TCPOBS_A_STATS])
		return -EBADMSG;
	err = parse_counters(tb[TCPOBS_A_STATS], &r->stats);
	if (!err && tb[TCPOBS_A_TIMEWAIT])
		err = parse_counters(tb[TCPOBS_A_TIMEWAIT], &r->timewait);
	if (!err && tb[TCPOBS_A_ECN])
		err = parse_counters(tb[TCPOBS_A_ECN], &r->ecn);
	if (!err && tb[TCPOBS_A_EVENTS])
		err = parse_counters(tb[TCPOBS_A_EVENTS], &r->events);
	if (!err && tb[TCPOBS_A_STATES])
		err = parse_transitions(tb[TCPOBS_A_STATES], r);
	return err;
}

void stats_reply_free(struct stats_reply *r)
{
	counters_free(&r->stats);
	counters_free(&r->timewait);
	counters_free(&r->ecn);
	counters_free(&r->events);
	free(r->tr);
	memset(r, 0, sizeof(*r));
}

/* --- listeners ---------------------------------------------------------------- */

static int parse_causes(const struct nlattr *nest, struct listener *l)
{
	const struct nlattr *a, *tb[TCPOBS_A_L_MAX + 1];

	mnl_attr_for_each_nested(a, nest) {
		struct cause_when w = { .seen = true };
		uint8_t id;

		if (mnl_attr_get_type(a) != TCPOBS_A_L_CAUSE)
			continue;
		nest_table(a, tb, TCPOBS_A_L_MAX);
		if (!tb[TCPOBS_A_CAUSE_ID] || OPT_UINT(tb[TCPOBS_A_CAUSE_ID], id) ||
		    OPT_UINT(tb[TCPOBS_A_CAUSE_COUNT], w.count) ||
		    OPT_UINT(tb[TCPOBS_A_CAUSE_FIRST], w.first) ||
		    OPT_UINT(tb[TCPOBS_A_CAUSE_LAST], w.last))
			return -EBADMSG;
		if (id < NCAUSES)
			l->when[id] = w;
	}
	return 0;
}

/* The attributes TCPOBS_A_L_* of nest @nest. */
static int parse_listener(const struct nlattr *nest, struct listener *l)
{
	const struct nlattr *tb[TCPOBS_A_L_MAX + 1];
	unsigned int c;

	memset(l, 0, sizeof(*l));
	nest_table(nest, tb, TCPOBS_A_L_MAX);
	if (!tb[TCPOBS_A_L_FAMILY] || OPT_UINT(tb[TCPOBS_A_L_FAMILY], l->family) ||
	    get_addr(tb[TCPOBS_A_L_ADDR], l->family, l->addr, &l->alen) ||
	    !tb[TCPOBS_A_L_PORT] || OPT_UINT(tb[TCPOBS_A_L_PORT], l->port) ||
	    OPT_UINT(tb[TCPOBS_A_L_COOKIE], l->cookie) ||
	    OPT_UINT(tb[TCPOBS_A_L_BACKLOG], l->backlog) ||
	    OPT_UINT(tb[TCPOBS_A_L_ACCEPT_Q], l->accept_q) ||
	    OPT_UINT(tb[TCPOBS_A_L_ACCEPT_Q_MAX], l->accept_q_max) ||
	    OPT_UINT(tb[TCPOBS_A_L_SYN_Q], l->syn_q) ||
	    OPT_UINT(tb[TCPOBS_A_L_SYN_Q_MAX], l->syn_q_max))
		return -EBADMSG;
	for (c = 0; c < NCAUSES; c++)
		if (OPT_UINT(tb[TCPOBS_A_L_LISTEN_OVERFLOWS + c], l->cause[c]))
			return -EBADMSG;
	if (tb[TCPOBS_A_L_CAUSES])
		return parse_causes(tb[TCPOBS_A_L_CAUSES], l);
	return 0;
}

int parse_listener_msg(const struct nlmsghdr *nlh, struct listeners *ls)
{
	const struct nlattr *tb[TCPOBS_A_MAX + 1];
	struct listener l;
	int err;

	msg_table(nlh, tb, TCPOBS_A_MAX);
	if (!tb[TCPOBS_A_LISTENER])
		return -EBADMSG;
	err = parse_listener(tb[TCPOBS_A_LISTENER], &l);
	if (err)
		return err;
	*(struct listener *)vec_push(&ls->v, &ls->n, &ls->cap, sizeof(l)) = l;
	return 0;
}

void listeners_free(struct listeners *ls)
{
	free(ls->v);
	memset(ls, 0, sizeof(*ls));
}

void listener_local(const struct listener *l, char *buf, size_t len)
{
	fmt_endpoint(buf, len, l->family, l->addr, l->alen, l->port);
}

void listener_addr(const struct listener *l, char *buf, size_t len)
{
	fmt_addr(buf, len, l->family, l->addr, l->alen);
}

/* --- sockets ------------------------------------------------------------------ */

static int parse_socket(const struct nlattr *nest, struct sockrow *s)
{
	const struct nlattr *tb[TCPOBS_A_S_MAX + 1];
	size_t dlen;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	nest_table(nest, tb, TCPOBS_A_S_MAX);
	if (!tb[TCPOBS_A_S_FAMILY] || OPT_UINT(tb[TCPOBS_A_S_FAMILY], s->family) ||
	    get_addr(tb[TCPOBS_A_S_SADDR], s->family, s->saddr, &s->alen) ||
	    get_addr(tb[TCPOBS_A_S_DADDR], s->family, s->daddr, &dlen) ||
	    !tb[TCPOBS_A_S_SPORT] || OPT_UINT(tb[TCPOBS_A_S_SPORT], s->sport) ||
	    !tb[TCPOBS_A_S_DPORT] || OPT_UINT(tb[TCPOBS_A_S_DPORT], s->dport) ||
	    OPT_UINT(tb[TCPOBS_A_S_STATE], s->state) ||
	    OPT_UINT(tb[TCPOBS_A_S_AGE_IN_STATE], s->age_in_state) ||
	    OPT_UINT(tb[TCPOBS_A_S_AGE], s->age) ||
	    OPT_UINT(tb[TCPOBS_A_S_TRANSITIONS], s->transitions) ||
	    OPT_UINT(tb[TCPOBS_A_S_COOKIE], s->cookie) ||
	    OPT_UINT(tb[TCPOBS_A_S_ECN], s->ecn))
		return -EBADMSG;
	for (i = 0; i < SK_NECN; i++)
		if (OPT_UINT(tb[TCPOBS_A_S_CE + i], s->ecnv[i]))
			return -EBADMSG;
	return 0;
}

int parse_socket_msg(const struct nlmsghdr *nlh, struct sockets *ss)
{
	const struct nlattr *tb[TCPOBS_A_MAX + 1];
	struct sockrow s;
	int err;

	msg_table(nlh, tb, TCPOBS_A_MAX);
	if (!tb[TCPOBS_A_SOCKET])
		return -EBADMSG;
	err = parse_socket(tb[TCPOBS_A_SOCKET], &s);
	if (err)
		return err;
	*(struct sockrow *)vec_push(&ss->v, &ss->n, &ss->cap, sizeof(s)) = s;
	return 0;
}

void sockets_free(struct sockets *ss)
{
	free(ss->v);
	memset(ss, 0, sizeof(*ss));
}

void sock_local(const struct sockrow *s, char *buf, size_t len)
{
	fmt_endpoint(buf, len, s->family, s->saddr, s->alen, s->sport);
}

void sock_peer(const struct sockrow *s, char *buf, size_t len)
{
	fmt_endpoint(buf, len, s->family, s->daddr, s->alen, s->dport);
}

/* --- GET_TIMEWAIT ---------------------------------------------------------------- */

static int parse_tw_table(const struct nlattr *nest, struct tw_reply *r)
{
	const struct nlattr *tb[TCPOBS_A_TW_MAX + 1], *a;
	struct tw_table *t;
	uint8_t kind;

	nest_table(nest, tb, TCPOBS_A_TW_MAX);
	if (!tb[TCPOBS_A_TW_KIND] || OPT_UINT(tb[TCPOBS_A_TW_KIND], kind))
		return -EBADMSG;
	if (kind >= NTWKINDS)
		return 0;	/* a newer kind */
	t = &r->t[kind];
	t->present = true;
	if (OPT_UINT(tb[TCPOBS_A_TW_OTHER], t->other))
		return -EBADMSG;
	mnl_attr_for_each_nested(a, nest) {
		const struct nlattr *rb[TCPOBS_A_TW_MAX + 1];
		struct tw_row *row;

		if (mnl_attr_get_type(a) != TCPOBS_A_TW_ROW)
			continue;
		nest_table(a, rb, TCPOBS_A_TW_MAX);
		row = vec_push(&t->rows, &t->n, &t->cap, sizeof(*row));
		if (OPT_UINT(rb[TCPOBS_A_TW_COUNT], row->count))
			return -EBADMSG;
		if (kind == TCPOBS_TW_PEER) {
			if (!rb[TCPOBS_A_TW_FAMILY] ||
			    OPT_UINT(rb[TCPOBS_A_TW_FAMILY], row->family) ||
			    get_addr(rb[TCPOBS_A_TW_ADDR], row->family, row->addr,
				     &row->alen))
				return -EBADMSG;
		} else if (!rb[TCPOBS_A_TW_PORT] ||
			   OPT_UINT(rb[TCPOBS_A_TW_PORT], row->port)) {
			return -EBADMSG;
		}
	}
	return 0;
}

int parse_timewait_msg(const struct nlmsghdr *nlh, struct tw_reply *r)
{
	const struct nlattr *a;
	int err = 0;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		const struct nlattr *tb[TCPOBS_A_TW_MAX + 1];
		struct tw_age *age;

		switch (mnl_attr_get_type(a)) {
		case TCPOBS_A_TIMEWAIT:
			err = parse_counters(a, &r->totals);
			break;
		case TCPOBS_A_TW_TABLE:
			err = parse_tw_table(a, r);
			break;
		case TCPOBS_A_TW_AGE:
			nest_table(a, tb, TCPOBS_A_TW_MAX);
			age = vec_push(&r->ages, &r->nages, &r->cap_ages, sizeof(*age));
			if (!tb[TCPOBS_A_TW_AGE_FROM] ||
			    OPT_UINT(tb[TCPOBS_A_TW_AGE_FROM], age->from) ||
			    OPT_UINT(tb[TCPOBS_A_TW_AGE_TO], age->to) ||
			    OPT_UINT(tb[TCPOBS_A_TW_COUNT], age->count))
				err = -EBADMSG;
			break;
		}
		if (err)
			return err;
	}
	return 0;
}

void tw_reply_free(struct tw_reply *r)
{
	unsigned int k;

	counters_free(&r->totals);
	for (k = 0; k < NTWKINDS; k++)
		free(r->t[k].rows);
	free(r->ages);
	memset(r, 0, sizeof(*r));
}

/* --- GET_LIFETIMES ------------------------------------------------------------- */

int parse_lifetimes_msg(const struct nlmsghdr *nlh, struct lifetimes *r)
{
	const struct nlattr *a, *tb[TCPOBS_A_LT_MAX + 1];

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		struct lifetime *lt;

		if (mnl_attr_get_type(a) != TCPOBS_A_LIFETIME)
			continue;
		nest_table(a, tb, TCPOBS_A_LT_MAX);
		lt = vec_push(&r->v, &r->n, &r->cap, sizeof(*lt));
		if (!tb[TCPOBS_A_LT_STATE] || OPT_UINT(tb[TCPOBS_A_LT_STATE], lt->state) ||
		    OPT_UINT(tb[TCPOBS_A_LT_FROM_US], lt->from_us) ||
		    OPT_UINT(tb[TCPOBS_A_LT_TO_US], lt->to_us) ||
		    OPT_UINT(tb[TCPOBS_A_LT_COUNT], lt->count))
			return -EBADMSG;
	}
	return 0;
}

void lifetimes_free(struct lifetimes *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* --- GET_ECN ------------------------------------------------------------------- */

static int parse_ecn_row(const struct nlattr *nest, struct ecn_row *row)
{
	const struct nlattr *tb[TCPOBS_A_EP_MAX + 1];
	unsigned int i;

	memset(row, 0, sizeof(*row));
	nest_table(nest, tb, TCPOBS_A_EP_MAX);
	if (!tb[TCPOBS_A_EP_SIDE] || OPT_UINT(tb[TCPOBS_A_EP_SIDE], row->side) ||
	    OPT_UINT(tb[TCPOBS_A_EP_PORT], row->port))
		return -EBADMSG;
	for (i = 0; i < ECN_NCOLS; i++)
		if (OPT_UINT(tb[TCPOBS_A_EP_SOCKETS + i], row->v[i]))
			return -EBADMSG;
	return 0;
}

int parse_ecn_msg(const struct nlmsghdr *nlh, struct ecn_reply *r)
{
	const struct nlattr *a;
	int err = 0;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		struct ecn_row row;

		switch (mnl_attr_get_type(a)) {
		case TCPOBS_A_ECN:
			err = parse_counters(a, &r->totals);
			break;
		case TCPOBS_A_ECN_PORT:
			err = parse_ecn_row(a, &row);
			if (err)
				break;
			if (row.side == TCPOBS_ECN_SIDE_OTHER) {
				r->has_other = true;
				r->other = row;
			} else {
				*(struct ecn_row *)vec_push(&r->rows, &r->n, &r->cap,
							    sizeof(row)) = row;
			}
			break;
		}
		if (err)
			return err;
	}
	return 0;
}

void ecn_reply_free(struct ecn_reply *r)
{
	counters_free(&r->totals);
	free(r->rows);
	memset(r, 0, sizeof(*r));
}

/* --- options, events ------------------------------------------------------------- */

int parse_options_msg(const struct nlmsghdr *nlh, struct options *o)
{
	const struct nlattr *tb[TCPOBS_A_MAX + 1], *ob[TCPOBS_A_OPT_MAX + 1];

	memset(o, 0, sizeof(*o));
	msg_table(nlh, tb, TCPOBS_A_MAX);
	if (!tb[TCPOBS_A_OPTIONS])
		return -EBADMSG;
	nest_table(tb[TCPOBS_A_OPTIONS], ob, TCPOBS_A_OPT_MAX);
	o->has_events = ob[TCPOBS_A_OPT_EVENTS];
	o->has_interval = ob[TCPOBS_A_OPT_INTERVAL_MS];
	if (OPT_UINT(ob[TCPOBS_A_OPT_EVENTS], o->events) ||
	    OPT_UINT(ob[TCPOBS_A_OPT_INTERVAL_MS], o->interval_ms))
		return -EBADMSG;
	return 0;
}

/* Copies a NUL-terminated string attribute; -EBADMSG if it is not one. */
static int attr_str(const struct nlattr *a, char *buf, size_t len)
{
	uint16_t n = mnl_attr_get_payload_len(a);
	const char *s = mnl_attr_get_payload(a);

	if (!n || s[n - 1] != '\0')
		return -EBADMSG;
	snprintf(buf, len, "%s", s);
	return 0;
}

int parse_features_msg(const struct nlmsghdr *nlh, struct features *f)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		const struct nlattr *fb[TCPOBS_A_FEAT_MAX + 1];

		if (mnl_attr_get_type(a) != TCPOBS_A_FEATURE || f->n >= FEATURES_MAX)
			continue;
		nest_table(a, fb, TCPOBS_A_FEAT_MAX);
		if (!fb[TCPOBS_A_FEAT_NAME] || !fb[TCPOBS_A_FEAT_EXACT] ||
		    mnl_attr_get_payload_len(fb[TCPOBS_A_FEAT_EXACT]) < 1 ||
		    attr_str(fb[TCPOBS_A_FEAT_NAME], f->v[f->n].name,
			     sizeof(f->v[f->n].name)))
			return -EBADMSG;
		f->v[f->n].exact = mnl_attr_get_u8(fb[TCPOBS_A_FEAT_EXACT]);
		f->v[f->n].reason[0] = '\0';
		if (fb[TCPOBS_A_FEAT_REASON] &&
		    attr_str(fb[TCPOBS_A_FEAT_REASON], f->v[f->n].reason,
			     sizeof(f->v[f->n].reason)))
			return -EBADMSG;
		f->n++;
	}
	return 0;
}

int parse_event_msg(const struct nlmsghdr *nlh, struct event *ev)
{
	const struct nlattr *tb[TCPOBS_A_MAX + 1], *eb[TCPOBS_A_EV_MAX + 1];
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	int err;

	memset(ev, 0, sizeof(*ev));
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*g) || g->cmd != TCPOBS_CMD_EVENT)
		return -ENOMSG;
	msg_table(nlh, tb, TCPOBS_A_MAX);
	if (!tb[TCPOBS_A_EVENT])
		return -EBADMSG;
	nest_table(tb[TCPOBS_A_EVENT], eb, TCPOBS_A_EV_MAX);
	if (!eb[TCPOBS_A_EV_SEQ] || OPT_UINT(eb[TCPOBS_A_EV_SEQ], ev->seq) ||
	    !eb[TCPOBS_A_EV_TYPE] || OPT_UINT(eb[TCPOBS_A_EV_TYPE], ev->type) ||
	    OPT_UINT(eb[TCPOBS_A_EV_TIME], ev->time) ||
	    OPT_UINT(eb[TCPOBS_A_EV_CAUSE], ev->cause) ||
	    OPT_UINT(eb[TCPOBS_A_EV_OLD_STATE], ev->old_state) ||
	    OPT_UINT(eb[TCPOBS_A_EV_NEW_STATE], ev->new_state))
		return -EBADMSG;
	ev->has_cause = eb[TCPOBS_A_EV_CAUSE];
	if (eb[TCPOBS_A_EV_LISTENER]) {
		err = parse_listener(eb[TCPOBS_A_EV_LISTENER], &ev->l);
		if (err)
			return err;
		ev->has_listener = true;
	}
	if (eb[TCPOBS_A_EV_SOCKET]) {
		err = parse_socket(eb[TCPOBS_A_EV_SOCKET], &ev->s);
		if (err)
			return err;
		ev->has_socket = true;
	}
	return 0;
}
