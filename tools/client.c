// SPDX-License-Identifier: GPL-2.0
/* The requests of the tool to the tcpobs family, and their errors. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "print.h"

int client_open(struct nl *nl, const char *cmd, bool events)
{
	int err = nl_open(nl);

	if (err) {
		warnmsg("%s: cannot open a generic netlink socket: %s", cmd,
			strerror(-err));
		return EXIT_FAIL;
	}
	err = nl_resolve(nl, TCPOBS_GENL_NAME, events ? TCPOBS_MCGRP_EVENTS : NULL);
	if (err == -ENOENT) {
		fputs(MSG_NOT_LOADED "\n", stderr);
		nl_close(nl);
		return EXIT_FAIL;
	}
	if (err) {
		warnmsg("%s: cannot resolve the generic netlink family \"%s\": %s",
			cmd, TCPOBS_GENL_NAME, strerror(-err));
		nl_close(nl);
		return EXIT_FAIL;
	}
	if (nl->version < TCPOBS_GENL_VERSION) {
		warnmsg("the tcpobs kernel module speaks version %u of the netlink interface; this tool needs version %u or later (update the module)",
			nl->version, TCPOBS_GENL_VERSION);
		nl_close(nl);
		return EXIT_FAIL;
	}
	if (events && !nl->mcgrp) {
		warnmsg("%s: the tcpobs kernel module has no \"%s\" multicast group",
			cmd, TCPOBS_MCGRP_EVENTS);
		nl_close(nl);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int client_error(struct nl *nl, const char *cmd, int err)
{
	const char *hint = "";

	if (err == -EPERM)
		hint = " (needs CAP_NET_ADMIN)";
	if (err == -EBADMSG) {
		warnmsg("%s: malformed reply from the kernel", cmd);
		return EXIT_FAIL;
	}
	if (nl && nl->extack[0])
		warnmsg("%s: %s%s: %s", cmd, strerror(-err), hint, nl->extack);
	else
		warnmsg("%s: %s%s", cmd, strerror(-err), hint);
	return EXIT_FAIL;
}

int client_run(const struct cmd_args *a, const struct client_cmd *c, void *reply)
{
	struct nl nl;
	int rc, err;

	rc = client_open(&nl, a->name, false);
	if (rc)
		return rc;
	err = c->request(&nl, a, reply);
	if (err > 0) {
		rc = err;
	} else if (err) {
		rc = client_error(&nl, a->name, err);
	} else if (c->print) {
		new_json_obj(stdout, opt.json, opt.pretty, opt.no_header);
		c->print(reply);
		delete_json_obj();
	}
	if (!err && c->warn_degraded)
		warn_degraded(&nl);
	if (c->free)
		c->free(reply);
	nl_close(&nl);
	return rc;
}

static struct nlmsghdr *req(struct nl *nl, void *buf, uint8_t cmd, uint16_t flags)
{
	return nl_msg(nl, buf, nl->family, cmd, TCPOBS_GENL_VERSION, flags);
}

static const char *what(const struct cmd_args *a, const char *dflt)
{
	return a && a->name ? a->name : dflt;
}

static int stats_cb(const struct nlmsghdr *nlh, void *arg)
{
	return parse_stats_msg(nlh, arg);
}

int get_stats(struct nl *nl, struct stats_reply *r)
{
	char buf[NL_REQ_SIZE];

	return nl_exchange(nl, req(nl, buf, TCPOBS_CMD_GET_STATS, NLM_F_ACK),
			   stats_cb, r);
}

static int states_cb(const struct nlmsghdr *nlh, void *arg)
{
	return parse_states_msg(nlh, arg);
}

static void states_reset(void *arg)
{
	transitions_free(arg);
}

int dump_states(struct nl *nl, struct transitions *r)
{
	char buf[NL_REQ_SIZE];

	return nl_dump(nl, req(nl, buf, TCPOBS_CMD_GET_STATES, NLM_F_DUMP),
		       states_cb, r, states_reset, "states");
}

void client_put_filter(struct nlmsghdr *nlh, uint8_t cmd, const struct cmd_args *a)
{
	if (!a)
		return;
	if (cmd == TCPOBS_CMD_GET_LISTENER) {
		if (a->has_port)
			mnl_attr_put_u16(nlh, TCPOBS_A_LISTENER_PORT, htons(a->port));
		return;
	}
	if (a->has_port)
		mnl_attr_put_u16(nlh, TCPOBS_A_SOCKET_PORT, htons(a->port));
	if (a->has_state)
		mnl_attr_put_u8(nlh, TCPOBS_A_SOCKET_STATE, a->state);
}

static int listener_cb(const struct nlmsghdr *nlh, void *arg)
{
	return parse_listener_msg(nlh, arg);
}

static void listeners_reset(void *arg)
{
	listeners_free(arg);
}

int dump_listeners(struct nl *nl, const struct cmd_args *a, struct listeners *ls)
{
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh = req(nl, buf, TCPOBS_CMD_GET_LISTENER, NLM_F_DUMP);
	int err;

	client_put_filter(nlh, TCPOBS_CMD_GET_LISTENER, a);
	err = nl_dump(nl, nlh, listener_cb, ls, listeners_reset, what(a, "listeners"));
	if (!err)
		listeners_sort(ls);
	return err;
}

static int socket_cb(const struct nlmsghdr *nlh, void *arg)
{
	return parse_socket_msg(nlh, arg);
}

static void sockets_reset(void *arg)
{
	sockets_free(arg);
}

int dump_sockets(struct nl *nl, const struct cmd_args *a, struct sockets *ss)
{
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh = req(nl, buf, TCPOBS_CMD_GET_SOCKET, NLM_F_DUMP);

	client_put_filter(nlh, TCPOBS_CMD_GET_SOCKET, a);
	return nl_dump(nl, nlh, socket_cb, ss, sockets_reset, what(a, "sockets"));
}

static int timewait_cb(const struct nlmsghdr *nlh, void *arg)
{
	return parse_timewait_msg(nlh, arg);
}

static void timewait_reset(void *arg)
{
	tw_reply_free(arg);
}

int dump_timewait(struct nl *nl, uint32_t top, struct tw_reply *r)
{
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh = req(nl, buf, TCPOBS_CMD_GET_TIMEWAIT, NLM_F_DUMP);

	if (top)
		mnl_attr_put_u32(nlh, TCPOBS_A_TIMEWAIT_TOP, top);
	return nl_dump(nl, nlh, timewait_cb, r, timewait_reset, "timewait");
}

static int lifetimes_cb(const struct nlmsghdr *nlh, void *arg)
{
	return parse_lifetimes_msg(nlh, arg);
}

static void lifetimes_reset(void *arg)
{
	lifetimes_free(arg);
}

int dump_lifetimes(struct nl *nl, struct lifetimes *r)
{
	char buf[NL_REQ_SIZE];

	return nl_dump(nl, req(nl, buf, TCPOBS_CMD_GET_LIFETIMES, NLM_F_DUMP),
		       lifetimes_cb, r, lifetimes_reset, "lifetimes");
}

static int ecn_cb(const struct nlmsghdr *nlh, void *arg)
{
	return parse_ecn_msg(nlh, arg);
}

static void ecn_reset(void *arg)
{
	ecn_reply_free(arg);
}

int dump_ecn(struct nl *nl, struct ecn_reply *r)
{
	char buf[NL_REQ_SIZE];

	return nl_dump(nl, req(nl, buf, TCPOBS_CMD_GET_ECN, NLM_F_DUMP),
		       ecn_cb, r, ecn_reset, "ecn");
}

static int options_cb(const struct nlmsghdr *nlh, void *arg)
{
	return parse_options_msg(nlh, arg);
}

int get_options(struct nl *nl, struct options *o)
{
	char buf[NL_REQ_SIZE];

	memset(o, 0, sizeof(*o));
	return nl_exchange(nl, req(nl, buf, TCPOBS_CMD_GET_OPTIONS, NLM_F_ACK),
			   options_cb, o);
}

static int features_cb(const struct nlmsghdr *nlh, void *arg)
{
	return parse_features_msg(nlh, arg);
}

static void features_reset(void *arg)
{
	memset(arg, 0, sizeof(struct features));
}

int dump_features(struct nl *nl, struct features *f)
{
	char buf[NL_REQ_SIZE];

	memset(f, 0, sizeof(*f));
	return nl_dump(nl, req(nl, buf, TCPOBS_CMD_GET_FEATURES, NLM_F_DUMP),
		       features_cb, f, features_reset, "features");
}

/*
 * Says on stderr which features cannot be trusted on this kernel, one line
 * each (nothing when all are exact, or the features cannot be read).
 */
