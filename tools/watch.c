// SPDX-License-Identifier: GPL-2.0
/* watch: the event stream, one line per event, lost events reported. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "client.h"
#include "fmt.h"
#include "output.h"
#include "print.h"
#include "seqtrack.h"
#include "watch.h"

static volatile sig_atomic_t watch_stop;

static void watch_signal(int sig)
{
	(void)sig;
	watch_stop = 1;
}

/* Each line is an output of its own: text, or a JSON object never indented. */
static void line_begin(bool json)
{
	new_json_obj(stdout, json, false, false);
	open_json_object(NULL);
}

static void line_end(void)
{
	print_nl();
	close_json_object();
	delete_json_obj();
}

void watch_report_gap(uint64_t from, uint64_t to, void *arg)
{
	(void)arg;
	line_begin(opt.json);
	print_u64(PRINT_ANY, "gap", "gap: %llu", to - from + 1);
	print_text(" event%s lost", to == from ? "" : "s");
	print_u64(PRINT_ANY, "from", " (seq %llu", from);
	print_u64(PRINT_ANY, "to", "..%llu)", to);
	line_end();
	fflush(stdout);
}

static void report_overrun(void)
{
	line_begin(opt.json);
	print_bool(PRINT_JSON, "overrun", NULL, true);
	print_text("overrun: events lost (socket buffer)");
	line_end();
	fflush(stdout);
}

static void print_event(const struct event *ev, bool json)
{
	char buf[ENDPOINT_LEN];
	unsigned int c;

	line_begin(json);
	print_u64(PRINT_ANY, "seq", "seq %llu ", ev->seq);
	if (ev->type == TCPOBS_EVENT_TYPE_LISTEN_DROP && ev->has_listener) {
		const char *cn = ev->has_cause ? cause_name(ev->cause) : NULL;

		print_string(PRINT_JSON, "type", NULL, "listen_drop");
		print_secs(PRINT_JSON, "time", NULL, ev->time);
		listener_local(&ev->l, buf, sizeof(buf));
		print_string(PRINT_FP, NULL, "listen-drop %s", buf);
		print_string(PRINT_ANY, "cause", " cause %s", cn ? cn : "unknown");
		print_listener(PRINT_JSON, &ev->l);
		/* Text: the listener's non-zero counts. */
		for (c = 0; c < NCAUSES; c++)
			if (ev->l.cause[c])
				print_text(" %s %llu", cause_name(c),
					   (unsigned long long)ev->l.cause[c]);
	} else if (ev->type == TCPOBS_EVENT_TYPE_STATE && ev->has_socket) {
		print_string(PRINT_ANY, "type", NULL, "state");
		print_secs(PRINT_JSON, "time", NULL, ev->time);
		sock_local(&ev->s, buf, sizeof(buf));
		print_string(PRINT_ANY, "local", " %s", buf);
		sock_peer(&ev->s, buf, sizeof(buf));
		print_string(PRINT_ANY, "peer", " %s", buf);
		print_string(PRINT_ANY, "old", " %s", state_name(ev->old_state));
		print_string(PRINT_ANY, "new", " -> %s", state_name(ev->new_state));
		fmt_cookie(buf, sizeof(buf), ev->s.cookie);
		print_string(PRINT_ANY, "cookie", " cookie %s", buf);
		print_string(PRINT_JSON, "family", NULL, family_name(ev->s.family));
	} else {
		print_u64(PRINT_ANY, "type", "type %llu", ev->type);
		print_secs(PRINT_JSON, "time", NULL, ev->time);
	}
	line_end();
}

void watch_print_event_text(const struct event *ev)
{
	print_event(ev, false);
}

void watch_print_event_json(const struct event *ev)
{
	print_event(ev, true);
}

static bool event_wanted(const struct event *ev, uint32_t mask)
{
	switch (ev->type) {
	case TCPOBS_EVENT_TYPE_LISTEN_DROP:
		return mask & TCPOBS_EVENTS_LISTEN_DROPS;
	case TCPOBS_EVENT_TYPE_STATE:
		return mask & TCPOBS_EVENTS_STATES;
	default:
		return false;
	}
}

struct watch {
	struct nl ctl, ev;
	struct seqtrack seq;
	uint32_t mask;
	long printed;
};

