/* SPDX-License-Identifier: GPL-2.0 */
/* tcpobs: names and formatting shared by the procfs files (format.c). */
#ifndef _TCPOBS_FORMAT_H
#define _TCPOBS_FORMAT_H

#include "tcpobs.h"

extern const char * const tcpobs_drop_names[TCPOBS_DROP_MAX];
const char *tcpobs_state_name(unsigned int state);
int tcpobs_emit_seq(struct seq_file *seq,
		    int (*section)(struct net *net, struct tcpobs_emit *e),
		    struct net *net);
void tcpobs_print_secs(struct seq_file *seq, u64 ns);

#endif /* _TCPOBS_FORMAT_H */
