// SPDX-License-Identifier: GPL-2.0
/* top: listeners by listen-drop rate, refreshed every interval. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "fmt.h"
#include "print.h"
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

static void top_row_print(const void *item, const void *ctx)
{
	static const struct listener none;	/* the blank row of print_rows() */
	const struct top_row *row = item;
	const struct listener *l = row->l ? row->l : &none;
	char buf[ENDPOINT_LEN];

	(void)ctx;
	listener_local(l, buf, sizeof(buf));
	print_string(PRINT_ANY, "local", NULL, buf);
	print_float(PRINT_ANY, "drops_per_sec", 1, row->rate);
	print_u64(PRINT_ANY, "listen_overflows", NULL, l->cause[TCPOBS_CAUSE_LISTEN_OVERFLOWS]);
	print_u64(PRINT_ANY, "listen_drops", NULL, l->cause[TCPOBS_CAUSE_LISTEN_DROPS]);
	print_u64(PRINT_ANY, "reqq_full_drops", NULL, l->cause[TCPOBS_CAUSE_REQQ_FULL_DROPS]);
	print_u64(PRINT_ANY, "syncookies_sent", NULL, l->cause[TCPOBS_CAUSE_SYNCOOKIES_SENT]);
	print_u64(PRINT_ANY, "accept_q", NULL, l->accept_q);
	print_u64(PRINT_ANY, "backlog", NULL, l->backlog);
	print_u64(PRINT_ANY, "syn_q", NULL, l->syn_q);
	listener_addr(l, buf, sizeof(buf));
	print_string(PRINT_JSON, "addr", NULL, buf);
	print_u64(PRINT_JSON, "port", NULL, l->port);
	fmt_cookie(buf, sizeof(buf), l->cookie);
	print_string(PRINT_JSON, "cookie", NULL, buf);
}

/*
 * One update: on a terminal, the screen cleared and a title first;
 * otherwise a blank line after. In JSON, an array.
 */
static void top_print(const struct top_row *rows, size_t n, double interval)
{
	bool tty = isatty(STDOUT_FILENO);

	new_json_obj(stdout, opt.json, opt.pretty, opt.no_header);
	if (tty) {
		print_text("\033[H\033[2J");
		print_text("tcpobs top: %zu listener%s, listen drops per second over %.1f s (Ctrl-C quits)\n\n",
			   n, n == 1 ? "" : "s", interval);
	}
	open_json_array(NULL);
	print_rows(PRINT_ANY, rows, n, sizeof(*rows), top_row_print, NULL);
	close_json_array();
	if (!tty)
		print_nl();
	delete_json_obj();
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
