// SPDX-License-Identifier: GPL-2.0
/*
 * Formatting shared by the procfs files and netlink: the names of TCP
 * states and of the listen-drop causes, counter sections printed as
 * "name value" lines, times as seconds. No state, no dependency on any
 * other part of tcpobs.
 */
#include <linux/build_bug.h>
#include <linux/seq_file.h>
#include <linux/time64.h>
#include <net/tcp_states.h>

#include "format.h"

/* The procfs columns and stats names of enum tcpobs_drop. */
const char * const tcpobs_drop_names[TCPOBS_DROP_MAX] = {
	[TCPOBS_LISTEN_OVERFLOWS]	= "listen_overflows",
	[TCPOBS_LISTEN_DROPS]		= "listen_drops",
	[TCPOBS_REQQ_FULL_DROPS]	= "reqq_full_drops",
	[TCPOBS_REQQ_FULL_COOKIES]	= "reqq_full_cookies",
	[TCPOBS_SYNCOOKIES_SENT]	= "syncookies_sent",
	[TCPOBS_SYNCOOKIES_RECV]	= "syncookies_recv",
	[TCPOBS_SYNCOOKIES_FAILED]	= "syncookies_failed",
};

/* ss(8)'s names, indexed by TCP state; large enough for either kernel. */
static const char * const tcpobs_state_names[16] = {
	[0]			= "UNKNOWN",
	[TCP_ESTABLISHED]	= "ESTAB",
	[TCP_SYN_SENT]		= "SYN-SENT",
	[TCP_SYN_RECV]		= "SYN-RECV",
	[TCP_FIN_WAIT1]		= "FIN-WAIT-1",
	[TCP_FIN_WAIT2]		= "FIN-WAIT-2",
	[TCP_TIME_WAIT]		= "TIME-WAIT",
	[TCP_CLOSE]		= "CLOSE",
	[TCP_CLOSE_WAIT]	= "CLOSE-WAIT",
	[TCP_LAST_ACK]		= "LAST-ACK",
	[TCP_LISTEN]		= "LISTEN",
	[TCP_CLOSING]		= "CLOSING",
	[TCP_NEW_SYN_RECV]	= "NEW-SYN-RECV",
	[13]			= "BOUND-INACTIVE",
};

static_assert(ARRAY_SIZE(tcpobs_state_names) >= TCP_MAX_STATES);

const char *tcpobs_state_name(unsigned int state)
{
	if (state >= TCP_MAX_STATES || !tcpobs_state_names[state])
		return "UNKNOWN";
	return tcpobs_state_names[state];
}

struct tcpobs_emit_seq {
	struct tcpobs_emit e;
	struct seq_file *seq;
};

static int tcpobs_emit_seq_fn(struct tcpobs_emit *e, int attr,
			      const char *prefix, const char *name, s64 value)
{
	struct tcpobs_emit_seq *es = container_of(e, struct tcpobs_emit_seq, e);

	seq_printf(es->seq, "%s%s %lld\n", prefix, name, value);
	return 0;
}

/* Prints a counter section as "name value" lines, under its header. */
int tcpobs_emit_seq(struct seq_file *seq,
		    int (*section)(struct net *net, struct tcpobs_emit *e),
		    struct net *net)
{
	struct tcpobs_emit_seq es = { .e.fn = tcpobs_emit_seq_fn, .seq = seq };

	seq_puts(seq, "name value\n");
	return section(net, &es.e);
}

/* " S.mmm": @ns as seconds with milliseconds, for the procfs files. */
void tcpobs_print_secs(struct seq_file *seq, u64 ns)
{
	seq_printf(seq, " %llu.%03u", ns / NSEC_PER_SEC,
		   (unsigned int)(ns % NSEC_PER_SEC / NSEC_PER_MSEC));
}
