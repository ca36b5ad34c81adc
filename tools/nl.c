// SPDX-License-Identifier: GPL-2.0
/* Generic netlink transport. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "nl.h"
#include "tool.h"
#include "util.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

long (*nl_fake)(const struct nlmsghdr *req, char *buf, size_t len);

int nl_open(struct nl *nl)
{
	int one = 1, err;

	memset(nl, 0, sizeof(*nl));
	nl->sk = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sk)
		return -errno;
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		mnl_socket_close(nl->sk);
		nl->sk = NULL;
		return err;
	}
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = (uint32_t)getpid() << 8;
	/* The kernel's error messages, without an echo of our request. */
	setsockopt(mnl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	nl->bufsz = 32768;
	nl->buf = xcalloc(1, nl->bufsz);
	return 0;
}

void nl_close(struct nl *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	free(nl->buf);
	memset(nl, 0, sizeof(*nl));
}

struct nlmsghdr *nl_msg(struct nl *nl, void *buf, uint16_t type, uint8_t cmd,
			uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	memset(buf, 0, NL_REQ_SIZE);	/* attribute padding included */
	nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	g->reserved = 0;
	return nlh;
}

/* The extended ACK attributes from @start to @end: keeps the message. */
static void nl_extack(struct nl_parse *p, const char *start, const char *end)
{
	const struct nlattr *a = (const struct nlattr *)start;

	while (end - (const char *)a >= (long)sizeof(*a) &&
	       mnl_attr_ok(a, (int)(end - (const char *)a))) {
		size_t len = mnl_attr_get_payload_len(a);

		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG && len) {
			if (len >= sizeof(p->extack))
				len = sizeof(p->extack) - 1;
			memcpy(p->extack, mnl_attr_get_payload(a), len);
			p->extack[len] = '\0';
			/* Trailing NUL and newline off. */
			len = strnlen(p->extack, len);
			while (len && p->extack[len - 1] == '\n')
				p->extack[--len] = '\0';
		}
		a = mnl_attr_next(a);
	}
}

static int nl_on_error(struct nl_parse *p, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const char *end = (const char *)nlh + nlh->nlmsg_len;
	size_t off;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
		return -EBADMSG;
	p->done = true;
	p->err = e->error;
	if (e->error > 0)
		p->err = -e->error;
	if (p->err && (nlh->nlmsg_flags & NLM_F_ACK_TLVS)) {
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len > sizeof(struct nlmsghdr) ?
			       e->msg.nlmsg_len - sizeof(struct nlmsghdr) : 0;
		off = MNL_ALIGN(off);
		if ((const char *)mnl_nlmsg_get_payload(nlh) + off < end)
			nl_extack(p, (const char *)mnl_nlmsg_get_payload(nlh) + off, end);
	}
	return 1;
}

static int nl_on_done(struct nl_parse *p, const struct nlmsghdr *nlh)
{
	const char *end = (const char *)nlh + nlh->nlmsg_len;
	int err = 0;

	p->done = true;
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int))
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(int));
	p->err = err > 0 ? -err : err;
	if (p->err && (nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		nl_extack(p, (const char *)mnl_nlmsg_get_payload(nlh) +
			  MNL_ALIGN(sizeof(int)), end);
	return 1;
}

int nl_parse_buf(struct nl_parse *p, const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	int rem = (int)len;

	for (; mnl_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
		if (nlh->nlmsg_seq != p->seq ||
		    (p->portid && nlh->nlmsg_pid && nlh->nlmsg_pid != p->portid))
			continue;	/* a late reply to an earlier request */
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			p->intr = true;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			continue;
		case NLMSG_ERROR:
			return nl_on_error(p, nlh);
		case NLMSG_DONE:
			return nl_on_done(p, nlh);
		case NLMSG_OVERRUN:
			p->done = true;
			p->err = -ENOBUFS;
			return 1;
		}
		if (p->cb && !p->cb_err)
			p->cb_err = p->cb(nlh, p->arg);
	}
	if (rem > 0)
		return -EBADMSG;
	return 0;
}

