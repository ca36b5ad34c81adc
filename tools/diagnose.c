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
#include "print.h"
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

/* In JSON always; in text, the line when there is something to say. */
static void print_line(const char *key, const char *fmt, const char *s)
{
	print_string(PRINT_JSON, key, NULL, s);
	if (s[0])
		print_string(PRINT_FP, NULL, fmt, s);
}

/* The finding of a listener: a block of lines, or an object. */
static void print_finding(const struct listener *l, const struct diag_input *in,
			  const struct diag_result *r)
{
	char buf[ENDPOINT_LEN];
	unsigned int c;

	open_json_object(NULL);
	listener_local(l, buf, sizeof(buf));
	print_string(PRINT_ANY, "local", NULL, buf);
	print_text(" (backlog %u, accept queue %u/%u, SYN queue %u)\n",
		   l->backlog, l->accept_q, l->backlog, l->syn_q);
	listener_addr(l, buf, sizeof(buf));
	print_string(PRINT_JSON, "addr", NULL, buf);
	print_u64(PRINT_JSON, "port", NULL, l->port);
	fmt_cookie(buf, sizeof(buf), l->cookie);
	print_string(PRINT_JSON, "cookie", NULL, buf);
	print_string(PRINT_ANY, "verdict", "  verdict: %s\n", verdict_name(r->verdict));
	open_json_object("causes");
	for (c = 0; c < NCAUSES; c++)
		print_u64(PRINT_JSON, cause_name(c), NULL, in->cause[c]);
	close_json_object();
	open_json_object("interval_deltas");
	for (c = 0; c < NCAUSES; c++)
		print_u64(PRINT_JSON, cause_name(c), NULL, in->delta[c]);
	close_json_object();
	print_float(PRINT_JSON, "interval", 3, in->interval);
	print_float(PRINT_JSON, "rate_per_sec", 1, r->rate);
	print_bool(PRINT_JSON, "still_happening", NULL, r->still);
	if (r->cause >= 0 && in->last_ago[r->cause] >= 0)
		print_float(PRINT_JSON, "last_ago", 3, in->last_ago[r->cause]);
	else
		print_null(PRINT_JSON, "last_ago", NULL, NULL);
	print_u64(PRINT_JSON, "backlog", NULL, l->backlog);
	print_u64(PRINT_JSON, "accept_q", NULL, l->accept_q);
	print_u64(PRINT_JSON, "syn_q", NULL, l->syn_q);
	print_s64(PRINT_JSON, "somaxconn", NULL, in->somaxconn);
	print_s64(PRINT_JSON, "tcp_max_syn_backlog", NULL, in->tcp_max_syn_backlog);
	print_s64(PRINT_JSON, "tcp_syncookies", NULL, in->tcp_syncookies);
	print_s64(PRINT_JSON, "tcp_abort_on_overflow", NULL, in->tcp_abort_on_overflow);
	print_string(PRINT_ANY, "what", "  what:  %s\n", r->what);
	if (r->also[0])
		print_string(PRINT_FP, NULL, "  also:  %s\n", r->also);
	print_line("why", "  why:   %s\n", r->why);
	print_line("fix", "  fix:   %s\n", r->fix);
	print_line("warning", "  warning: %s\n", r->warning);
	close_json_object();
}

/* Text only: the namespace's kernel counters against tcpobs's, over the interval. */
static void print_kernel_line(const struct sample *s0, const struct sample *s1)
{
	char extra[512] = "";
	unsigned int c;
	int64_t v;
	char name[64];

	if (s0->mib_err || s1->mib_err) {
		print_text("kernel: cannot read %s/net/netstat: %s\n", proc_root(),
			   strerror(-(s1->mib_err ? s1->mib_err : s0->mib_err)));
		return;
	}
	print_text("kernel: ListenOverflows %+lld ListenDrops %+lld (namespace, same interval); ",
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
		print_text("unattributed: %s\n", extra);
	else
		print_text("tcpobs attributes all of them\n");
}

/* Text only: whether the TIME_WAIT inventory had to be rebuilt. */
static void print_repair_line(const struct sample *s1)
{
	int64_t repairs = 0, repaired = 0;

	counters_get(&s1->st.timewait, "repairs", &repairs);
	counters_get(&s1->st.timewait, "repaired", &repaired);
	if (repairs)
		print_text("timewait: inventory repaired %lld times (%lld sockets mended): tcpobs "
			   "missed TIME_WAIT events or sockets predate it; rebuilt from the "
			   "kernel's tables\n", (long long)repairs, (long long)repaired);
	repaired = 0;
	counters_get(&s1->st.stats, "listeners_repaired", &repaired);
	if (repaired)
		print_text("listeners: %lld taken into the ledger by a repair scan (it had been "
			   "full or out of memory when they began listening); their earlier "
			   "drops are in the untracked_* totals\n", (long long)repaired);
}

/* Two samples an interval apart, the sysctls, the time of the second. */
struct diagnosis {
	struct sample s0, s1;
	struct sysctls sc;
	uint64_t now;
};

static int diagnose_request(struct nl *nl, const struct cmd_args *a, void *reply)
{
	struct diagnosis *d = reply;
	int err;

	err = take_sample(nl, a, &d->s0);
	if (err)
		return err;
	sleep_secs(opt.interval, NULL);
	err = take_sample(nl, a, &d->s1);
	if (err)
		return err;
	read_sysctls(&d->sc);
	/* Before the findings: which of their figures cannot be trusted. */
	fflush(stdout);
	warn_degraded(nl);
	d->now = now_boottime_ns();
	if (!d->s1.ls.n && a->has_port) {
		warnmsg("%s: no listener on port %u", a->name, a->port);
		return EXIT_FAIL;
	}
	return 0;
}

static void diagnose_print(const void *reply)
{
	const struct diagnosis *d = reply;
	const struct listeners *ls = &d->s1.ls;
	double interval = d->s1.t - d->s0.t;
	size_t i;

	open_json_array(NULL);
	if (!ls->n)
		print_text("no listeners\n");
	for (i = 0; i < ls->n; i++) {
		const struct listener *l = &ls->v[i];
		struct diag_input in;
		struct diag_result r;

		build_input(&in, l, find_cookie(&d->s0.ls, l->cookie), &d->sc, interval,
			    d->now);
		diag_decide(&in, &r);
		if (i)
			print_nl();
		print_finding(l, &in, &r);
	}
	close_json_array();
	if (ls->n)
		print_nl();
	print_kernel_line(&d->s0, &d->s1);
	print_repair_line(&d->s1);
}

static void diagnose_free(void *reply)
{
	struct diagnosis *d = reply;

	free_sample(&d->s0);
	free_sample(&d->s1);
}

int cmd_diagnose(const struct cmd_args *a)
{
	static const struct client_cmd c = {
		.request = diagnose_request,
		.print = diagnose_print,
		.free = diagnose_free,
	};
	struct diagnosis d = { 0 };

	return client_run(a, &c, &d);
}
