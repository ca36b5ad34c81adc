/* SPDX-License-Identifier: GPL-2.0 */
/* The requests of the tool to the tcpobs family, and their errors. */
#ifndef TCPOBS_CLIENT_H
#define TCPOBS_CLIENT_H

#include "msg.h"
#include "nl.h"
#include "tool.h"

#define MSG_NOT_LOADED \
	TOOL_NAME ": the tcpobs kernel module is not loaded (no generic netlink family \"tcpobs\")"

/*
 * Opens a socket and resolves the family (and its "events" group if
 * @events). EXIT_OK, or EXIT_FAIL after saying why (module not loaded,
 * kernel too old).
 */
int client_open(struct nl *nl, const char *cmd, bool events);
/* "tcpobs: <cmd>: <strerror>[: <kernel message>]"; returns EXIT_FAIL. */
int client_error(struct nl *nl, const char *cmd, int err);

/* A command that asks the module and prints the reply, for client_run(). */
struct client_cmd {
	/*
	 * Fills the reply: 0, -errno (client_run() says it), or EXIT_FAIL
	 * after saying why.
	 */
	int (*request)(struct nl *nl, const struct cmd_args *a, void *reply);
	/* Describes the output (print.h); NULL: none. */
	void (*print)(const void *reply);
	/* Frees what the request put in the reply, failed or not; NULL: none. */
	void (*free)(void *reply);
	/* After the output, warn of the features not exact on this kernel. */
	bool warn_degraded;
};

/*
 * Runs @c for command @a: opens the socket, makes the request into
 * @reply, prints it on stdout (text or JSON, as the options say), or says
 * why it failed; frees the reply and closes. The exit code.
 */
int client_run(const struct cmd_args *a, const struct client_cmd *c, void *reply);

/*
 * The requests: 0 or -errno. Results are appended to the structure; a dump
 * redone because the kernel flagged it NLM_F_DUMP_INTR starts it afresh.
 */
int get_stats(struct nl *nl, struct stats_reply *r);
int dump_states(struct nl *nl, struct transitions *r);
int dump_listeners(struct nl *nl, const struct cmd_args *a,
		   struct listeners *ls);
int dump_sockets(struct nl *nl, const struct cmd_args *a, struct sockets *ss);
int dump_timewait(struct nl *nl, uint32_t top, struct tw_reply *r);
int dump_lifetimes(struct nl *nl, struct lifetimes *r);
int dump_ecn(struct nl *nl, struct ecn_reply *r);
int get_options(struct nl *nl, struct options *o);
int dump_features(struct nl *nl, struct features *f);
void warn_degraded(struct nl *nl);
int set_events(struct nl *nl, uint32_t events);
int do_reset(struct nl *nl);

/*
 * The filter of a get-listener or get-socket dump request (@cmd): the
 * port of @a, and its state for get-socket, as top-level attributes of the
 * command's set (the port in network byte order). Nothing without a filter.
 */
void client_put_filter(struct nlmsghdr *nlh, uint8_t cmd, const struct cmd_args *a);

/* Listeners by port, family, address, cookie. */
void listeners_sort(struct listeners *ls);

#endif
