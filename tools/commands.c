// SPDX-License-Identifier: GPL-2.0
/*
 * The reading commands: stats, listeners, sockets, states, timewait,
 * lifetimes, ecn; and reset.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "fmt.h"
#include "json.h"
#include "output.h"
#include "table.h"

/* --- features ------------------------------------------------------------------ */

int cmd_features(const struct cmd_args *a)
{
	struct features f;
	struct nl nl;
	size_t i;
	int rc, err;

	rc = client_open(&nl, a->name, false);
	if (rc)
		return rc;
	err = dump_features(&nl, &f);
	if (err) {
		rc = client_error(&nl, a->name, err);
	} else if (opt.json) {
		struct json j;

		json_init(&j, stdout, opt.pretty);
		json_obj_begin(&j);
		json_key(&j, "features");
		json_arr_begin(&j);
		for (i = 0; i < f.n; i++) {
			json_obj_begin(&j);
			json_key(&j, "name");
			json_str(&j, f.v[i].name);
			json_key(&j, "exact");
			json_bool(&j, f.v[i].exact);
			json_key(&j, "reason");
			json_str(&j, f.v[i].reason);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_obj_end(&j);
	} else {
		struct table t;

		table_init(&t, "feature status reason");
		for (i = 0; i < f.n; i++) {
			table_cell(&t, "%s", f.v[i].name);
			table_cell(&t, "%s", f.v[i].exact ? "exact" : "degraded");
			table_cell(&t, "%s", f.v[i].reason[0] ? f.v[i].reason : "-");
		}
		table_print(&t, stdout, opt.no_header);
		table_free(&t);
	}
	nl_close(&nl);
	return rc;
}

/* --- stats ---------------------------------------------------------------------- */

int cmd_stats(const struct cmd_args *a)
{
	struct stats_reply r = { 0 };
	struct nl nl;
	int rc, err;

	rc = client_open(&nl, a->name, false);
	if (rc)
		return rc;
	err = get_stats(&nl, &r);
	if (err) {
		rc = client_error(&nl, a->name, err);
	} else if (opt.json) {
		struct json j;

		json_init(&j, stdout, opt.pretty);
		json_obj_begin(&j);
		json_key(&j, "stats");
		json_counters(&j, &r.stats);
		json_key(&j, "events");
		json_counters(&j, &r.events);
		json_obj_end(&j);
	} else {
		struct table t;

		/* The events_* counters are in the stats set: printed once. */
		table_init(&t, "name value");
		table_counters(&t, &r.stats);
		table_print(&t, stdout, opt.no_header);
		table_free(&t);
	}
	if (!err)
		warn_degraded(&nl);
	stats_reply_free(&r);
	nl_close(&nl);
	return rc;
}

/* --- listeners -------------------------------------------------------------------- */

int cmd_listeners(const struct cmd_args *a)
{
	struct listeners ls = { 0 };
	struct nl nl;
	int rc, err;

	rc = client_open(&nl, a->name, false);
	if (rc)
		return rc;
	err = dump_listeners(&nl, a, &ls);
	if (err)
		rc = client_error(&nl, a->name, err);
	else if (opt.json)
		json_listeners(stdout, &ls, now_boottime_ns());
	else
		print_listeners(stdout, &ls);
	listeners_free(&ls);
	nl_close(&nl);
	return rc;
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

int cmd_sockets(const struct cmd_args *a)
{
	struct sockets ss = { 0 };
	struct nl nl;
	int rc, err;

	rc = client_open(&nl, a->name, false);
	if (rc)
		return rc;
	err = dump_sockets(&nl, a, &ss);
	if (err) {
		rc = client_error(&nl, a->name, err);
	} else {
		if (ss.n > 1)
			qsort(ss.v, ss.n, sizeof(*ss.v), sock_cmp);
		if (opt.json)
			json_sockets(stdout, &ss);
		else
			print_sockets(stdout, &ss);
	}
	sockets_free(&ss);
	nl_close(&nl);
	return rc;
}

/* --- states ------------------------------------------------------------------------ */

int cmd_states(const struct cmd_args *a)
{
	struct transitions r = { 0 };
	struct nl nl;
	size_t i;
	int rc, err;

	rc = client_open(&nl, a->name, false);
	if (rc)
		return rc;
	err = dump_states(&nl, &r);
	if (err) {
		rc = client_error(&nl, a->name, err);
	} else if (opt.json) {
		struct json j;

		json_init(&j, stdout, opt.pretty);
		json_arr_begin(&j);
		for (i = 0; i < r.n; i++) {
			if (!r.v[i].count)
				continue;
			json_obj_begin(&j);
			json_kv_str(&j, "from", state_name(r.v[i].from));
			json_kv_str(&j, "to", state_name(r.v[i].to));
			json_kv_u64(&j, "count", r.v[i].count);
			json_obj_end(&j);
		}
		json_arr_end(&j);
	} else {
		struct table t;

		table_init(&t, "from to count");
		for (i = 0; i < r.n; i++) {
			if (!r.v[i].count)
				continue;
			table_cell(&t, "%s", state_name(r.v[i].from));
			table_cell(&t, "%s", state_name(r.v[i].to));
			table_cell(&t, "%llu", (unsigned long long)r.v[i].count);
		}
		table_print(&t, stdout, opt.no_header);
		table_free(&t);
	}
	transitions_free(&r);
	nl_close(&nl);
	return rc;
}

/* --- timewait ----------------------------------------------------------------------- */

static void tw_row_key(const struct tw_row *row, unsigned int kind, char *buf,
		       size_t len)
{
	if (kind == TCPOBS_TW_KIND_PEER)
		fmt_addr(buf, len, row->family, row->addr, row->alen);
	else
		snprintf(buf, len, "%u", row->port);
}

static void tw_age_label(const struct tw_age *age, char *buf, size_t len)
{
	if (age->to)
		snprintf(buf, len, "%us-%us", age->from, age->to);
	else
		snprintf(buf, len, "%us+", age->from);
}

static void timewait_json(const struct tw_reply *r)
{
	char key[64], addr[ADDR_LEN];
	unsigned int k;
	struct json j;
	size_t i;

	json_init(&j, stdout, opt.pretty);
	json_obj_begin(&j);
	json_key(&j, "totals");
	json_counters(&j, &r->totals);
	for (k = 0; k < NTWKINDS; k++) {
		const struct tw_table *t = &r->t[k];

		if (!t->present)
			continue;
		json_key(&j, tw_kind_names[k]);
		json_arr_begin(&j);
		for (i = 0; i < t->n; i++) {
			json_obj_begin(&j);
			if (k == TCPOBS_TW_KIND_PEER) {
				tw_row_key(&t->rows[i], k, addr, sizeof(addr));
				json_kv_str(&j, "addr", addr);
				json_kv_str(&j, "family", family_name(t->rows[i].family));
			} else {
				json_kv_u64(&j, "port", t->rows[i].port);
			}
			json_kv_u64(&j, "count", t->rows[i].count);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		snprintf(key, sizeof(key), "%s_other", tw_kind_names[k]);
		json_kv_u64(&j, key, t->other);
	}
	json_key(&j, "age");
	json_arr_begin(&j);
	for (i = 0; i < r->nages; i++) {
		json_obj_begin(&j);
		json_kv_u64(&j, "from", r->ages[i].from);
		json_key(&j, "to");
		if (r->ages[i].to)
			json_u64(&j, r->ages[i].to);
		else
			json_null(&j);
		json_kv_u64(&j, "count", r->ages[i].count);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
}

static void timewait_text(const struct tw_reply *r)
{
	char key[ADDR_LEN], hdr[64];
	struct table t;
	unsigned int k;
	size_t i;

	table_init(&t, "name value");
	table_counters(&t, &r->totals);
	table_print(&t, stdout, opt.no_header);
	table_free(&t);
	for (k = 0; k < NTWKINDS; k++) {
		const struct tw_table *tt = &r->t[k];

		if (!tt->present)
			continue;
		snprintf(hdr, sizeof(hdr), "%s count", tw_kind_names[k]);
		table_init(&t, hdr);
		for (i = 0; i < tt->n; i++) {
			tw_row_key(&tt->rows[i], k, key, sizeof(key));
			table_cell(&t, "%s", key);
			table_cell(&t, "%llu", (unsigned long long)tt->rows[i].count);
		}
		table_cell(&t, "other");
		table_cell(&t, "%llu", (unsigned long long)tt->other);
		putchar('\n');
		table_print(&t, stdout, opt.no_header);
		table_free(&t);
	}
	table_init(&t, "age count");
	for (i = 0; i < r->nages; i++) {
		tw_age_label(&r->ages[i], key, sizeof(key));
		table_cell(&t, "%s", key);
		table_cell(&t, "%llu", (unsigned long long)r->ages[i].count);
	}
	putchar('\n');
	table_print(&t, stdout, opt.no_header);
	table_free(&t);
}

int cmd_timewait(const struct cmd_args *a)
{
	struct tw_reply r = { 0 };
	struct nl nl;
	int rc, err;

	rc = client_open(&nl, a->name, false);
	if (rc)
		return rc;
	err = dump_timewait(&nl, a->top, &r);
	if (err)
		rc = client_error(&nl, a->name, err);
	else if (opt.json)
		timewait_json(&r);
	else
		timewait_text(&r);
	tw_reply_free(&r);
	nl_close(&nl);
	return rc;
}

/* --- lifetimes ------------------------------------------------------------------------ */

int cmd_lifetimes(const struct cmd_args *a)
{
	struct lifetimes r = { 0 };
	struct nl nl;
	size_t i;
	int rc, err;

	rc = client_open(&nl, a->name, false);
	if (rc)
		return rc;
	err = dump_lifetimes(&nl, &r);
	if (err) {
		rc = client_error(&nl, a->name, err);
	} else if (opt.json) {
		struct json j;

		json_init(&j, stdout, opt.pretty);
		json_arr_begin(&j);
		for (i = 0; i < r.n; i++) {
			json_obj_begin(&j);
			json_kv_str(&j, "state", state_name(r.v[i].state));
			json_kv_u64(&j, "from_us", r.v[i].from_us);
			json_key(&j, "to_us");
			if (r.v[i].to_us)
				json_u64(&j, r.v[i].to_us);
			else
				json_null(&j);
			json_kv_u64(&j, "count", r.v[i].count);
			json_obj_end(&j);
		}
		json_arr_end(&j);
	} else {
		struct table t;

		table_init(&t, "state from_us to_us count");
		for (i = 0; i < r.n; i++) {
			table_cell(&t, "%s", state_name(r.v[i].state));
			table_cell(&t, "%llu", (unsigned long long)r.v[i].from_us);
			if (r.v[i].to_us)
				table_cell(&t, "%llu", (unsigned long long)r.v[i].to_us);
			else
				table_cell(&t, "inf");
			table_cell(&t, "%llu", (unsigned long long)r.v[i].count);
		}
		table_print(&t, stdout, opt.no_header);
		table_free(&t);
	}
	lifetimes_free(&r);
	nl_close(&nl);
	return rc;
}

/* --- ecn ----------------------------------------------------------------------------------- */

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

static void ecn_json_row(struct json *j, const struct ecn_row *row, bool other)
{
	unsigned int i;

	json_obj_begin(j);
	if (!other) {
		json_kv_str(j, "side", ecn_side_name(row->side));
		json_kv_u64(j, "port", row->port);
	}
	for (i = 0; i < ECN_NCOLS; i++)
		json_kv_u64(j, ecn_col_names[i], row->v[i]);
	json_obj_end(j);
}

static void ecn_text_row(struct table *t, const struct ecn_row *row, bool other)
{
	unsigned int i;

	table_cell(t, "%s", other ? "-" : ecn_side_name(row->side));
	if (other)
		table_cell(t, "other");
	else
		table_cell(t, "%u", row->port);
	for (i = 0; i < ECN_NCOLS; i++)
		table_cell(t, "%llu", (unsigned long long)row->v[i]);
}

int cmd_ecn(const struct cmd_args *a)
{
	struct ecn_reply r = { 0 };
	struct nl nl;
	size_t i;
	int rc, err;

	rc = client_open(&nl, a->name, false);
	if (rc)
		return rc;
	err = dump_ecn(&nl, &r);
	if (err) {
		rc = client_error(&nl, a->name, err);
	} else if (opt.json) {
		struct json j;

		json_init(&j, stdout, opt.pretty);
		json_obj_begin(&j);
		json_key(&j, "totals");
		json_counters(&j, &r.totals);
		json_key(&j, "services");
		json_arr_begin(&j);
		for (i = 0; i < r.n; i++)
			ecn_json_row(&j, &r.rows[i], false);
		json_arr_end(&j);
		json_key(&j, "other");
		if (r.has_other)
			ecn_json_row(&j, &r.other, true);
		else
			json_null(&j);
		json_obj_end(&j);
	} else {
		struct table t;

		table_init(&t, "name value");
		table_counters(&t, &r.totals);
		table_print(&t, stdout, opt.no_header);
		table_free(&t);
		table_init(&t, "side port sockets negotiated ce ect0 ect1 noect ece_in ece_out cwr_in cwr_out delivered_ce");
		for (i = 0; i < r.n; i++)
			ecn_text_row(&t, &r.rows[i], false);
		if (r.has_other)
			ecn_text_row(&t, &r.other, true);
		putchar('\n');
		table_print(&t, stdout, opt.no_header);
		table_free(&t);
	}
	ecn_reply_free(&r);
	nl_close(&nl);
	return rc;
}

/* --- reset ----------------------------------------------------------------------------------- */

int cmd_reset(const struct cmd_args *a)
{
	struct nl nl;
	int rc, err;

	rc = client_open(&nl, a->name, false);
	if (rc)
		return rc;
	err = do_reset(&nl);
	if (err)
		rc = client_error(&nl, a->name, err);
	nl_close(&nl);
	return rc;
}
