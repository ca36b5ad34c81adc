// SPDX-License-Identifier: GPL-2.0
/*
 * nlprobe: send one hand-made request to the tcpobs generic netlink family
 * and print how the kernel answered, for the selftests of request
 * validation and permissions.
 *
 *   nlprobe [-u] CASE
 *
 * prints "CASE ok" or "CASE <ERRNO NAME> <extack message>", exits 0 when
 * the kernel answered at all. -u drops to uid/gid 65534 first (no
 * capabilities). CASE is one of the names in the table below.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../kmod/uapi/tcpobs.h"

static char buf[65536];
static struct mnl_socket *nl;
static unsigned int portid;
static int family_id;

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			*(int *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static struct nlmsghdr *msg(int type, int flags, int cmd, int version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = time(NULL);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

/* Sends @nlh; returns 0 or -errno, with the extack message in @ext. */
static int talk(struct nlmsghdr *nlh, char *ext, size_t extlen)
{
	int ret, err = 0;

	ext[0] = 0;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		const struct nlmsghdr *h;

		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret < 0)
			return -errno;
		for (h = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(h, ret);
		     h = mnl_nlmsg_next(h, &ret)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return err;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);
				const struct nlattr *attr;
				unsigned int off = sizeof(*e);

				if (!(h->nlmsg_flags & NLM_F_CAPPED))
					off += e->msg.nlmsg_len - sizeof(e->msg);
				mnl_attr_for_each_payload((void *)((const char *)e + off),
							  h->nlmsg_len - MNL_NLMSG_HDRLEN - off)
					if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG)
						snprintf(ext, extlen, "%s",
							 mnl_attr_get_str(attr));
				return e->error;
			}
			if (family_id && h->nlmsg_type == family_id &&
			    !(h->nlmsg_flags & NLM_F_MULTI))
				err = 0;
		}
		if (!(nlh->nlmsg_flags & NLM_F_DUMP) && !(nlh->nlmsg_flags & NLM_F_ACK))
			return err;
	}
}

static int resolve(void)
{
	struct nlmsghdr *nlh = msg(GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY, 1);
	int ret, id = 0;

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, TCPOBS_GENL_NAME);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	while (ret > 0) {
		ret = mnl_cb_run(buf, ret, 0, portid, family_cb, &id);
		if (ret <= 0)
			break;
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	}
	return id;
}

