// SPDX-License-Identifier: GPL-2.0
/*
 * The reading commands: features, stats, listeners, sockets, states,
 * timewait, lifetimes, ecn; and reset. Each is a request and a description
 * of its output, run by client_run().
 */
#include <stdio.h>
#include <stdlib.h>

#include "client.h"
#include "fmt.h"
#include "output.h"
#include "print.h"

/* --- features ------------------------------------------------------------------ */

static int features_request(struct nl *nl, const struct cmd_args *a, void *reply)
{
	(void)a;
	return dump_features(nl, reply);
}

static void feature_row(const void *item, const void *ctx)
{
	const struct feature *f = item;

	(void)ctx;
	print_string(PRINT_FP, "feature", NULL, f->name);
	print_string(PRINT_JSON, "name", NULL, f->name);
	print_string(PRINT_FP, "status", NULL, f->exact ? "exact" : "degraded");
	print_bool(PRINT_JSON, "exact", NULL, f->exact);
	print_string(PRINT_FP, "reason", NULL, f->reason[0] ? f->reason : "-");
	print_string(PRINT_JSON, "reason", NULL, f->reason);
}

static void features_print(const void *reply)
{
	const struct features *f = reply;

	open_json_object(NULL);
	open_json_array("features");
	print_rows(PRINT_ANY, f->v, f->n, sizeof(*f->v), feature_row, NULL);
	close_json_array();
	close_json_object();
}

int cmd_features(const struct cmd_args *a)
{
	static const struct client_cmd c = {
		.request = features_request,
		.print = features_print,
	};
	struct features f;

	return client_run(a, &c, &f);
}

/* --- stats ---------------------------------------------------------------------- */

static int stats_request(struct nl *nl, const struct cmd_args *a, void *reply)
{
	(void)a;
	return get_stats(nl, reply);
}

static void stats_print(const void *reply)
{
	const struct stats_reply *r = reply;

	open_json_object(NULL);
	print_counters(PRINT_ANY, "stats", &r->stats);
	/* The events_* counters are in the stats set: printed once in text. */
	print_counters(PRINT_JSON, "events", &r->events);
	close_json_object();
}

static void stats_free(void *reply)
{
	stats_reply_free(reply);
}

int cmd_stats(const struct cmd_args *a)
{
	static const struct client_cmd c = {
		.request = stats_request,
		.print = stats_print,
		.free = stats_free,
		.warn_degraded = true,
	};
	struct stats_reply r = { 0 };

	return client_run(a, &c, &r);
}

/* --- listeners -------------------------------------------------------------------- */

static int listeners_request(struct nl *nl, const struct cmd_args *a, void *reply)
{
	return dump_listeners(nl, a, reply);
}

static void listeners_print(const void *reply)
{
	print_listeners(reply, now_boottime_ns());
}

static void listeners_free_reply(void *reply)
{
	listeners_free(reply);
}

int cmd_listeners(const struct cmd_args *a)
{
	static const struct client_cmd c = {
		.request = listeners_request,
		.print = listeners_print,
		.free = listeners_free_reply,
	};
	struct listeners ls = { 0 };

	return client_run(a, &c, &ls);
}

/* --- sockets ---------------------------------------------------------------------- */

static int sock_cmp(const void *x, const void *y)
{
	const struct sockrow *a = x, *b = y;

	if (a->sport != b->sport)
		return a->sport < b->sport ? -1 : 1;
	if (a->dport != b->dport)
		return a->dport < b->dport ? -1 : 1;
	return a->cookie < b->cookie ? -1 : a->cookie > b->cookie;
}

/* The sockets, by local port, peer port, cookie. */
static int sockets_request(struct nl *nl, const struct cmd_args *a, void *reply)
{
	struct sockets *ss = reply;
	int err = dump_sockets(nl, a, ss);

	if (!err && ss->n > 1)
		qsort(ss->v, ss->n, sizeof(*ss->v), sock_cmp);
	return err;
}

static void sockets_print(const void *reply)
{
	print_sockets(reply);
}

static void sockets_free_reply(void *reply)
{
	sockets_free(reply);
}

int cmd_sockets(const struct cmd_args *a)
{
	static const struct client_cmd c = {
		.request = sockets_request,
		.print = sockets_print,
		.free = sockets_free_reply,
	};
	struct sockets ss = { 0 };

	return client_run(a, &c, &ss);
}

