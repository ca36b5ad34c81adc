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

#endif /* _TCPOBS_COMPAT_H */
