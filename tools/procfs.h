/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Readers of procfs: sysctls and /proc/net/netstat. The procfs root is
 * $TCPOBS_PROC_ROOT, /proc by default (the unit tests point it at
 * fixtures).
 */
#ifndef TCPOBS_PROCFS_H
#define TCPOBS_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "msg.h"

/* The TcpExt counters matching the tcpobs causes, in enum tcpobs_cause order. */
extern const char *const netstat_names[NCAUSES];

struct sysctls {
	long somaxconn;			/* net.core.somaxconn */
	long tcp_max_syn_backlog;	/* net.ipv4.tcp_max_syn_backlog */
	long tcp_syncookies;		/* net.ipv4.tcp_syncookies */
	long tcp_abort_on_overflow;	/* net.ipv4.tcp_abort_on_overflow */
};

const char *proc_root(void);

/* The integer sysctl @name ("net/core/somaxconn"): 0 or -errno. */
int read_sysctl(const char *name, long *v);
/* The four sysctls of diagnose, -1 for those unreadable. */
void read_sysctls(struct sysctls *s);

/*
 * The values of @names in the @prefix ("TcpExt") lines of a netstat-style
 * file (a header line of names, then a line of values). @found[i] tells
 * which were there. 0, or -EINVAL if the file is malformed.
 */
int netstat_parse(FILE *f, const char *prefix, const char *const *names,
		  size_t n, int64_t *v, bool *found);
/* <root>/net/netstat, the TcpExt counters of netstat_names: 0 or -errno. */
int read_netstat(int64_t v[NCAUSES], bool found[NCAUSES]);

/* The inode of this network namespace ("4026531840"): 0 or -errno. */
int read_netns_id(char *buf, size_t len);

#endif