/* --- states ------------------------------------------------------------------------ */

/* The transitions that happened (count not 0). */
static int states_request(struct nl *nl, const struct cmd_args *a, void *reply)
{
	struct transitions *r = reply;
	size_t i, n = 0;
	int err;

	(void)a;
	err = dump_states(nl, r);
	if (err)
		return err;
	for (i = 0; i < r->n; i++)
		if (r->v[i].count)
			r->v[n++] = r->v[i];
	r->n = n;
	return 0;
}

static void transition_row(const void *item, const void *ctx)
{
	const struct transition *t = item;

	(void)ctx;
	print_string(PRINT_ANY, "from", NULL, state_name(t->from));
	print_string(PRINT_ANY, "to", NULL, state_name(t->to));
	print_u64(PRINT_ANY, "count", NULL, t->count);
}

static void states_print(const void *reply)
{
	const struct transitions *r = reply;

	open_json_array(NULL);
	print_rows(PRINT_ANY, r->v, r->n, sizeof(*r->v), transition_row, NULL);
	close_json_array();
}

static void states_free(void *reply)
{
	transitions_free(reply);
}

int cmd_states(const struct cmd_args *a)
{
	static const struct client_cmd c = {
		.request = states_request,
		.print = states_print,
		.free = states_free,
	};
	struct transitions r = { 0 };

	return client_run(a, &c, &r);
}

/* --- timewait ----------------------------------------------------------------------- */

static int timewait_request(struct nl *nl, const struct cmd_args *a, void *reply)
{
	return dump_timewait(nl, a->top, reply);
}

/* @ctx: the kind of the table (enum tcpobs_tw_kind), its column title. */
static void tw_row(const void *item, const void *ctx)
{
	const struct tw_row *row = item;
	unsigned int kind = *(const unsigned int *)ctx;
	char addr[ADDR_LEN];

	if (kind == TCPOBS_TW_KIND_PEER) {
		fmt_addr(addr, sizeof(addr), row->family, row->addr, row->alen);
		print_string(PRINT_FP, tw_kind_names[kind], NULL, addr);
		print_string(PRINT_JSON, "addr", NULL, addr);
		print_string(PRINT_JSON, "family", NULL, family_name(row->family));
	} else {
		print_u64(PRINT_FP, tw_kind_names[kind], NULL, row->port);
		print_u64(PRINT_JSON, "port", NULL, row->port);
	}
	print_u64(PRINT_ANY, "count", NULL, row->count);
}

static void tw_age_row(const void *item, const void *ctx)
{
	const struct tw_age *age = item;
	char label[32];

	(void)ctx;
	if (age->to)
		snprintf(label, sizeof(label), "%us-%us", age->from, age->to);
	else
		snprintf(label, sizeof(label), "%us+", age->from);
	print_string(PRINT_FP, "age", NULL, label);
	print_u64(PRINT_JSON, "from", NULL, age->from);
	if (age->to)
		print_u64(PRINT_JSON, "to", NULL, age->to);
	else
		print_null(PRINT_JSON, "to", NULL, NULL);
	print_u64(PRINT_ANY, "count", NULL, age->count);
}

/* The layout of /proc/net/tcpobs/timewait: tables a blank line apart. */
static void timewait_print(const void *reply)
{
	const struct tw_reply *r = reply;
	char key[64];
	unsigned int k;

	open_json_object(NULL);
	print_counters(PRINT_ANY, "totals", &r->totals);
	for (k = 0; k < NTWKINDS; k++) {
		const struct tw_table *t = &r->t[k];

		if (!t->present)
			continue;
		print_nl();
		open_json_array(tw_kind_names[k]);
		print_rows(PRINT_ANY, t->rows, t->n, sizeof(*t->rows), tw_row, &k);
		close_json_array();
		open_row(PRINT_FP, NULL);
		print_string(PRINT_FP, tw_kind_names[k], NULL, "other");
		print_u64(PRINT_FP, "count", NULL, t->other);
		close_row(PRINT_FP);
		snprintf(key, sizeof(key), "%s_other", tw_kind_names[k]);
		print_u64(PRINT_JSON, key, NULL, t->other);
	}
	print_nl();
	open_json_array("age");
	print_rows(PRINT_ANY, r->ages, r->nages, sizeof(*r->ages), tw_age_row, NULL);
	close_json_array();
	close_json_object();
}