/* The events of one received buffer; false once the count is reached. */
static bool watch_buffer(struct watch *w, long len)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)w->ev.buf;
	int rem = (int)len;

	for (; mnl_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
		struct event ev;
		int err;

		if (nlh->nlmsg_type != w->ctl.family)
			continue;
		err = parse_event_msg(nlh, &ev);
		if (err == -ENOMSG)
			continue;
		if (err) {
			warnmsg("watch: malformed event from the kernel");
			continue;
		}
		seq_feed(&w->seq, ev.seq, now_mono(), watch_report_gap, NULL);
		if (!event_wanted(&ev, w->mask))
			continue;
		if (opt.json)
			watch_print_event_json(&ev);
		else
			watch_print_event_text(&ev);
		fflush(stdout);
		if (ferror(stdout))
			return false;	/* the reader went away */
		if (opt.count && ++w->printed >= opt.count)
			return false;
	}
	return true;
}

static void watch_loop(struct watch *w, const sigset_t *orig)
{
	struct pollfd pfd = { .fd = mnl_socket_get_fd(w->ev.sk), .events = POLLIN };

	while (!watch_stop) {
		double dl = seq_deadline(&w->seq), now = now_mono();
		struct timespec ts, *tsp = NULL;
		long n;
		int r;

		if (dl >= 0) {
			double left = dl > now ? dl - now : 0;

			ts.tv_sec = (time_t)left;
			ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
			tsp = &ts;
		}
		r = ppoll(&pfd, 1, tsp, orig);
		if (r < 0 && errno != EINTR) {
			warnmsg("watch: poll: %s", strerror(errno));
			break;
		}
		if (watch_stop)
			break;
		seq_flush(&w->seq, now_mono(), false, watch_report_gap, NULL);
		if (r <= 0 || !(pfd.revents & (POLLIN | POLLERR)))
			continue;
		n = nl_recv(&w->ev);
		if (n == -ENOBUFS) {
			report_overrun();
			continue;
		}
		if (n == -EINTR || n == -EAGAIN)
			continue;
		if (n < 0) {
			warnmsg("watch: receive: %s", strerror((int)-n));
			break;
		}
		if (!watch_buffer(w, n))
			break;
	}
	seq_flush(&w->seq, now_mono(), true, watch_report_gap, NULL);
}

int cmd_watch(const struct cmd_args *a)
{
	struct sigaction sa = { .sa_handler = watch_signal };
	struct options prev = { 0 };
	sigset_t block, orig;
	bool changed = false;
	struct watch w;
	int rc, err;

	memset(&w, 0, sizeof(w));
	w.mask = a->events ? a->events : TCPOBS_EVENTS_LISTEN_DROPS;
	seq_init(&w.seq);
	rc = client_open(&w.ctl, a->name, true);
	if (rc)
		return rc;
	err = nl_open(&w.ev);
	if (err) {
		rc = client_error(NULL, a->name, err);
		nl_close(&w.ctl);
		return rc;
	}
	if (opt.rcvbuf) {
		int v = (int)opt.rcvbuf, fd = mnl_socket_get_fd(w.ev.sk);

		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) &&
		    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)))
			warnmsg("watch: cannot set the receive buffer to %ld bytes: %s",
				opt.rcvbuf, strerror(errno));
	}
	/*
	 * SIGINT, SIGTERM and SIGHUP are blocked but while waiting for events
	 * (ppoll): once the option is changed, it is always restored.
	 */
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &orig);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigdelset(&orig, SIGINT);
	sigdelset(&orig, SIGTERM);
	sigdelset(&orig, SIGHUP);

	/* Subscribe first, so nothing is missed once events are on. */
	err = nl_join(&w.ev, w.ctl.mcgrp);
	if (err) {
		rc = client_error(NULL, a->name, err);
		goto out;
	}
	err = get_options(&w.ctl, &prev);
	if (err) {
		rc = client_error(&w.ctl, a->name, err);
		goto out;
	}
	if ((prev.events & w.mask) != w.mask) {
		err = set_events(&w.ctl, prev.events | w.mask);
		if (err == -EPERM) {
			warnmsg("watch: cannot enable events: %s (needs CAP_NET_ADMIN); listening anyway, for events someone else enabled",
				strerror(-err));
		} else if (err) {
			rc = client_error(&w.ctl, a->name, err);
			goto out;
		} else {
			changed = true;
		}
	}

	watch_loop(&w, &orig);

	if (changed) {
		err = set_events(&w.ctl, prev.events);
		if (err)
			rc = client_error(&w.ctl, "watch: restoring the events option", err);
	}
out:
	nl_close(&w.ev);
	nl_close(&w.ctl);
	return rc;
}
