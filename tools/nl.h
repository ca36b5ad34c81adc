/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink transport: the socket, resolving a family, requests,
 * replies and dumps, and the kernel's error messages (extended ACK).
 */
#ifndef TCPOBS_NL_H
#define TCPOBS_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#define NL_EXTACK_LEN 256
#define NL_DUMP_RETRIES 3
#define NL_REQ_SIZE 8192	/* a request buffer */

/* Called for every reply message; returns 0 or a negative errno. */
typedef int (*nl_cb_t)(const struct nlmsghdr *nlh, void *arg);

struct nl {
	struct mnl_socket *sk;
	unsigned int portid;
	uint32_t seq;
	uint16_t family;	/* after nl_resolve() */
	uint32_t version;
	uint32_t mcgrp;		/* the multicast group asked for, 0 if none */
	char *buf;
	size_t bufsz;
	char extack[NL_EXTACK_LEN];	/* the kernel's message on error */
	bool intr;		/* the last dump was interrupted */
};

/*
 * The state of receiving the replies to request @seq, fed buffer after
 * buffer to nl_parse_buf().
 */
struct nl_parse {
	uint32_t seq;
	uint32_t portid;
	nl_cb_t cb;
	void *arg;
	bool done;		/* the ACK, error or NLMSG_DONE came */
	int err;		/* the kernel's error (or the callback's) */
	int cb_err;
	bool intr;		/* a message had NLM_F_DUMP_INTR */
	char extack[NL_EXTACK_LEN];
};

/*
 * For the unit tests only: when set, nl_exchange() hands requests to it
 * instead of the kernel, and it writes the whole reply (ending with the
 * ACK, error or NLMSG_DONE) to @buf of @len bytes, returning its length.
 */
extern long (*nl_fake)(const struct nlmsghdr *req, char *buf, size_t len);

/* A socket bound to the kernel, extended ACK on. 0 or -errno. */
int nl_open(struct nl *nl);
void nl_close(struct nl *nl);

/*
 * The id, version and multicast group @mcgrp (may be NULL) of family
 * @name: 0, -ENOENT if the family does not exist, or another -errno.
 */
int nl_resolve(struct nl *nl, const char *name, const char *mcgrp);

/* Starts message @type/@cmd in @buf (NL_REQ_SIZE bytes). */
struct nlmsghdr *nl_msg(struct nl *nl, void *buf, uint16_t type, uint8_t cmd,
			uint8_t version, uint16_t flags);

/*
 * Sends @req and receives until its ACK, error or NLMSG_DONE, calling @cb
 * for each reply message. 0, or a negative errno (the kernel's message, if
 * any, in nl->extack). nl->intr tells whether a dump was interrupted.
 */
int nl_exchange(struct nl *nl, struct nlmsghdr *req, nl_cb_t cb, void *arg);

/*
 * A dump: nl_exchange(), redone with a new sequence number (after
 * @reset(@arg)) while the kernel flags it NLM_F_DUMP_INTR, at most
 * NL_DUMP_RETRIES times; then warns "@what: ...". 0 or -errno.
 */
int nl_dump(struct nl *nl, struct nlmsghdr *req, nl_cb_t cb, void *arg,
	    void (*reset)(void *arg), const char *what);

/*
 * Processes one received buffer for @p. Returns 1 when the reply is
 * complete (p->err holds its result), 0 when more is to come, -EBADMSG if
 * the buffer is malformed.
 */
int nl_parse_buf(struct nl_parse *p, const void *buf, size_t len);

/* Joins multicast group @group. 0 or -errno. */
int nl_join(struct nl *nl, uint32_t group);

/*
 * Receives one datagram into nl->buf, growing it to fit. The length, or
 * -errno (-EINTR included).
 */
long nl_recv(struct nl *nl);

#endif