static void timewait_free(void *reply)
{
	tw_reply_free(reply);
}

int cmd_timewait(const struct cmd_args *a)
{
	static const struct client_cmd c = {
		.request = timewait_request,
		.print = timewait_print,
		.free = timewait_free,
	};
	struct tw_reply r = { 0 };

	return client_run(a, &c, &r);
}

/* --- lifetimes ------------------------------------------------------------------------ */

static int lifetimes_request(struct nl *nl, const struct cmd_args *a, void *reply)
{
	(void)a;
	return dump_lifetimes(nl, reply);
}

static void lifetime_row(const void *item, const void *ctx)
{
	const struct lifetime *l = item;

	(void)ctx;
	print_string(PRINT_ANY, "state", NULL, state_name(l->state));
	print_u64(PRINT_ANY, "from_us", NULL, l->from_us);
	if (l->to_us)
		print_u64(PRINT_ANY, "to_us", NULL, l->to_us);
	else
		print_null(PRINT_ANY, "to_us", NULL, "inf");
	print_u64(PRINT_ANY, "count", NULL, l->count);
}

static void lifetimes_print(const void *reply)
{
	const struct lifetimes *r = reply;

	open_json_array(NULL);
	print_rows(PRINT_ANY, r->v, r->n, sizeof(*r->v), lifetime_row, NULL);
	close_json_array();
}

static void lifetimes_free_reply(void *reply)
{
	lifetimes_free(reply);
}

int cmd_lifetimes(const struct cmd_args *a)
{
	static const struct client_cmd c = {
		.request = lifetimes_request,
		.print = lifetimes_print,
		.free = lifetimes_free_reply,
	};
	struct lifetimes r = { 0 };

	return client_run(a, &c, &r);
}

/* --- ecn ----------------------------------------------------------------------------------- */

static int ecn_request(struct nl *nl, const struct cmd_args *a, void *reply)
{
	(void)a;
	return dump_ecn(nl, reply);
}

static const char *ecn_side_name(unsigned int side)
{
	switch (side) {
	case TCPOBS_ECN_SIDE_LOCAL:
		return "local";
	case TCPOBS_ECN_SIDE_PEER:
		return "peer";
	default:
		return "-";
	}
}

/* A service row, or the other row: "- other" in text, no side nor port in JSON. */
static void ecn_cols(const struct ecn_row *row, bool other)
{
	unsigned int i;

	if (other) {
		print_string(PRINT_FP, "side", NULL, "-");
		print_string(PRINT_FP, "port", NULL, "other");
	} else {
		print_string(PRINT_ANY, "side", NULL, ecn_side_name(row->side));
		print_u64(PRINT_ANY, "port", NULL, row->port);
	}
	for (i = 0; i < ECN_NCOLS; i++)
		print_u64(PRINT_ANY, ecn_col_names[i], NULL, row->v[i]);
}

static void ecn_service_row(const void *item, const void *ctx)
{
	(void)ctx;
	ecn_cols(item, false);
}

static void ecn_print(const void *reply)
{
	const struct ecn_reply *r = reply;

	open_json_object(NULL);
	print_counters(PRINT_ANY, "totals", &r->totals);
	print_nl();
	open_json_array("services");
	print_rows(PRINT_ANY, r->rows, r->n, sizeof(*r->rows), ecn_service_row, NULL);
	close_json_array();
	if (r->has_other) {
		open_row(PRINT_ANY, "other");
		ecn_cols(&r->other, true);
		close_row(PRINT_ANY);
	} else {
		print_null(PRINT_JSON, "other", NULL, NULL);
	}
	close_json_object();
}

static void ecn_free(void *reply)
{
	ecn_reply_free(reply);
}

int cmd_ecn(const struct cmd_args *a)
{
	static const struct client_cmd c = {
		.request = ecn_request,
		.print = ecn_print,
		.free = ecn_free,
	};
	struct ecn_reply r = { 0 };

	return client_run(a, &c, &r);
}

/* --- reset ----------------------------------------------------------------------------------- */

static int reset_request(struct nl *nl, const struct cmd_args *a, void *reply)
{
	(void)a;
	(void)reply;
	return do_reset(nl);
}

int cmd_reset(const struct cmd_args *a)
{
	static const struct client_cmd c = { .request = reset_request };

	return client_run(a, &c, NULL);
}