void warn_degraded(struct nl *nl)
{
	struct features f;
	size_t i;

	if (dump_features(nl, &f))
		return;
	for (i = 0; i < f.n; i++)
		if (!f.v[i].exact)
			warnmsg("warning: %s figures are not exact on this kernel: %s",
				f.v[i].name, f.v[i].reason);
}

int set_events(struct nl *nl, uint32_t events)
{
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh = req(nl, buf, TCPOBS_CMD_SET_OPTIONS, NLM_F_ACK);

	mnl_attr_put_u32(nlh, TCPOBS_A_OPTIONS_EVENTS, events);
	return nl_exchange(nl, nlh, NULL, NULL);
}

int do_reset(struct nl *nl)
{
	char buf[NL_REQ_SIZE];

	return nl_exchange(nl, req(nl, buf, TCPOBS_CMD_RESET, NLM_F_ACK), NULL, NULL);
}

static int listener_cmp(const void *x, const void *y)
{
	const struct listener *a = x, *b = y;
	int c;

	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	c = memcmp(a->addr, b->addr, sizeof(a->addr));
	if (c)
		return c;
	return a->cookie < b->cookie ? -1 : a->cookie > b->cookie;
}

void listeners_sort(struct listeners *ls)
{
	if (ls->n > 1)
		qsort(ls->v, ls->n, sizeof(*ls->v), listener_cmp);
}
