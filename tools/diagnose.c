// SPDX-License-Identifier: GPL-2.0
/* diagnose: the verdict per listener, and the command gathering its inputs. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "diag.h"
#include "fmt.h"
#include "json.h"
#include "procfs.h"

static const char *const verdict_names[] = {
	[V_NO_DROPS] = "no_drops",
	[V_ACCEPT_QUEUE_FULL] = "accept_queue_full",
	[V_SYN_QUEUE_FULL] = "syn_queue_full",
	[V_SYNCOOKIES] = "syncookies",
	[V_OTHER_DROPS] = "other_drops",
};

const char *verdict_name(enum verdict v)
{
	return (unsigned int)v < ARRAY_SIZE(verdict_names) ? verdict_names[v] : "unknown";
}

void diag_input_init(struct diag_input *in)
{
	unsigned int c;

	memset(in, 0, sizeof(*in));
	in->interval = 1.0;
	for (c = 0; c < NCAUSES; c++)
		in->last_ago[c] = -1;
	in->somaxconn = -1;
	in->tcp_max_syn_backlog = -1;
	in->tcp_syncookies = -1;
	in->tcp_abort_on_overflow = -1;
}

/* Appends to a fixed buffer, truncating. */
static void cat(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strnlen(buf, len);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* The interval for people: "1.0", "0.25", "0.010" (a measured 1.0003 is "1.0"). */
static void fmt_interval(char *buf, size_t len, double secs)
{
	if (secs < 0.1)
		snprintf(buf, len, "%.3f", secs);
	else if (fabs(secs * 10 - round(secs * 10)) < 0.01 || secs >= 10)
		snprintf(buf, len, "%.1f", secs);
	else
		snprintf(buf, len, "%.2f", secs);
}

static void decide_what(const struct diag_input *in, struct diag_result *out)
{
	unsigned int c = (unsigned int)out->cause;
	char iv[32];

	fmt_interval(iv, sizeof(iv), in->interval);
	snprintf(out->what, sizeof(out->what), "%llu %s",
		 (unsigned long long)in->cause[c], cause_name(c));
	if (c != TCPOBS_CAUSE_LISTEN_DROPS)
		cat(out->what, sizeof(out->what), " (%llu listen_drops)",
		    (unsigned long long)in->cause[TCPOBS_CAUSE_LISTEN_DROPS]);
	cat(out->what, sizeof(out->what), " since tracking began, %llu in the last %s s",
	    (unsigned long long)in->delta[c], iv);
	if (in->delta[c])
		cat(out->what, sizeof(out->what), " (%.1f/s)", out->rate);
	cat(out->what, sizeof(out->what), out->still ? "; still happening" :
	    "; not happening now");
	if (in->last_ago[c] >= 0)
		cat(out->what, sizeof(out->what), " (last %.1f s ago)", in->last_ago[c]);
}

static void decide_also(const struct diag_input *in, struct diag_result *out)
{
	unsigned int c;

	out->also[0] = '\0';
	for (c = 0; c < NCAUSES; c++) {
		if (c == (unsigned int)out->cause || c == TCPOBS_CAUSE_LISTEN_DROPS ||
		    !in->cause[c])
			continue;
		cat(out->also, sizeof(out->also), "%s%llu %s", out->also[0] ? ", " : "",
		    (unsigned long long)in->cause[c], cause_name(c));
	}
}

static void why_fix_accept(const struct diag_input *in, struct diag_result *out)
{
	snprintf(out->why, sizeof(out->why),
		 "the accept queue is full: the application does not call accept() fast enough for the connection rate.");
	if (in->somaxconn >= 0)
		cat(out->why, sizeof(out->why),
		    " Effective backlog %u = min(listen() backlog, net.core.somaxconn=%ld).",
		    in->backlog, in->somaxconn);
	else
		cat(out->why, sizeof(out->why),
		    " Effective backlog %u = min(listen() backlog, net.core.somaxconn).",
		    in->backlog);

	snprintf(out->fix, sizeof(out->fix), "accept faster (more workers/threads), and ");
	if (in->somaxconn < 0)
		cat(out->fix, sizeof(out->fix),
		    "raise the listen() backlog (up to net.core.somaxconn).");
	else if (in->backlog >= in->somaxconn)
		cat(out->fix, sizeof(out->fix),
		    "raise net.core.somaxconn: sysctl -w net.core.somaxconn=%ld and the listen() backlog, e.g. listen(fd, %ld).",
		    2 * (in->somaxconn ? in->somaxconn : 64),
		    2 * (in->somaxconn ? in->somaxconn : 64));
	else
		cat(out->fix, sizeof(out->fix),
		    "raise the listen() backlog, e.g. listen(fd, %ld); net.core.somaxconn (%ld) already allows it.",
		    in->somaxconn, in->somaxconn);
}

static void why_fix_synq(const struct diag_input *in, struct diag_result *out)
{
	if (in->tcp_syncookies == 0 || in->tcp_syncookies < 0)
		snprintf(out->why, sizeof(out->why),
			 "the SYN queue is full and SYN cookies are off%s: new SYNs are dropped and clients retry after 1 s, 2 s, 4 s... The SYN queue holds at most backlog (%u) handshakes.",
			 in->tcp_syncookies == 0 ? " (net.ipv4.tcp_syncookies=0)" : "",
			 in->backlog);
	else
		snprintf(out->why, sizeof(out->why),
			 "the SYN queue was full while SYN cookies were off: SYNs were dropped (net.ipv4.tcp_syncookies is %ld now). The SYN queue holds at most backlog (%u) handshakes.",
			 in->tcp_syncookies, in->backlog);
	if (out->still && out->rate >= DIAG_FLOOD_RATE)
		cat(out->why, sizeof(out->why),
		    " At %.1f drops per second, a SYN flood is the likely cause.",
		    out->rate);

	if (in->tcp_syncookies > 0)
		snprintf(out->fix, sizeof(out->fix), "SYN cookies are on now; if drops continue, ");
	else
		snprintf(out->fix, sizeof(out->fix), "sysctl -w net.ipv4.tcp_syncookies=1, and ");
	if (in->tcp_max_syn_backlog >= 0)
		cat(out->fix, sizeof(out->fix),
		    "raise net.ipv4.tcp_max_syn_backlog (now %ld) and the listen() backlog (now %u).",
		    in->tcp_max_syn_backlog, in->backlog);
	else
		cat(out->fix, sizeof(out->fix),
		    "raise net.ipv4.tcp_max_syn_backlog and the listen() backlog (now %u).",
		    in->backlog);
}

static void why_fix_cookies(const struct diag_input *in, struct diag_result *out)
{
	uint64_t failed = in->cause[TCPOBS_CAUSE_SYNCOOKIES_FAILED];

	if (in->cause[TCPOBS_CAUSE_REQQ_FULL_COOKIES])
		snprintf(out->why, sizeof(out->why),
			 "the SYN queue overflowed and SYN cookies are answering: connections still succeed, but without the TCP options a cookie cannot carry (window scaling and SACK need timestamps, the MSS is rounded down).");
	else
		snprintf(out->why, sizeof(out->why),
			 "SYN cookies are answering SYNs: connections still succeed, but without the TCP options a cookie cannot carry (window scaling and SACK need timestamps, the MSS is rounded down).");
	if (in->tcp_syncookies == 2)
		cat(out->why, sizeof(out->why),
		    " net.ipv4.tcp_syncookies=2 sends cookies for every SYN, queue full or not.");
	if (failed)
		cat(out->why, sizeof(out->why),
		    " %llu syncookies_failed: ACKs with an invalid or expired cookie (forged, or clients answering too late).",
		    (unsigned long long)failed);
	if (out->still && out->rate >= DIAG_FLOOD_RATE)
		cat(out->why, sizeof(out->why),
		    " At %.1f per second, a SYN flood is the likely cause.", out->rate);

	snprintf(out->fix, sizeof(out->fix),
		 "if the load is legitimate, raise net.ipv4.tcp_max_syn_backlog");
	if (in->tcp_max_syn_backlog >= 0)
		cat(out->fix, sizeof(out->fix), " (now %ld)", in->tcp_max_syn_backlog);
	cat(out->fix, sizeof(out->fix), " and the listen() backlog (now %u", in->backlog);
	if (in->somaxconn >= 0)
		cat(out->fix, sizeof(out->fix), ", at most net.core.somaxconn=%ld", in->somaxconn);
	cat(out->fix, sizeof(out->fix), "); if it is a SYN flood, cookies are doing their job.");
}

static void why_fix_other(const struct diag_input *in, struct diag_result *out)
{
	snprintf(out->why, sizeof(out->why),
		 "SYNs or handshake ACKs were dropped for another reason than a full queue: e.g. memory or route allocation failures, a security module, or the \"unproven peer\" rule (with SYN cookies off, a SYN from a peer never seen before is dropped once the SYN queue is three-quarters of net.ipv4.tcp_max_syn_backlog");
	if (in->tcp_max_syn_backlog >= 0)
		cat(out->why, sizeof(out->why), "=%ld", in->tcp_max_syn_backlog);
	cat(out->why, sizeof(out->why), ").");
	snprintf(out->fix, sizeof(out->fix),
		 "check memory pressure (/proc/net/sockstat, nstat TcpExtTCPMemoryPressures) and routing; ");
	if (in->tcp_syncookies == 0)
		cat(out->fix, sizeof(out->fix),
		    "with SYN cookies off, enable them (sysctl -w net.ipv4.tcp_syncookies=1) or raise net.ipv4.tcp_max_syn_backlog.");
	else
		cat(out->fix, sizeof(out->fix),
		    "raise net.ipv4.tcp_max_syn_backlog if SYN cookies are off.");
}

void diag_decide(const struct diag_input *in, struct diag_result *out)
{
	const uint64_t *k = in->cause;
	unsigned int c;

	memset(out, 0, sizeof(*out));
	out->cause = -1;
	if (k[TCPOBS_CAUSE_LISTEN_OVERFLOWS]) {
		out->verdict = V_ACCEPT_QUEUE_FULL;
		out->cause = TCPOBS_CAUSE_LISTEN_OVERFLOWS;
	} else if (k[TCPOBS_CAUSE_REQQ_FULL_DROPS]) {
		out->verdict = V_SYN_QUEUE_FULL;
		out->cause = TCPOBS_CAUSE_REQQ_FULL_DROPS;
	} else if (k[TCPOBS_CAUSE_REQQ_FULL_COOKIES] || k[TCPOBS_CAUSE_SYNCOOKIES_SENT]) {
		out->verdict = V_SYNCOOKIES;
		out->cause = k[TCPOBS_CAUSE_REQQ_FULL_COOKIES] ?
			     TCPOBS_CAUSE_REQQ_FULL_COOKIES : TCPOBS_CAUSE_SYNCOOKIES_SENT;
	} else if (k[TCPOBS_CAUSE_LISTEN_DROPS]) {
		out->verdict = V_OTHER_DROPS;
		out->cause = TCPOBS_CAUSE_LISTEN_DROPS;
	} else {
		/* At most syncookies_recv or _failed: no drop. */
		out->verdict = V_NO_DROPS;
		snprintf(out->what, sizeof(out->what), "no drops since tracking began");
		decide_also(in, out);
	}
	if (in->tcp_abort_on_overflow == 1)
		snprintf(out->warning, sizeof(out->warning),
			 "net.ipv4.tcp_abort_on_overflow=1: when the accept queue is full, clients get a RST instead of retrying");
	if (out->cause < 0)
		return;

	c = (unsigned int)out->cause;
	out->rate = in->interval > 0 ? in->delta[c] / in->interval : 0;
	out->still = in->delta[c] > 0 ||
		     (in->last_ago[c] >= 0 && in->last_ago[c] <= in->interval);
	decide_what(in, out);
	decide_also(in, out);
	switch (out->verdict) {
	case V_ACCEPT_QUEUE_FULL:
		why_fix_accept(in, out);
		break;
	case V_SYN_QUEUE_FULL:
		why_fix_synq(in, out);
		break;
	case V_SYNCOOKIES:
		why_fix_cookies(in, out);
		break;
	default:
		why_fix_other(in, out);
		break;
	}
}

/* --- the command ---------------------------------------------------------------- */

struct sample {
	struct listeners ls;
	struct stats_reply st;
	int64_t mib[NCAUSES];
	bool mib_found[NCAUSES];
	int mib_err;
	double t;
};

static int take_sample(struct nl *nl, const struct cmd_args *a, struct sample *s)
{
	int err;

	memset(s, 0, sizeof(*s));
	err = dump_listeners(nl, a, &s->ls);
	if (!err)
		err = get_stats(nl, &s->st);
	s->mib_err = read_netstat(s->mib, s->mib_found);
	s->t = now_mono();
	return err;
}

static void free_sample(struct sample *s)
{
	listeners_free(&s->ls);
	stats_reply_free(&s->st);
}

static const struct listener *find_cookie(const struct listeners *ls, uint64_t cookie)
{
	size_t i;

	for (i = 0; i < ls->n; i++)
		if (ls->v[i].cookie == cookie)
			return &ls->v[i];
	return NULL;
}

static void build_input(struct diag_input *in, const struct listener *l,
			const struct listener *prev, const struct sysctls *sc,
			double interval, uint64_t now)
{
	unsigned int c;

	diag_input_init(in);
	in->backlog = l->backlog;
	in->accept_q = l->accept_q;
	in->syn_q = l->syn_q;
	in->interval = interval;
	for (c = 0; c < NCAUSES; c++) {
		in->cause[c] = l->cause[c];
		in->delta[c] = prev && prev->cause[c] <= l->cause[c] ?
			       l->cause[c] - prev->cause[c] : l->cause[c];
		if (l->when[c].seen && l->when[c].last)
			in->last_ago[c] = now > l->when[c].last ?
					  (now - l->when[c].last) / 1e9 : 0;
	}
	in->somaxconn = sc->somaxconn;
	in->tcp_max_syn_backlog = sc->tcp_max_syn_backlog;
	in->tcp_syncookies = sc->tcp_syncookies;
	in->tcp_abort_on_overflow = sc->tcp_abort_on_overflow;
}

static void print_block(const struct listener *l, const struct diag_result *r)
{
	char local[ENDPOINT_LEN];

	listener_local(l, local, sizeof(local));
	printf("%s (backlog %u, accept queue %u/%u, SYN queue %u)\n", local,
	       l->backlog, l->accept_q, l->backlog, l->syn_q);
	printf("  verdict: %s\n", verdict_name(r->verdict));
	printf("  what:  %s\n", r->what);
	if (r->also[0])
		printf("  also:  %s\n", r->also);
	if (r->why[0])
		printf("  why:   %s\n", r->why);
	if (r->fix[0])
		printf("  fix:   %s\n", r->fix);
	if (r->warning[0])
		printf("  warning: %s\n", r->warning);
}

static void json_block(struct json *j, const struct listener *l,
		       const struct diag_input *in, const struct diag_result *r)
{
	char buf[ENDPOINT_LEN];
	unsigned int c;

	json_obj_begin(j);
	listener_local(l, buf, sizeof(buf));
	json_kv_str(j, "local", buf);
	listener_addr(l, buf, sizeof(buf));
	json_kv_str(j, "addr", buf);
	json_kv_u64(j, "port", l->port);
	fmt_cookie(buf, sizeof(buf), l->cookie);
	json_kv_str(j, "cookie", buf);
	json_kv_str(j, "verdict", verdict_name(r->verdict));
	json_key(j, "causes");
	json_obj_begin(j);
	for (c = 0; c < NCAUSES; c++)
		json_kv_u64(j, cause_name(c), in->cause[c]);
	json_obj_end(j);
	json_key(j, "interval_deltas");
	json_obj_begin(j);
	for (c = 0; c < NCAUSES; c++)
		json_kv_u64(j, cause_name(c), in->delta[c]);
	json_obj_end(j);
	json_kv_double(j, "interval", in->interval, 3);
	json_kv_double(j, "rate_per_sec", r->rate, 1);
	json_kv_bool(j, "still_happening", r->still);
	json_key(j, "last_ago");
	if (r->cause >= 0 && in->last_ago[r->cause] >= 0)
		json_double(j, in->last_ago[r->cause], 3);
	else
		json_null(j);
	json_kv_u64(j, "backlog", l->backlog);
	json_kv_u64(j, "accept_q", l->accept_q);
	json_kv_u64(j, "syn_q", l->syn_q);
	json_kv_i64(j, "somaxconn", in->somaxconn);
	json_kv_i64(j, "tcp_max_syn_backlog", in->tcp_max_syn_backlog);
	json_kv_i64(j, "tcp_syncookies", in->tcp_syncookies);
	json_kv_i64(j, "tcp_abort_on_overflow", in->tcp_abort_on_overflow);
	json_kv_str(j, "what", r->what);
	json_kv_str(j, "why", r->why);
	json_kv_str(j, "fix", r->fix);
	json_kv_str(j, "warning", r->warning);
	json_obj_end(j);
}

/* The namespace's kernel counters against tcpobs's, over the interval. */
static void print_kernel_line(const struct sample *s0, const struct sample *s1)
{
	char extra[512] = "";
	unsigned int c;
	int64_t v;
	char name[64];

	if (s0->mib_err || s1->mib_err) {
		printf("kernel: cannot read %s/net/netstat: %s\n", proc_root(),
		       strerror(-(s1->mib_err ? s1->mib_err : s0->mib_err)));
		return;
	}
	printf("kernel: ListenOverflows %+lld ListenDrops %+lld (namespace, same interval); ",
	       (long long)(s1->mib[TCPOBS_CAUSE_LISTEN_OVERFLOWS] -
			   s0->mib[TCPOBS_CAUSE_LISTEN_OVERFLOWS]),
	       (long long)(s1->mib[TCPOBS_CAUSE_LISTEN_DROPS] -
			   s0->mib[TCPOBS_CAUSE_LISTEN_DROPS]));
	for (c = 0; c < NCAUSES; c++) {
		snprintf(name, sizeof(name), "unattributed_%s", cause_name(c));
		if (counters_get(&s1->st.stats, name, &v) && v)
			cat(extra, sizeof(extra), "%s%s %lld", extra[0] ? ", " : "",
			    cause_name(c), (long long)v);
	}
	if (extra[0])
		printf("unattributed: %s\n", extra);
	else
		printf("tcpobs attributes all of them\n");
}

int cmd_diagnose(const struct cmd_args *a)
{
	struct sample s0, s1;
	struct sysctls sc;
	struct nl nl;
	struct json j;
	uint64_t now;
	double interval;
	size_t i;
	int rc, err;

	rc = client_open(&nl, a->name, false);
	if (rc)
		return rc;
	err = take_sample(&nl, a, &s0);
	if (err) {
		free_sample(&s0);
		rc = client_error(&nl, a->name, err);
		nl_close(&nl);
		return rc;
	}
	sleep_secs(opt.interval, NULL);
	err = take_sample(&nl, a, &s1);
	if (err) {
		rc = client_error(&nl, a->name, err);
		goto out;
	}
	read_sysctls(&sc);
	/* Before the findings: which of their figures cannot be trusted. */
	fflush(stdout);
	warn_degraded(&nl);
	now = now_boottime_ns();
	interval = s1.t - s0.t;
	if (!s1.ls.n && a->has_port) {
		warnmsg("%s: no listener on port %u", a->name, a->port);
		rc = EXIT_FAIL;
		goto out;
	}
	if (opt.json) {
		json_init(&j, stdout, opt.pretty);
		json_arr_begin(&j);
	} else if (!s1.ls.n) {
		printf("no listeners\n");
	}
	for (i = 0; i < s1.ls.n; i++) {
		const struct listener *l = &s1.ls.v[i];
		struct diag_input in;
		struct diag_result r;

		build_input(&in, l, find_cookie(&s0.ls, l->cookie), &sc, interval, now);
		diag_decide(&in, &r);
		if (opt.json) {
			json_block(&j, l, &in, &r);
		} else {
			if (i)
				putchar('\n');
			print_block(l, &r);
		}
	}
	if (opt.json) {
		json_arr_end(&j);
	} else {
		if (s1.ls.n)
			putchar('\n');
		print_kernel_line(&s0, &s1);
	}
out:
	free_sample(&s0);
	free_sample(&s1);
	nl_close(&nl);
	return rc;
}
