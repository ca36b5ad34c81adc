/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels tcpobs builds against (Debian's 6.1
 * and 6.12) lives here, and nowhere else: the rest of the module is written
 * once, against the names defined below.
 *
 * Differences that need no code, and why:
 *   TCP_MAX_STATES is 13 in 6.1 and 14 in 6.12 (TCP_BOUND_INACTIVE); arrays
 *   sized by it are right on both, and state names are kept in a table
 *   large enough for either.
 */
#ifndef _TCPOBS_COMPAT_H
#define _TCPOBS_COMPAT_H

#include <linux/version.h>
#include <net/net_namespace.h>

/*
 * The established hash of the namespace's TCP sockets: a namespace may have
 * its own since 6.1 (net.ipv4.tcp_child_ehash_entries), found through its
 * timewait death row.
 */
static inline struct inet_hashinfo *tcpobs_tcp_hashinfo(const struct net *net)
{
	return net->ipv4.tcp_death_row.hashinfo;
}

#endif /* _TCPOBS_COMPAT_H */
