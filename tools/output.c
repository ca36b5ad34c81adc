// SPDX-License-Identifier: GPL-2.0
/* Listeners, sockets and counters, described once for text and JSON. */
#include "fmt.h"
#include "output.h"

/* @ctx: the enum output_type of print_counters(). */
static void counter_row(const void *item, const void *ctx)
{
	const struct counter *c = item;
	const enum output_type *type = ctx;

	print_string(*type & PRINT_FP, "name", NULL, c->name);
	print_s64(*type & PRINT_FP, "value", NULL, c->value);
	print_s64(*type & PRINT_JSON, c->name, NULL, c->value);
}

void print_counters(enum output_type type, const char *key,
		    const struct counters *c)
{
	if (type & PRINT_JSON)
		open_json_object(key);
	print_rows(type & PRINT_FP, c->v, c->n, sizeof(*c->v), counter_row, &type);
	if (type & PRINT_JSON)
		close_json_object();
}

void print_listener(enum output_type type, const struct listener *l)
{
	enum output_type json = type & PRINT_JSON;
	char buf[ENDPOINT_LEN];
	unsigned int c;

	listener_local(l, buf, sizeof(buf));
	print_string(type, "local", NULL, buf);
	print_u64(type, "backlog", NULL, l->backlog);
	print_u64(type, "accept_q", NULL, l->accept_q);
	print_u64(type, "accept_q_max", NULL, l->accept_q_max);
	print_u64(type, "syn_q", NULL, l->syn_q);
	print_u64(type, "syn_q_max", NULL, l->syn_q_max);
	for (c = 0; c < NCAUSES; c++)
		print_u64(type, cause_name(c), NULL, l->cause[c]);
	fmt_cookie(buf, sizeof(buf), l->cookie);
	print_string(type, "cookie", NULL, buf);
	print_string(json, "family", NULL, family_name(l->family));
	listener_addr(l, buf, sizeof(buf));
	print_string(json, "addr", NULL, buf);
	print_u64(json, "port", NULL, l->port);
}

/* @ctx: now, CLOCK_BOOTTIME ns. */
static void listener_row(const void *item, const void *ctx)
{
	const struct listener *l = item;
	uint64_t now = *(const uint64_t *)ctx;
	unsigned int c;

	print_listener(PRINT_ANY, l);
	/* When each cause happened: /proc/net/tcpobs/listener_events. */
	open_json_array("listener_events");
	for (c = 0; c < NCAUSES; c++) {
		const struct cause_when *w = &l->when[c];

		if (!w->seen)
			continue;
		open_json_object(NULL);
		print_string(PRINT_JSON, "cause", NULL, cause_name(c));
		print_u64(PRINT_JSON, "count", NULL, w->count);
		print_secs(PRINT_JSON, "first", NULL, w->first);
		print_secs(PRINT_JSON, "last", NULL, w->last);
		print_secs(PRINT_JSON, "last_ago", NULL, now > w->last ? now - w->last : 0);
		close_json_object();
	}
	close_json_array();
}

void print_listeners(const struct listeners *ls, uint64_t now)
{
	open_json_array(NULL);
	print_rows(PRINT_ANY, ls->v, ls->n, sizeof(*ls->v), listener_row, &now);
	close_json_array();
}

static void socket_row(const void *item, const void *ctx)
{
	const struct sockrow *s = item;
	char buf[ENDPOINT_LEN];
	unsigned int k;

	(void)ctx;
	sock_local(s, buf, sizeof(buf));
	print_string(PRINT_ANY, "local", NULL, buf);
	sock_peer(s, buf, sizeof(buf));
	print_string(PRINT_ANY, "peer", NULL, buf);
	print_string(PRINT_ANY, "state", NULL, state_name(s->state));
	print_secs(PRINT_ANY, "age_in_state", NULL, s->age_in_state);
	print_secs(PRINT_ANY, "age", NULL, s->age);
	print_u64(PRINT_ANY, "transitions", NULL, s->transitions);
	fmt_cookie(buf, sizeof(buf), s->cookie);
	print_string(PRINT_ANY, "cookie", NULL, buf);
	print_u64(PRINT_ANY, "ecn", NULL, s->ecn);
	for (k = 0; k < SK_NECN; k++)
		print_u64(PRINT_ANY, sock_ecn_names[k], NULL, s->ecnv[k]);
	print_string(PRINT_JSON, "family", NULL, family_name(s->family));
	fmt_addr(buf, sizeof(buf), s->family, s->saddr, s->alen);
	print_string(PRINT_JSON, "local_addr", NULL, buf);
	print_u64(PRINT_JSON, "local_port", NULL, s->sport);
	fmt_addr(buf, sizeof(buf), s->family, s->daddr, s->alen);
	print_string(PRINT_JSON, "peer_addr", NULL, buf);
	print_u64(PRINT_JSON, "peer_port", NULL, s->dport);
}

void print_sockets(const struct sockets *ss)
{
	open_json_array(NULL);
	print_rows(PRINT_ANY, ss->v, ss->n, sizeof(*ss->v), socket_row, NULL);
	close_json_array();
}
