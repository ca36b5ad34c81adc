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
#include "json.h"
#include "output.h"
#include "seqtrack.h"
#include "watch.h"

static volatile sig_atomic_t watch_stop;

static void watch_signal(int sig)
{
	(void)sig;
	watch_stop = 1;
}

void watch_report_gap(uint64_t from, uint64_t to, void *arg)
{
	(void)arg;
	if (opt.json)
		printf("{\"gap\":%llu,\"from\":%llu,\"to\":%llu}\n",
		       (unsigned long long)(to - from + 1),
		       (unsigned long long)from, (unsigned long long)to);
	else
		printf("gap: %llu event%s lost (seq %llu..%llu)\n",
		       (unsigned long long)(to - from + 1), to == from ? "" : "s",
		       (unsigned long long)from, (unsigned long long)to);
	fflush(stdout);
}

static void report_overrun(void)
{
	if (opt.json)
		printf("{\"overrun\":true}\n");
	else
		printf("overrun: events lost (socket buffer)\n");
	fflush(stdout);
}

void watch_print_event_text(const struct event *ev)
{
	char local[ENDPOINT_LEN], peer[ENDPOINT_LEN], ck[32];
	unsigned int c;

	printf("seq %llu ", (unsigned long long)ev->seq);
	if (ev->type == TCPOBS_EVENT_TYPE_LISTEN_DROP && ev->has_listener) {
		const char *cn = ev->has_cause ? cause_name(ev->cause) : NULL;

		listener_local(&ev->l, local, sizeof(local));
		printf("listen-drop %s cause %s", local, cn ? cn : "unknown");
		for (c = 0; c < NCAUSES; c++)
			if (ev->l.cause[c])
				printf(" %s %llu", cause_name(c),
				       (unsigned long long)ev->l.cause[c]);
		putchar('\n');
	} else if (ev->type == TCPOBS_EVENT_TYPE_STATE && ev->has_socket) {
		sock_local(&ev->s, local, sizeof(local));
		sock_peer(&ev->s, peer, sizeof(peer));
		fmt_cookie(ck, sizeof(ck), ev->s.cookie);
		printf("state %s %s %s -> %s cookie %s\n", local, peer,
		       state_name(ev->old_state), state_name(ev->new_state), ck);
	} else {
		printf("type %u\n", ev->type);
	}
}

void watch_print_event_json(const struct event *ev)
{
	char buf[ENDPOINT_LEN];
	struct json j;

	json_init(&j, stdout, false);	/* one object per line */
	json_obj_begin(&j);
	json_kv_u64(&j, "seq", ev->seq);
	fmt_secs3(buf, sizeof(buf), ev->time);
	if (ev->type == TCPOBS_EVENT_TYPE_LISTEN_DROP && ev->has_listener) {
		json_kv_str(&j, "type", "listen_drop");
		json_kv_raw(&j, "time", buf);
		json_kv_str(&j, "cause", ev->has_cause && cause_name(ev->cause) ?
			    cause_name(ev->cause) : "unknown");
		json_listener_fields(&j, &ev->l);
	} else if (ev->type == TCPOBS_EVENT_TYPE_STATE && ev->has_socket) {
		json_kv_str(&j, "type", "state");
		json_kv_raw(&j, "time", buf);
		sock_local(&ev->s, buf, sizeof(buf));
		json_kv_str(&j, "local", buf);
		sock_peer(&ev->s, buf, sizeof(buf));
		json_kv_str(&j, "peer", buf);
		json_kv_str(&j, "old", state_name(ev->old_state));
		json_kv_str(&j, "new", state_name(ev->new_state));
		fmt_cookie(buf, sizeof(buf), ev->s.cookie);
		json_kv_str(&j, "cookie", buf);
		json_kv_str(&j, "family", family_name(ev->s.family));
	} else {
		json_kv_u64(&j, "type", ev->type);
		json_kv_raw(&j, "time", buf);
	}
	json_obj_end(&j);
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
