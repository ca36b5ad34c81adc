// SPDX-License-Identifier: GPL-2.0
/*
 * tcpgen: small, deterministic TCP traffic for the tcpobs selftests.
 *
 *   tcpgen pairs   [-6] [-n N] [-p PORT]
 *	N connections over loopback, one after the other: connect, accept,
 *	the client closes first, the server reads EOF and closes. Returns
 *	when every connection is fully closed on both sides except for the
 *	client's TIME-WAIT.
 *   tcpgen churn   [-6] [-t SECONDS] [-p PORT]
 *	The same as pairs, in a loop, for SECONDS.
 *   tcpgen listen  [-6] [-a ADDR] [-p PORT] [-b BACKLOG] [-d SECONDS] [-n N] [-r FILE]
 *	Listen and never accept; with -n, on N ports from PORT up. -d sets TCP_DEFER_ACCEPT, so handshakes
 *	whose client sends no data stay in the SYN queue. Writes its pid to
 *	FILE once listening, then sleeps until killed.
 *   tcpgen connect [-n N] [-w SECONDS] [-s] [-r FILE] ADDR PORT
 *	N non-blocking connects, kept open for SECONDS (default 1). With -s,
 *	then send one byte on each and wait SECONDS again. FILE is written
 *	once the connects are issued.
 *   tcpgen open    [-6] [-n N] [-p PORT] [-w SECONDS] [-r FILE]
 *	N established connections over loopback, held open (both ends in
 *	this process) until killed, or with -w for SECONDS once they are
 *	all up (then closed). Writes its pid to FILE once they are up.
 *   tcpgen sink    [-6] [-a ADDR] [-p PORT] [-r FILE]
 *	Accept connections one at a time, read each to EOF, print the bytes
 *	received ("<bytes>"), close it; until killed.
 *   tcpgen send    [-n N] [-b BYTES] [-w SECONDS] [-T] [-r FILE] ADDR PORT
 *	N connections one after the other, each sending BYTES (default 1 MiB)
 *	then waiting SECONDS (default 0) before closing; prints the bytes
 *	sent per connection. FILE is written when the first connection has
 *	sent its bytes. -T: "BYTES SECONDS", the time from connect() to
 *	the peer's close (the sink closes once it read everything).
 *   tcpgen closewait [-6] [-n N] [-p PORT] [-w SECONDS] [-r FILE]
 *	N connections whose clients close at once while the server does not:
 *	the server's sockets sit in CLOSE-WAIT for SECONDS, then it closes
 *	them and exits. FILE is written once they are in CLOSE-WAIT.
 *
 * -M (any command): the sockets tcpgen makes are MPTCP sockets
 * (IPPROTO_MPTCP), e.g. an MPTCP listener that overflows.
 *
 * SIGUSR1 ends the current wait of connect, closewait and send early, so that a
 * test can hold sockets for as long as its checks take (a long -w) and
 * then move on at once, however fast or slow the machine is.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

static int family = AF_INET;
static int proto;	/* 0, or IPPROTO_MPTCP with -M */
static int port = 8080;
static const char *addr;

static void die(const char *what)
{
	fprintf(stderr, "tcpgen: %s: %s\n", what, strerror(errno));
	exit(1);
}

static socklen_t make_addr(struct sockaddr_storage *ss, const char *a, int p)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(a, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(p);
		if (inet_pton(AF_INET6, a, &s6->sin6_addr) != 1)
			goto bad;
		return sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(p);
		if (inet_pton(AF_INET, a, &s4->sin_addr) != 1)
			goto bad;
		return sizeof(*s4);
	}
bad:
	fprintf(stderr, "tcpgen: bad address '%s'\n", a);
	exit(2);
}

static const char *default_addr(void)
{
	return family == AF_INET6 ? "::1" : "127.0.0.1";
}

static int defer_accept;
static int timed;
static int send_data;
static volatile sig_atomic_t released;

static void on_release(int sig)
{
	(void)sig;
	released = 1;
}

static double now(void);

/* Waits SECONDS, or until SIGUSR1 arrives (before or during the wait). */
static void hold(double seconds)
{
	double end = now() + seconds;

	while (!released && now() < end)
		usleep(10 * 1000);
	released = 0;
}

/*
 * Waits until FD's socket is in STATE (a TCP_* value, as TCP_INFO gives
 * it): the point is to return when the kernel has done the transition, not
 * after a guess at how long that takes. Dies after 120 s.
 */
static void wait_state(int fd, int state, const char *what)
{
	double end = now() + 120;
	struct tcp_info ti;
	socklen_t len;

	for (;;) {
		len = sizeof(ti);
		if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
			die("getsockopt TCP_INFO");
		if (ti.tcpi_state == state)
			return;
		if (now() > end) {
			fprintf(stderr, "tcpgen: %s: still in state %u after 120 s\n",
				what, ti.tcpi_state);
			exit(1);
		}
		usleep(1000);
	}
}

