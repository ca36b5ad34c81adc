// SPDX-License-Identifier: GPL-2.0
/* Text and JSON output of listeners, sockets and counters. */
#include "fmt.h"
#include "output.h"
#include "tool.h"

void json_counters(struct json *j, const struct counters *c)
{
	size_t i;

	json_obj_begin(j);
	for (i = 0; i < c->n; i++)
		json_kv_i64(j, c->v[i].name, c->v[i].value);
	json_obj_end(j);
}

void table_counters(struct table *t, const struct counters *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		table_cell(t, "%s", c->v[i].name);
		table_cell(t, "%lld", (long long)c->v[i].value);
	}
}

void json_listener_fields(struct json *j, const struct listener *l)
{
	char buf[ENDPOINT_LEN];
	unsigned int c;

	listener_local(l, buf, sizeof(buf));
	json_kv_str(j, "local", buf);
	json_kv_u64(j, "backlog", l->backlog);
	json_kv_u64(j, "accept_q", l->accept_q);
	json_kv_u64(j, "accept_q_max", l->accept_q_max);
	json_kv_u64(j, "syn_q", l->syn_q);
	json_kv_u64(j, "syn_q_max", l->syn_q_max);
	for (c = 0; c < NCAUSES; c++)
		json_kv_u64(j, cause_name(c), l->cause[c]);
	fmt_cookie(buf, sizeof(buf), l->cookie);
	json_kv_str(j, "cookie", buf);
	json_kv_str(j, "family", family_name(l->family));
	listener_addr(l, buf, sizeof(buf));
	json_kv_str(j, "addr", buf);
	json_kv_u64(j, "port", l->port);
}

void table_listener(struct table *t, const struct listener *l)
{
	char buf[ENDPOINT_LEN];
	unsigned int c;

	listener_local(l, buf, sizeof(buf));
	table_cell(t, "%s", buf);
	table_cell(t, "%u", l->backlog);
	table_cell(t, "%u", l->accept_q);
	table_cell(t, "%u", l->accept_q_max);
	table_cell(t, "%u", l->syn_q);
	table_cell(t, "%u", l->syn_q_max);
	for (c = 0; c < NCAUSES; c++)
		table_cell(t, "%llu", (unsigned long long)l->cause[c]);
	fmt_cookie(buf, sizeof(buf), l->cookie);
	table_cell(t, "%s", buf);
}

void print_listeners(FILE *f, const struct listeners *ls)
{
	struct table t;
	size_t i;

	table_init(&t, LISTENER_COLUMNS);
	for (i = 0; i < ls->n; i++)
		table_listener(&t, &ls->v[i]);
	table_print(&t, f, opt.no_header);
	table_free(&t);
}

void json_listeners(FILE *f, const struct listeners *ls, uint64_t now)
{
	char buf[32];
	struct json j;
	unsigned int c;
	size_t i;

	json_init(&j, f, opt.pretty);
	json_arr_begin(&j);
	for (i = 0; i < ls->n; i++) {
		const struct listener *l = &ls->v[i];

		json_obj_begin(&j);
		json_listener_fields(&j, l);
		/* When each cause happened: /proc/net/tcpobs/listener_events. */
		json_key(&j, "listener_events");
		json_arr_begin(&j);
		for (c = 0; c < NCAUSES; c++) {
			const struct cause_when *w = &l->when[c];

			if (!w->seen)
				continue;
			json_obj_begin(&j);
			json_kv_str(&j, "cause", cause_name(c));
			json_kv_u64(&j, "count", w->count);
			fmt_secs3(buf, sizeof(buf), w->first);
			json_kv_raw(&j, "first", buf);
			fmt_secs3(buf, sizeof(buf), w->last);
			json_kv_raw(&j, "last", buf);
			fmt_secs3(buf, sizeof(buf), now > w->last ? now - w->last : 0);
			json_kv_raw(&j, "last_ago", buf);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_obj_end(&j);
	}
	json_arr_end(&j);
}

void print_sockets(FILE *f, const struct sockets *ss)
{
	char local[ENDPOINT_LEN], peer[ENDPOINT_LEN], a1[32], a2[32], ck[32];
	struct table t;
	unsigned int k;
	size_t i;

	table_init(&t, SOCKET_COLUMNS);
	for (i = 0; i < ss->n; i++) {
		const struct sockrow *s = &ss->v[i];

		sock_local(s, local, sizeof(local));
		sock_peer(s, peer, sizeof(peer));
		fmt_secs3(a1, sizeof(a1), s->age_in_state);
		fmt_secs3(a2, sizeof(a2), s->age);
		fmt_cookie(ck, sizeof(ck), s->cookie);
		table_cell(&t, "%s", local);
		table_cell(&t, "%s", peer);
		table_cell(&t, "%s", state_name(s->state));
		table_cell(&t, "%s", a1);
		table_cell(&t, "%s", a2);
		table_cell(&t, "%u", s->transitions);
		table_cell(&t, "%s", ck);
		table_cell(&t, "%u", s->ecn);
		for (k = 0; k < SK_NECN; k++)
			table_cell(&t, "%llu", (unsigned long long)s->ecnv[k]);
	}
	table_print(&t, f, opt.no_header);
	table_free(&t);
}

void json_sockets(FILE *f, const struct sockets *ss)
{
	char buf[ENDPOINT_LEN];
	struct json j;
	unsigned int k;
	size_t i;

	json_init(&j, f, opt.pretty);
	json_arr_begin(&j);
	for (i = 0; i < ss->n; i++) {
		const struct sockrow *s = &ss->v[i];

		json_obj_begin(&j);
		sock_local(s, buf, sizeof(buf));
		json_kv_str(&j, "local", buf);
		sock_peer(s, buf, sizeof(buf));
		json_kv_str(&j, "peer", buf);
		json_kv_str(&j, "state", state_name(s->state));
		fmt_secs3(buf, sizeof(buf), s->age_in_state);
		json_kv_raw(&j, "age_in_state", buf);
		fmt_secs3(buf, sizeof(buf), s->age);
		json_kv_raw(&j, "age", buf);
		json_kv_u64(&j, "transitions", s->transitions);
		fmt_cookie(buf, sizeof(buf), s->cookie);
		json_kv_str(&j, "cookie", buf);
		json_kv_u64(&j, "ecn", s->ecn);
		for (k = 0; k < SK_NECN; k++)
			json_kv_u64(&j, sock_ecn_names[k], s->ecnv[k]);
		json_kv_str(&j, "family", family_name(s->family));
		fmt_addr(buf, sizeof(buf), s->family, s->saddr, s->alen);
		json_kv_str(&j, "local_addr", buf);
		json_kv_u64(&j, "local_port", s->sport);
		fmt_addr(buf, sizeof(buf), s->family, s->daddr, s->alen);
		json_kv_str(&j, "peer_addr", buf);
		json_kv_u64(&j, "peer_port", s->dport);
		json_obj_end(&j);
	}
	json_arr_end(&j);
}
