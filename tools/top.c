// SPDX-License-Identifier: GPL-2.0
/* top: listeners by listen-drop rate, refreshed every interval. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "fmt.h"
#include "json.h"
#include "table.h"
#include "top.h"
#include "util.h"

static int top_cmp(const void *x, const void *y)
{
	const struct top_row *a = x, *b = y;
	uint64_t da = a->l->cause[TCPOBS_CAUSE_LISTEN_DROPS];
	uint64_t db = b->l->cause[TCPOBS_CAUSE_LISTEN_DROPS];

	if (a->rate != b->rate)
		return a->rate > b->rate ? -1 : 1;
	if (da != db)
		return da > db ? -1 : 1;
	if (a->l->port != b->l->port)
		return a->l->port < b->l->port ? -1 : 1;
	return a->l->cookie < b->l->cookie ? -1 : a->l->cookie > b->l->cookie;
}

void top_rows(const struct listeners *prev, const struct listeners *cur,
	      double elapsed, struct top_row *rows)
{
	size_t i, k;

	for (i = 0; i < cur->n; i++) {
		const struct listener *l = &cur->v[i];
		uint64_t now = l->cause[TCPOBS_CAUSE_LISTEN_DROPS], before = 0;

		for (k = 0; prev && k < prev->n; k++) {
			if (prev->v[k].cookie == l->cookie) {
				before = prev->v[k].cause[TCPOBS_CAUSE_LISTEN_DROPS];
				break;
			}
		}
		rows[i].l = l;
		rows[i].delta = now >= before ? now - before : now;
		rows[i].rate = elapsed > 0 ? rows[i].delta / elapsed : 0;
	}
	if (cur->n > 1)
		qsort(rows, cur->n, sizeof(*rows), top_cmp);
}

static volatile sig_atomic_t top_stop;

static void top_signal(int sig)
{
	(void)sig;
	top_stop = 1;
}

static void top_print(const struct top_row *rows, size_t n, double interval)
{
	char buf[ENDPOINT_LEN];
	size_t i;

	if (opt.json) {
		struct json j;

		json_init(&j, stdout, opt.pretty);
		json_arr_begin(&j);
		for (i = 0; i < n; i++) {
			const struct listener *l = rows[i].l;

			json_obj_begin(&j);
			listener_local(l, buf, sizeof(buf));
			json_kv_str(&j, "local", buf);
			json_kv_double(&j, "drops_per_sec", rows[i].rate, 1);
			json_kv_u64(&j, "listen_overflows", l->cause[TCPOBS_CAUSE_LISTEN_OVERFLOWS]);
			json_kv_u64(&j, "listen_drops", l->cause[TCPOBS_CAUSE_LISTEN_DROPS]);
			json_kv_u64(&j, "reqq_full_drops", l->cause[TCPOBS_CAUSE_REQQ_FULL_DROPS]);
			json_kv_u64(&j, "syncookies_sent", l->cause[TCPOBS_CAUSE_SYNCOOKIES_SENT]);
			json_kv_u64(&j, "accept_q", l->accept_q);
			json_kv_u64(&j, "backlog", l->backlog);
			json_kv_u64(&j, "syn_q", l->syn_q);
			listener_addr(l, buf, sizeof(buf));
			json_kv_str(&j, "addr", buf);
			json_kv_u64(&j, "port", l->port);
			fmt_cookie(buf, sizeof(buf), l->cookie);
			json_kv_str(&j, "cookie", buf);
			json_obj_end(&j);
		}
		json_arr_end(&j);
	} else {
		struct table t;

		if (isatty(STDOUT_FILENO)) {
			fputs("\033[H\033[2J", stdout);
			printf("tcpobs top: %zu listener%s, listen drops per second over %.1f s (Ctrl-C quits)\n\n",
			       n, n == 1 ? "" : "s", interval);
		}
		table_init(&t, "local drops_per_sec listen_overflows listen_drops reqq_full_drops syncookies_sent accept_q backlog syn_q");
		for (i = 0; i < n; i++) {
			const struct listener *l = rows[i].l;

			listener_local(l, buf, sizeof(buf));
			table_cell(&t, "%s", buf);
			table_cell(&t, "%.1f", rows[i].rate);
			table_cell(&t, "%llu", (unsigned long long)l->cause[TCPOBS_CAUSE_LISTEN_OVERFLOWS]);
			table_cell(&t, "%llu", (unsigned long long)l->cause[TCPOBS_CAUSE_LISTEN_DROPS]);
			table_cell(&t, "%llu", (unsigned long long)l->cause[TCPOBS_CAUSE_REQQ_FULL_DROPS]);
			table_cell(&t, "%llu", (unsigned long long)l->cause[TCPOBS_CAUSE_SYNCOOKIES_SENT]);
			table_cell(&t, "%u", l->accept_q);
			table_cell(&t, "%u", l->backlog);
			table_cell(&t, "%u", l->syn_q);
		}
		table_print(&t, stdout, opt.no_header);
		table_free(&t);
		if (!isatty(STDOUT_FILENO))
			putchar('\n');
	}
	fflush(stdout);
}

int cmd_top(const struct cmd_args *a)
{
	struct sigaction sa = { .sa_handler = top_signal };
	struct listeners prev = { 0 }, cur = { 0 };
	double t_prev, t;
	struct top_row *rows;
	struct nl nl;
	long iter = 0;
	int rc, err;

	rc = client_open(&nl, a->name, false);
	if (rc)
		return rc;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	err = dump_listeners(&nl, a, &prev);
	t_prev = now_mono();
	while (!err && !top_stop) {
		sleep_secs(opt.interval, &top_stop);
		if (top_stop)
			break;
		memset(&cur, 0, sizeof(cur));
		err = dump_listeners(&nl, a, &cur);
		t = now_mono();
		if (err)
			break;
		rows = xcalloc(cur.n, sizeof(*rows));
		top_rows(&prev, &cur, t - t_prev, rows);
		top_print(rows, cur.n, t - t_prev);
		free(rows);
		listeners_free(&prev);
		prev = cur;
		memset(&cur, 0, sizeof(cur));
		t_prev = t;
		if (ferror(stdout) || (opt.count && ++iter >= opt.count))
			break;
	}
	if (err)
		rc = client_error(&nl, a->name, err);
	listeners_free(&prev);
	listeners_free(&cur);
	nl_close(&nl);
	return rc;
}