static int run_case(const char *name, char *ext, size_t extlen)
{
	struct nlmsghdr *nlh;
	struct nlattr *n;

	if (!strcmp(name, "get-stats")) {
		nlh = msg(family_id, NLM_F_ACK, TCPOBS_CMD_GET_STATS, 1);
	} else if (!strcmp(name, "unknown-command")) {
		nlh = msg(family_id, NLM_F_ACK, 200, 1);
	} else if (!strcmp(name, "wrong-length")) {
		/* TCPOBS_A_TOP is a u32; send a u8. */
		nlh = msg(family_id, NLM_F_ACK, TCPOBS_CMD_GET_TIMEWAIT, 1);
		mnl_attr_put_u8(nlh, TCPOBS_A_TOP, 5);
	} else if (!strcmp(name, "out-of-range")) {
		nlh = msg(family_id, NLM_F_ACK, TCPOBS_CMD_GET_TIMEWAIT, 1);
		mnl_attr_put_u32(nlh, TCPOBS_A_TOP, 0);
	} else if (!strcmp(name, "unknown-attribute")) {
		nlh = msg(family_id, NLM_F_ACK, TCPOBS_CMD_GET_STATS, 1);
		mnl_attr_put_u32(nlh, TCPOBS_A_STATS, 1);
	} else if (!strcmp(name, "attribute-beyond-max")) {
		nlh = msg(family_id, NLM_F_ACK, TCPOBS_CMD_GET_STATS, 1);
		mnl_attr_put_u32(nlh, TCPOBS_A_MAX + 5, 1);
	} else if (!strcmp(name, "missing-nest-flag")) {
		nlh = msg(family_id, NLM_F_ACK, TCPOBS_CMD_SET_OPTIONS, 1);
		n = mnl_nlmsg_get_payload_tail(nlh);
		mnl_attr_put_u32(nlh, TCPOBS_A_OPTIONS, 0);
		/* A nest without NLA_F_NESTED, holding a valid option. */
		n->nla_len = MNL_ATTR_HDRLEN;
		mnl_attr_put_u32(nlh, TCPOBS_A_OPT_EVENTS, 1);
		n->nla_len = (char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)n;
		nlh->nlmsg_len = (char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)nlh;
	} else if (!strcmp(name, "bad-event-mask")) {
		nlh = msg(family_id, NLM_F_ACK, TCPOBS_CMD_SET_OPTIONS, 1);
		n = mnl_attr_nest_start(nlh, TCPOBS_A_OPTIONS);
		mnl_attr_put_u32(nlh, TCPOBS_A_OPT_EVENTS, 0x80);
		mnl_attr_nest_end(nlh, n);
	} else if (!strcmp(name, "empty-options")) {
		nlh = msg(family_id, NLM_F_ACK, TCPOBS_CMD_SET_OPTIONS, 1);
		n = mnl_attr_nest_start(nlh, TCPOBS_A_OPTIONS);
		mnl_attr_nest_end(nlh, n);
	} else if (!strcmp(name, "set-options")) {
		nlh = msg(family_id, NLM_F_ACK, TCPOBS_CMD_SET_OPTIONS, 1);
		n = mnl_attr_nest_start(nlh, TCPOBS_A_OPTIONS);
		mnl_attr_put_u32(nlh, TCPOBS_A_OPT_INTERVAL_MS, 100);
		mnl_attr_nest_end(nlh, n);
	} else if (!strcmp(name, "reset")) {
		nlh = msg(family_id, NLM_F_ACK, TCPOBS_CMD_RESET, 1);
	} else if (!strcmp(name, "dump-bad-family")) {
		nlh = msg(family_id, NLM_F_DUMP, TCPOBS_CMD_GET_SOCKET, 1);
		n = mnl_attr_nest_start(nlh, TCPOBS_A_FILTER);
		mnl_attr_put_u8(nlh, TCPOBS_A_FILTER_FAMILY, 7);
		mnl_attr_nest_end(nlh, n);
	} else if (!strcmp(name, "dump-bad-state")) {
		nlh = msg(family_id, NLM_F_DUMP, TCPOBS_CMD_GET_SOCKET, 1);
		n = mnl_attr_nest_start(nlh, TCPOBS_A_FILTER);
		mnl_attr_put_u8(nlh, TCPOBS_A_FILTER_STATE, 99);
		mnl_attr_nest_end(nlh, n);
	} else if (!strcmp(name, "dump-listeners")) {
		nlh = msg(family_id, NLM_F_DUMP, TCPOBS_CMD_GET_LISTENER, 1);
	} else if (!strcmp(name, "reserved-set")) {
		struct genlmsghdr *g;

		nlh = msg(family_id, NLM_F_ACK, TCPOBS_CMD_GET_STATS, 1);
		g = mnl_nlmsg_get_payload(nlh);
		g->reserved = 1;
	} else if (!strcmp(name, "truncated")) {
		nlh = msg(family_id, NLM_F_ACK, TCPOBS_CMD_GET_TIMEWAIT, 1);
		mnl_attr_put_u32(nlh, TCPOBS_A_TOP, 5);
		/* The attribute claims more than the message holds. */
		((struct nlattr *)((char *)mnl_nlmsg_get_payload(nlh) +
				   GENL_HDRLEN))->nla_len = 64;
	} else {
		return -ENOSYS;
	}
	return talk(nlh, ext, extlen);
}

int main(int argc, char **argv)
{
	char ext[256];
	int drop = 0, ret;

	if (argc > 1 && !strcmp(argv[1], "-u")) {
		drop = 1;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: nlprobe [-u] CASE\n");
		return 2;
	}
	if (drop && (setgroups(0, NULL) || setgid(65534) || setuid(65534))) {
		perror("nlprobe: drop privileges");
		return 1;
	}
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("nlprobe: netlink");
		return 1;
	}
	ret = 1;
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &ret, sizeof(ret));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &ret, sizeof(ret));
	portid = mnl_socket_get_portid(nl);
	family_id = resolve();
	if (family_id <= 0) {
		printf("%s no-family\n", argv[1]);
		return 1;
	}
	ret = run_case(argv[1], ext, sizeof(ext));
	if (ret == -ENOSYS) {
		fprintf(stderr, "nlprobe: unknown case %s\n", argv[1]);
		return 2;
	}
	if (!ret)
		printf("%s ok\n", argv[1]);
	else
		printf("%s %s %s\n", argv[1], strerrorname_np(-ret) ?: "?", ext);
	mnl_socket_close(nl);
	return 0;
}
