// SPDX-License-Identifier: GPL-2.0
/*
 * synflood: N TCP SYNs from spoofed IPv4 sources, over a raw socket, for
 * the benchmarks and abuse tests (run it in a test VM's namespace only).
 *
 *   synflood -n N [-s SRCNET] DST_ADDR DST_PORT
 *
 * Sources are SRCNET.x.y (default 10.200) with random ports; prints the
 * number of SYNs sent.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct pseudo {
	u_int32_t src, dst;
	u_int8_t zero, proto;
	u_int16_t len;
};

static u_int16_t csum(const void *data, size_t len, u_int32_t sum)
{
	const u_int16_t *p = data;

	while (len > 1) {
		sum += *p++;
		len -= 2;
	}
	if (len)
		sum += *(const u_int8_t *)p;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

int main(int argc, char **argv)
{
	const char *srcnet = "10.200";
	struct sockaddr_in dst = { .sin_family = AF_INET };
	unsigned char pkt[sizeof(struct iphdr) + sizeof(struct tcphdr)];
	struct iphdr *ip = (struct iphdr *)pkt;
	struct tcphdr *th = (struct tcphdr *)(ip + 1);
	long n = 1000, i, sent = 0;
	int fd, opt, one = 1;
	in_addr_t base;
	char net[32];

	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		if (opt == 'n')
			n = atol(optarg);
		else if (opt == 's')
			srcnet = optarg;
		else
			goto usage;
	}
	if (argc - optind != 2)
		goto usage;
	if (inet_pton(AF_INET, argv[optind], &dst.sin_addr) != 1)
		goto usage;
	dst.sin_port = htons(atoi(argv[optind + 1]));
	snprintf(net, sizeof(net), "%s.0.0", srcnet);
	base = ntohl(inet_addr(net));

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one))) {
		perror("synflood: raw socket");
		return 1;
	}
	srandom(getpid());
	for (i = 0; i < n; i++) {
		struct pseudo ph;
		unsigned char buf[sizeof(ph) + sizeof(*th)];

		memset(pkt, 0, sizeof(pkt));
		ip->version = 4;
		ip->ihl = 5;
		ip->tot_len = htons(sizeof(pkt));
		ip->id = htons(random());
		ip->ttl = 64;
		ip->protocol = IPPROTO_TCP;
		ip->saddr = htonl(base + 1 + random() % 65000);
		ip->daddr = dst.sin_addr.s_addr;
		ip->check = csum(ip, sizeof(*ip), 0);
		th->source = htons(1024 + random() % 60000);
		th->dest = dst.sin_port;
		th->seq = random();
		th->doff = 5;
		th->syn = 1;
		th->window = htons(65535);
		ph.src = ip->saddr;
		ph.dst = ip->daddr;
		ph.zero = 0;
		ph.proto = IPPROTO_TCP;
		ph.len = htons(sizeof(*th));
		memcpy(buf, &ph, sizeof(ph));
		memcpy(buf + sizeof(ph), th, sizeof(*th));
		th->check = csum(buf, sizeof(buf), 0);
		if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&dst,
			   sizeof(dst)) == sizeof(pkt))
			sent++;
		else if (errno == ENOBUFS)
			usleep(100);
	}
	printf("%ld\n", sent);
	return 0;
usage:
	fprintf(stderr, "usage: synflood -n N [-s SRCNET] DST_ADDR DST_PORT\n");
	return 2;
}