long nl_recv(struct nl *nl)
{
	int fd = mnl_socket_get_fd(nl->sk);
	struct sockaddr_nl addr;
	socklen_t alen;
	ssize_t n;

	for (;;) {
		n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
		if (n < 0)
			return -errno;
		if ((size_t)n > nl->bufsz) {
			nl->bufsz = (size_t)n + 4096;
			free(nl->buf);
			nl->buf = xcalloc(1, nl->bufsz);
		}
		alen = sizeof(addr);
		n = recvfrom(fd, nl->buf, nl->bufsz, 0, (struct sockaddr *)&addr,
			     &alen);
		if (n < 0)
			return -errno;
		if (addr.nl_pid == 0)	/* from the kernel only */
			return n;
	}
}

int nl_exchange(struct nl *nl, struct nlmsghdr *req, nl_cb_t cb, void *arg)
{
	struct nl_parse p = {
		.seq = req->nlmsg_seq, .portid = nl->portid, .cb = cb, .arg = arg,
	};
	long n;
	int r;

	nl->extack[0] = '\0';
	nl->intr = false;
	if (nl_fake) {
		n = nl_fake(req, nl->buf, nl->bufsz);
		r = nl_parse_buf(&p, nl->buf, (size_t)n);
		if (r < 0)
			return r;
		if (!p.done)
			return -EPROTO;
	} else {
		if (mnl_socket_sendto(nl->sk, req, req->nlmsg_len) < 0)
			return -errno;
		do {
			n = nl_recv(nl);
			if (n == -EINTR)
				continue;
			if (n < 0)
				return (int)n;
			r = nl_parse_buf(&p, nl->buf, (size_t)n);
			if (r < 0)
				return r;
		} while (!p.done);
	}
	nl->intr = p.intr;
	memcpy(nl->extack, p.extack, sizeof(nl->extack));
	if (p.err)
		return p.err;
	return p.cb_err;
}

int nl_dump(struct nl *nl, struct nlmsghdr *req, nl_cb_t cb, void *arg,
	    void (*reset)(void *arg), const char *what)
{
	int i, err;

	for (i = 0; i <= NL_DUMP_RETRIES; i++) {
		if (i) {
			if (reset)
				reset(arg);
			req->nlmsg_seq = ++nl->seq;
		}
		err = nl_exchange(nl, req, cb, arg);
		if (err || !nl->intr)
			return err;
	}
	warnmsg("%s: the table kept changing during the dump (interrupted %d times); the list may be inconsistent",
		what, NL_DUMP_RETRIES + 1);
	return 0;
}

/* --- family resolution ----------------------------------------------------------- */

struct resolve {
	const char *mcgrp;
	uint16_t id;
	uint32_t version;
	uint32_t group;
};

static void resolve_groups(const struct nlattr *nest, struct resolve *r)
{
	const struct nlattr *g, *a;

	mnl_attr_for_each_nested(g, nest) {
		const char *name = NULL;
		uint32_t id = 0;

		mnl_attr_for_each_nested(a, g) {
			switch (mnl_attr_get_type(a)) {
			case CTRL_ATTR_MCAST_GRP_NAME:
				if (!mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
					name = mnl_attr_get_str(a);
				break;
			case CTRL_ATTR_MCAST_GRP_ID:
				if (!mnl_attr_validate(a, MNL_TYPE_U32))
					id = mnl_attr_get_u32(a);
				break;
			}
		}
		if (name && r->mcgrp && !strcmp(name, r->mcgrp))
			r->group = id;
	}
}

static int resolve_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct resolve *r = arg;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U16) < 0)
				return -EBADMSG;
			r->id = mnl_attr_get_u16(a);
			break;
		case CTRL_ATTR_VERSION:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -EBADMSG;
			r->version = mnl_attr_get_u32(a);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			resolve_groups(a, r);
			break;
		}
	}
	return 0;
}

int nl_resolve(struct nl *nl, const char *name, const char *mcgrp)
{
	char buf[NL_REQ_SIZE];
	struct resolve r = { .mcgrp = mcgrp };
	struct nlmsghdr *nlh;
	int err;

	nlh = nl_msg(nl, buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	err = nl_exchange(nl, nlh, resolve_cb, &r);
	if (err)
		return err;
	if (!r.id)
		return -ENOENT;
	nl->family = r.id;
	nl->version = r.version;
	nl->mcgrp = r.group;
	return 0;
}

int nl_join(struct nl *nl, uint32_t group)
{
	int g = (int)group;

	if (setsockopt(mnl_socket_get_fd(nl->sk), SOL_NETLINK,
		       NETLINK_ADD_MEMBERSHIP, &g, sizeof(g)) < 0)
		return -errno;
	return 0;
}
