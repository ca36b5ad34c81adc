/* SPDX-License-Identifier: GPL-2.0 */
/* The unit tests' shared helpers: TAP, memory streams, message building. */
#ifndef TCPOBS_UNIT_H
#define TCPOBS_UNIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/netlink.h>

extern int tests, failed;

bool ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void is_str(const char *got, const char *want, const char *name);
void is_int(long long got, long long want, const char *name);
void has_str(const char *hay, const char *needle, const char *name);
void lacks_str(const char *hay, const char *needle, const char *name);

/* A memory stream, read back as a string. */
struct mem {
	FILE *f;
	char *buf;
	size_t len;
};

FILE *mem_open(struct mem *m);
char *mem_close(struct mem *m);

/* The family id the fake kernel gives "tcpobs". */
#define FAKE_FAMILY 0x22

/* Messages as tcpobs.ko builds them (version 2), appended at *@off of @buf. */
struct nlmsghdr *put_msg(char *buf, size_t *off, uint16_t type, uint16_t flags,
			 uint32_t seq);
void end_msg(size_t *off, struct nlmsghdr *nlh);
struct nlmsghdr *put_genl(char *buf, size_t *off, uint8_t cmd, uint16_t flags,
			  uint32_t seq);
void put_pad(struct nlmsghdr *nlh, uint16_t type);
void put_port(struct nlmsghdr *nlh, uint16_t type, uint16_t port);
/* At the top level (@nest 0) or in nest @nest. */
void put_listener(struct nlmsghdr *nlh, uint16_t nest, uint8_t family,
		  const char *addr, uint16_t port, uint64_t cookie,
		  uint32_t backlog, uint32_t accept_q, const uint64_t *causes);

/* cmds.c: the commands against a fake kernel. */
void test_commands(const char *fixtures);

#endif
