// SPDX-License-Identifier: GPL-2.0
/*
 * twflood: TIME-WAIT sockets whose peers are chosen to collide, for the
 * tcpobs selftests (tests/twhash.sh).
 *
 *   twflood peers -n N -m collide|random PREFIX
 *	Prints N IPv6 addresses under PREFIX (a /64, e.g. fd00:77::). With
 *	"collide", all of them fall in one of the 256 chains of tcpobs's
 *	first TIME-WAIT key table (an unseeded jhash2 of the peer address,
 *	initval port << 16 | kind << 8 | family, modulo 256): what a remote
 *	peer choosing its addresses could do to it. "random" draws them at
 *	random.
 *   twflood run -p PORT FILE
 *	Listens on [::]:PORT and makes one connection to each address of
 *	FILE (made local by "ip -6 route add local PREFIX/64 dev lo"): the
 *	client closes first, the server closes on EOF, and the client's end
 *	is a TIME-WAIT minisock whose peer is that address. Prints
 *	"CONNECTIONS CPU_US": the thread's CPU time in the closes, where the
 *	minisocks are made (over loopback, the FIN's softirq work runs in
 *	the closing thread and is charged to it); the connects are not
 *	counted.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "twflood: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint32_t rol32(uint32_t w, unsigned int s)
{
	return (w << s) | (w >> (32 - s));
}

/* Bob Jenkins' lookup3 hashword() over 4 words, as the kernel's jhash2(). */
static uint32_t old_hash(const uint32_t k[4], uint32_t initval)
{
	uint32_t a, b, c;

	a = b = c = 0xdeadbeef + (4 << 2) + initval;
	a += k[0];
	b += k[1];
	c += k[2];
	a -= c; a ^= rol32(c, 4);  c += b;
	b -= a; b ^= rol32(a, 6);  a += c;
	c -= b; c ^= rol32(b, 8);  b += a;
	a -= c; a ^= rol32(c, 16); c += b;
	b -= a; b ^= rol32(a, 19); a += c;
	c -= b; c ^= rol32(b, 4);  b += a;
	a += k[3];
	c ^= b; c -= rol32(b, 14);
	a ^= c; a -= rol32(c, 11);
	b ^= a; b -= rol32(a, 25);
	c ^= b; c -= rol32(b, 16);
	a ^= c; a -= rol32(c, 4);
	b ^= a; b -= rol32(a, 14);
	c ^= b; c -= rol32(b, 24);
	return c;
}

static int peers(int n, int collide, const char *prefix)
{
	/* the peer key: port 0, kind 2 (peer), AF_INET6 */
	const uint32_t initval = 0 << 16 | 2 << 8 | AF_INET6;
	struct in6_addr a;
	char buf[INET6_ADDRSTRLEN];
	uint64_t i;
	int got = 0;

	if (inet_pton(AF_INET6, prefix, &a) != 1) {
		fprintf(stderr, "twflood: bad prefix '%s'\n", prefix);
		return 2;
	}
	srandom(1);
	for (i = 1; got < n; i++) {
		uint32_t k[4];

		if (collide) {
			a.s6_addr32[2] = htonl((uint32_t)(i >> 32));
			a.s6_addr32[3] = htonl((uint32_t)i);
		} else {
			a.s6_addr32[2] = (uint32_t)random();
			a.s6_addr32[3] = (uint32_t)random();
		}
		memcpy(k, &a, sizeof(k));
		if (collide && old_hash(k, initval) % 256 != 0)
			continue;
		printf("%s\n", inet_ntop(AF_INET6, &a, buf, sizeof(buf)));
		got++;
	}
	return 0;
}

static long long cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int run(int port, const char *file)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	char line[128], buf[16];
	long long spent = 0;
	long n = 0;
	int one = 1, l;
	FILE *f;

	f = fopen(file, "r");
	if (!f)
		die(file);
	l = socket(AF_INET6, SOCK_STREAM, 0);
	if (l < 0)
		die("socket");
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin6_addr = in6addr_any;
	if (bind(l, (struct sockaddr *)&sa, sizeof(sa)) || listen(l, 128))
		die("listen");
	while (fgets(line, sizeof(line), f)) {
		long long t0;
		int c, s;

		line[strcspn(line, "\n")] = 0;
		if (inet_pton(AF_INET6, line, &sa.sin6_addr) != 1)
			continue;
		c = socket(AF_INET6, SOCK_STREAM, 0);
		if (c < 0)
			die("socket");
		if (connect(c, (struct sockaddr *)&sa, sizeof(sa)))
			die(line);
		s = accept(l, NULL, NULL);
		if (s < 0)
			die("accept");
		t0 = cpu_ns();
		close(c);
		while (read(s, buf, sizeof(buf)) > 0)
			;
		close(s);
		spent += cpu_ns() - t0;
		n++;
	}
	printf("%ld %lld\n", n, spent / 1000);
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	int n = 1000, collide = 1, port = 7000, o;

	if (argc < 2)
		goto usage;
	optind = 2;
	while ((o = getopt(argc, argv, "n:m:p:")) != -1) {
		switch (o) {
		case 'n': n = atoi(optarg); break;
		case 'm': collide = !strcmp(optarg, "collide"); break;
		case 'p': port = atoi(optarg); break;
		default: goto usage;
		}
	}
	if (optind != argc - 1)
		goto usage;
	if (!strcmp(argv[1], "peers"))
		return peers(n, collide, argv[optind]);
	if (!strcmp(argv[1], "run"))
		return run(port, argv[optind]);
usage:
	fprintf(stderr, "usage: twflood peers -n N -m collide|random PREFIX\n"
			"       twflood run -p PORT FILE\n");
	return 2;
}