/* The server end of a connection the peer has closed: sends its FIN and
 * returns once the socket is CLOSED (the peer's ACK, or its RST, came back),
 * then frees it.
 */
static void close_server(int s)
{
	if (shutdown(s, SHUT_WR))
		die("shutdown");
	wait_state(s, TCP_CLOSE, "the peer's last ACK");
	close(s);
}

static int do_listen(const char *a, int p, int backlog)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(&ss, a, p);
	int one = 1;
	int fd;

	fd = socket(ss.ss_family, SOCK_STREAM, proto);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (defer_accept &&
	    setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer_accept, sizeof(defer_accept)))
		die("TCP_DEFER_ACCEPT");
	if (bind(fd, (struct sockaddr *)&ss, len))
		die("bind");
	if (listen(fd, backlog))
		die("listen");
	return fd;
}

static int do_connect(const char *a, int p, int nonblock)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(&ss, a, p);
	int fd;

	fd = socket(ss.ss_family, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0), proto);
	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&ss, len) && errno != EINPROGRESS)
		die("connect");
	return fd;
}

/* One connection, client closes first; returns when both ends are closed. */
static void one_pair(int lfd, const char *a)
{
	char buf[16];
	int c, s;

	c = do_connect(a, port, 0);
	s = accept(lfd, NULL, NULL);
	if (s < 0)
		die("accept");
	if (write(c, "x", 1) != 1)
		die("write");
	if (read(s, buf, sizeof(buf)) != 1)
		die("read");
	close(c);
	if (read(s, buf, sizeof(buf)) != 0)
		die("read EOF");
	close_server(s);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmd_pairs(int n, double seconds)
{
	const char *a = addr ? addr : default_addr();
	int lfd = do_listen(a, port, 128);
	double end = now() + seconds;
	long done = 0;

	if (seconds > 0) {
		while (now() < end) {
			one_pair(lfd, a);
			done++;
		}
	} else {
		for (; done < n; done++)
			one_pair(lfd, a);
	}
	close(lfd);
	printf("%ld\n", done);
	return 0;
}

/* Thousands of sockets in one process: the soft limit up to the hard one. */
static void raise_nofile(void)
{
	struct rlimit r;

	if (!getrlimit(RLIMIT_NOFILE, &r) && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

static void write_ready(const char *ready);

static int cmd_listen(int n, int backlog, const char *ready)
{
	int i;

	for (i = 0; i < n; i++)
		do_listen(addr ? addr : default_addr(), port + i, backlog);
	write_ready(ready);
	for (;;)
		pause();
	return 0;
}

static int cmd_connect(int n, int wait_s, const char *a, int p, const char *ready)
{
	int *fds = calloc(n, sizeof(*fds));
	int i;

	if (!fds)
		die("calloc");
	for (i = 0; i < n; i++)
		fds[i] = do_connect(a, p, 1);
	write_ready(ready);
	hold(wait_s);
	if (send_data) {
		/* A socket whose SYN was dropped fails here; that is fine. */
		for (i = 0; i < n; i++)
			(void)!write(fds[i], "x", 1);
		hold(wait_s);
	}
	return 0;
}

static void write_ready(const char *ready)
{
	FILE *f;

	if (!ready)
		return;
	f = fopen(ready, "w");
	if (!f)
		die("ready file");
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
}

/* N connections; the server ends in srv[], the client ends in cli[]. */
static void open_n(int n, int lfd, const char *a, int *cli, int *srv)
{
	int i;

	for (i = 0; i < n; i++) {
		cli[i] = do_connect(a, port, 0);
		srv[i] = accept(lfd, NULL, NULL);
		if (srv[i] < 0)
			die("accept");
	}
}

static int cmd_open(int n, int wait_s, const char *ready)
{
	const char *a = addr ? addr : default_addr();
	int *cli = calloc(n, sizeof(int)), *srv = calloc(n, sizeof(int));
	int lfd = do_listen(a, port, 4096);

	if (!cli || !srv)
		die("calloc");
	open_n(n, lfd, a, cli, srv);
	write_ready(ready);
	if (wait_s >= 0) {
		hold(wait_s);
		return 0;
	}
	for (;;)
		pause();
	return 0;
}

static int cmd_closewait(int n, int wait_s, const char *ready)
{
	const char *a = addr ? addr : default_addr();
	int *cli = calloc(n, sizeof(int)), *srv = calloc(n, sizeof(int));
	int lfd = do_listen(a, port, 4096);
	int i;

	if (!cli || !srv)
		die("calloc");
	open_n(n, lfd, a, cli, srv);
	close(lfd);
	for (i = 0; i < n; i++)
		close(cli[i]);
	for (i = 0; i < n; i++)
		wait_state(srv[i], TCP_CLOSE_WAIT, "the peer's FIN");
	write_ready(ready);
	hold(wait_s);
	for (i = 0; i < n; i++)
		close_server(srv[i]);
	return 0;
}

static int cmd_sink(const char *ready)
{
	int lfd = do_listen(addr ? addr : (family == AF_INET6 ? "::" : "0.0.0.0"),
			    port, 128);
	static char buf[65536];

	write_ready(ready);
	for (;;) {
		long long total = 0;
		ssize_t r;
		int s = accept(lfd, NULL, NULL);

		if (s < 0)
			die("accept");
		while ((r = read(s, buf, sizeof(buf))) > 0)
			total += r;
		printf("%lld\n", total);
		fflush(stdout);
		close(s);
	}
	return 0;
}

static int cmd_send(int n, long long bytes, int wait_s, const char *a, int p,
		    const char *ready)
{
	static char buf[65536];
	int i;

	memset(buf, 'x', sizeof(buf));
	for (i = 0; i < n; i++) {
		long long left = bytes;
		int fd = do_connect(a, p, 0);

		double t0 = now();

		while (left > 0) {
			ssize_t w = write(fd, buf, left < (long long)sizeof(buf) ?
					  (size_t)left : sizeof(buf));

			if (w < 0)
				die("write");
			left -= w;
		}
		if (timed) {
			/* Delivered: the sink read it all and closed. */
			shutdown(fd, SHUT_WR);
			while (read(fd, buf, sizeof(buf)) > 0)
				;
			printf("%lld %.6f\n", bytes, now() - t0);
		}
		if (i == 0)
			write_ready(ready);
		hold(wait_s);
		close(fd);
		if (!timed) {
			printf("%lld\n", bytes);
			fflush(stdout);
		}
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: tcpgen pairs [-6] [-n N] [-p PORT]\n"
		"       tcpgen churn [-6] [-t SECONDS] [-p PORT]\n"
		"       tcpgen listen [-6] [-a ADDR] [-p PORT] [-b BACKLOG] [-d SECONDS] [-n N] [-r FILE]\n"
		"       tcpgen connect [-n N] [-w SECONDS] [-s] [-r FILE] ADDR PORT\n"
		"       tcpgen sink [-6] [-a ADDR] [-p PORT] [-r FILE]\n"
		"       tcpgen send [-n N] [-b BYTES] [-w SECONDS] [-T] [-r FILE] ADDR PORT\n"
		"       tcpgen open [-6] [-n N] [-p PORT] [-w SECONDS] [-r FILE]\n"
		"       tcpgen closewait [-6] [-n N] [-p PORT] [-w SECONDS] [-r FILE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *cmd, *ready = NULL;
	int n = 1, n_set = 0, backlog = 1, wait_s = 1, wait_set = 0;
	long long bytes = 1 << 20;
	double seconds = 1;
	int opt;

	if (argc < 2)
		usage();
	cmd = argv[1];
	optind = 2;
	while ((opt = getopt(argc, argv, "6a:b:d:Mn:p:r:st:Tw:")) != -1) {
		switch (opt) {
		case '6':
			family = AF_INET6;
			break;
		case 'M':
			proto = IPPROTO_MPTCP;
			break;
		case 'a':
			addr = optarg;
			break;
		case 'b':
			backlog = atoi(optarg);
			bytes = atoll(optarg);
			break;
		case 'd':
			defer_accept = atoi(optarg);
			break;
		case 's':
			send_data = 1;
			break;
		case 'T':
			timed = 1;
			break;
		case 'n':
			n = atoi(optarg);
			n_set = 1;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'r':
			ready = optarg;
			break;
		case 't':
			seconds = atof(optarg);
			break;
		case 'w':
			wait_s = atoi(optarg);
			wait_set = 1;
			break;
		default:
			usage();
		}
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR1, on_release);
	raise_nofile();
	if (!strcmp(cmd, "pairs"))
		return cmd_pairs(n, 0);
	if (!strcmp(cmd, "churn"))
		return cmd_pairs(0, seconds);
	if (!strcmp(cmd, "listen"))
		return cmd_listen(n_set ? n : 1, backlog, ready);
	if (!strcmp(cmd, "sink"))
		return cmd_sink(ready);
	if (!strcmp(cmd, "send")) {
		if (argc - optind != 2)
			usage();
		return cmd_send(n, bytes, wait_s == 1 && !wait_set ? 0 : wait_s,
				argv[optind], atoi(argv[optind + 1]), ready);
	}
	if (!strcmp(cmd, "open"))
		return cmd_open(n, wait_set ? wait_s : -1, ready);
	if (!strcmp(cmd, "closewait"))
		return cmd_closewait(n, wait_s, ready);
	if (!strcmp(cmd, "connect")) {
		if (argc - optind != 2)
			usage();
		return cmd_connect(n, wait_s, argv[optind], atoi(argv[optind + 1]), ready);
	}
	usage();
	return 2;
}
