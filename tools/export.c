// SPDX-License-Identifier: GPL-2.0
/* export: the Prometheus text exposition format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "fmt.h"
#include "procfs.h"
#include "top.h"
#include "util.h"

/* A listener, or the sum of the listeners sharing its address and port. */
struct prom_listener {
	char addr[ADDR_LEN];
	uint16_t port;
	uint64_t cause[NCAUSES];
	uint64_t backlog, accept_q, syn_q;
};

static void prom_head(FILE *f, const char *name, const char *type,
		      const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static size_t prom_group(const struct listeners *ls, struct prom_listener *out)
{
	size_t i, k, n = 0;
	unsigned int c;

	for (i = 0; i < ls->n; i++) {
		const struct listener *l = &ls->v[i];
		char addr[ADDR_LEN];

		listener_addr(l, addr, sizeof(addr));
		for (k = 0; k < n; k++)
			if (out[k].port == l->port && !strcmp(out[k].addr, addr))
				break;
		if (k == n) {
			memset(&out[n], 0, sizeof(out[n]));
			snprintf(out[n].addr, sizeof(out[n].addr), "%s", addr);
			out[n].port = l->port;
			n++;
		}
		for (c = 0; c < NCAUSES; c++)
			out[k].cause[c] += l->cause[c];
		out[k].backlog += l->backlog;
		out[k].accept_q += l->accept_q;
		out[k].syn_q += l->syn_q;
	}
	return n;
}

enum { G_BACKLOG, G_ACCEPT_Q, G_SYN_Q };

static void prom_gauge(FILE *f, const char *name, const char *help,
		       const char *ns, const struct prom_listener *pl, size_t n,
		       int which)
{
	size_t i;

	prom_head(f, name, "gauge", help);
	for (i = 0; i < n; i++) {
		uint64_t v = which == G_BACKLOG ? pl[i].backlog :
			     which == G_ACCEPT_Q ? pl[i].accept_q : pl[i].syn_q;

		fprintf(f, "%s{netns=\"%s\",addr=\"%s\",port=\"%u\"} %llu\n", name,
			ns, pl[i].addr, pl[i].port, (unsigned long long)v);
	}
}

void prom_write(FILE *f, const char *netns, const struct stats_reply *st,
		const struct listeners *ls)
{
	struct prom_listener *pl = xcalloc(ls->n, sizeof(*pl));
	size_t n = prom_group(ls, pl), i;
	char ns[256];
	unsigned int c;
	int64_t v;

	prom_escape(ns, sizeof(ns), netns);
	prom_head(f, "tcpobs_listener_drops_total", "counter",
		  "Connection attempts a listening socket dropped or answered with a SYN cookie, by cause (its share of the kernel's TcpExt counter).");
	for (i = 0; i < n; i++)
		for (c = 0; c < NCAUSES; c++)
			fprintf(f, "tcpobs_listener_drops_total{netns=\"%s\",addr=\"%s\",port=\"%u\",cause=\"%s\"} %llu\n",
				ns, pl[i].addr, pl[i].port, cause_name(c),
				(unsigned long long)pl[i].cause[c]);
	prom_gauge(f, "tcpobs_listener_backlog",
		   "Effective backlog of a listening socket, min(listen() backlog, net.core.somaxconn).",
		   ns, pl, n, G_BACKLOG);
	prom_gauge(f, "tcpobs_listener_accept_queue",
		   "Established connections waiting for accept().",
		   ns, pl, n, G_ACCEPT_Q);
	prom_gauge(f, "tcpobs_listener_syn_queue",
		   "Handshakes in progress (request sockets).",
		   ns, pl, n, G_SYN_Q);
	free(pl);

	prom_head(f, "tcpobs_listen_drops_total", "counter",
		  "Listen drops of the network namespace by cause, closed listeners included.");
	for (c = 0; c < NCAUSES; c++)
		fprintf(f, "tcpobs_listen_drops_total{netns=\"%s\",cause=\"%s\"} %lld\n",
			ns, cause_name(c), (long long)counters_val(&st->stats, cause_name(c)));
	if (counters_get(&st->timewait, "tw", &v)) {
		prom_head(f, "tcpobs_timewait_sockets", "gauge",
			  "Timewait sockets of the namespace (/proc/net/sockstat tw).");
		fprintf(f, "tcpobs_timewait_sockets{netns=\"%s\"} %lld\n", ns, (long long)v);
	}
	if (counters_get(&st->stats, "sockets", &v)) {
		prom_head(f, "tcpobs_tracked_sockets", "gauge",
			  "Sockets of the namespace in the tcpobs lifecycle table.");
		fprintf(f, "tcpobs_tracked_sockets{netns=\"%s\"} %lld\n", ns, (long long)v);
	}
	if (st->ecn.n) {
		prom_head(f, "tcpobs_ecn_ce_packets_total", "counter",
			  "Packets received with the ECN CE (congestion experienced) codepoint.");
		fprintf(f, "tcpobs_ecn_ce_packets_total{netns=\"%s\",family=\"ipv4\"} %lld\n",
			ns, (long long)counters_val(&st->ecn, "ip_in_ce"));
		fprintf(f, "tcpobs_ecn_ce_packets_total{netns=\"%s\",family=\"ipv6\"} %lld\n",
			ns, (long long)counters_val(&st->ecn, "ip6_in_ce"));
	}
}

/* The namespace's label, its totals and its listeners. */
struct export_reply {
	char netns[64];
	struct stats_reply st;
	struct listeners ls;
};

static int export_request(struct nl *nl, const struct cmd_args *a, void *reply)
{
	struct export_reply *r = reply;
	int err = get_stats(nl, &r->st);

	return err ? err : dump_listeners(nl, a, &r->ls);
}

/* The exposition format, -j or not. */
static void export_print(const void *reply)
{
	const struct export_reply *r = reply;

	prom_write(stdout, r->netns, &r->st, &r->ls);
}

static void export_free(void *reply)
{
	struct export_reply *r = reply;

	stats_reply_free(&r->st);
	listeners_free(&r->ls);
}

int cmd_export(const struct cmd_args *a)
{
	static const struct client_cmd c = {
		.request = export_request,
		.print = export_print,
		.free = export_free,
	};
	struct export_reply r = { 0 };

	if (opt.netns)
		snprintf(r.netns, sizeof(r.netns), "%s", opt.netns);
	else if (read_netns_id(r.netns, sizeof(r.netns)))
		snprintf(r.netns, sizeof(r.netns), "unknown");
	return client_run(a, &c, &r);
}
