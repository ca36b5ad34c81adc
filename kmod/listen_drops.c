// SPDX-License-Identifier: GPL-2.0
/*
 * Listen drops, attributed to the listener that suffered them.
 *
 * The kernel counts listen drops in tcp_listendrop() and a few
 * __NET_INC_STATS() calls next to it, all inline, with no tracepoint.
 * tcpobs puts kretprobes on the outermost functions that can reach them
 * for a listener:
 *
 *   tcp_v4_conn_request, tcp_v6_conn_request  a SYN (arg 0: the listener)
 *   subflow_v4_conn_request,                  a SYN to an MPTCP listener
 *   subflow_v6_conn_request                   (its TCP subflow listener)
 *   tcp_check_req                             the ACK completing a handshake
 *   cookie_v4_check, cookie_v6_check          an ACK carrying a SYN cookie
 *   tcp_req_err                               ICMP for a request socket
 *                                             (arg 0: the request socket)
 *
 * At entry, this CPU's values of the namespace's MIB fields are recorded;
 * at return, the difference is exactly what this call added, because MIB
 * counters are per CPU and these paths run in softirq with BH disabled, so
 * nothing else runs on this CPU in between. The difference is added to
 * the listener. A per-CPU depth counter keeps nested calls (IPv6 handing a
 * v4-mapped SYN to the IPv4 function) from counting twice.
 */
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/request_sock.h>
#include <net/snmp.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "listen_drops.h"
#include "compat.h"
#include "features.h"
#include "listeners.h"
#include "sockets.h"

static const int tcpobs_drop_mib[TCPOBS_DROP_MAX] = {
	[TCPOBS_LISTEN_OVERFLOWS]	= LINUX_MIB_LISTENOVERFLOWS,
	[TCPOBS_LISTEN_DROPS]		= LINUX_MIB_LISTENDROPS,
	[TCPOBS_REQQ_FULL_DROPS]	= LINUX_MIB_TCPREQQFULLDROP,
	[TCPOBS_REQQ_FULL_COOKIES]	= LINUX_MIB_TCPREQQFULLDOCOOKIES,
	[TCPOBS_SYNCOOKIES_SENT]	= LINUX_MIB_SYNCOOKIESSENT,
	[TCPOBS_SYNCOOKIES_RECV]	= LINUX_MIB_SYNCOOKIESRECV,
	[TCPOBS_SYNCOOKIES_FAILED]	= LINUX_MIB_SYNCOOKIESFAILED,
};

struct tcpobs_krp_data {
	struct sock *listener;
	unsigned long mib[TCPOBS_DROP_MAX];
	/* tcp_check_req: when the request's first SYN-ACK left, in ns. */
	u64 synack;
};

static DEFINE_PER_CPU(unsigned int, tcpobs_krp_depth);

/* The namespace's totals of the fields, summed over all CPUs. */
void tcpobs_listen_drops_mib(const struct net *net,
			     unsigned long val[TCPOBS_DROP_MAX])
{
	unsigned int i;

	for (i = 0; i < TCPOBS_DROP_MAX; i++)
		val[i] = tcpobs_mib_fold(net->mib.net_statistics,
					 tcpobs_drop_mib[i]);
}

/* The counters' base: what the kernel had counted when tcpobs began. */
static int tcpobs_listen_drops_net_init(struct net *net, struct tcpobs_net *tn)
{
	tcpobs_listen_drops_mib(net, tn->mib_base);
	return 0;
}

static void tcpobs_listen_drops_reset(struct net *net, struct tcpobs_net *tn)
{
	unsigned long mib[TCPOBS_DROP_MAX];
	unsigned int i;

	tcpobs_listen_drops_mib(net, mib);
	for (i = 0; i < TCPOBS_DROP_MAX; i++)
		WRITE_ONCE(tn->mib_base[i], mib[i]);
}

const struct tcpobs_net_feature tcpobs_listen_drops_feature = {
	.name = "listen_drops",
	.init = tcpobs_listen_drops_net_init,
	.reset = tcpobs_listen_drops_reset,
};

static void tcpobs_mib_snapshot(const struct sock *sk,
				unsigned long mib[TCPOBS_DROP_MAX])
{
	struct linux_mib __percpu *m = sock_net(sk)->mib.net_statistics;
	unsigned int i;

	for (i = 0; i < TCPOBS_DROP_MAX; i++)
		mib[i] = this_cpu_read(m->mibs[tcpobs_drop_mib[i]]);
}

static int tcpobs_krp_arm(struct kretprobe_instance *ri, struct sock *sk)
{
	struct tcpobs_krp_data *d = (struct tcpobs_krp_data *)ri->data;

	/*
	 * Exact only where nothing else can run on this CPU meanwhile. The
	 * socket is a listener by construction (these functions are given
	 * one), but it may be closing: a handshake completing on one CPU
	 * while another closes the listener finds it in CLOSE, with its port
	 * released, and the kernel counts a listen drop on it
	 * (__inet_inherit_port() fails). A TCP Fast Open child, which
	 * tcp_check_req() is also given, is never in either state.
	 */
	if (!in_softirq() || !sk ||
	    !((1 << READ_ONCE(sk->sk_state)) & (TCPF_LISTEN | TCPF_CLOSE)))
		return 1;
	if (this_cpu_inc_return(tcpobs_krp_depth) > 1) {
		this_cpu_dec(tcpobs_krp_depth);
		return 1;
	}
	d->listener = sk;
	tcpobs_mib_snapshot(sk, d->mib);
	return 0;
}

static int tcpobs_krp_entry_listener(struct kretprobe_instance *ri,
				     struct pt_regs *regs)
{
	return tcpobs_krp_arm(ri, (struct sock *)regs_get_kernel_argument(regs, 0));
}

static int tcpobs_krp_entry_check_req(struct kretprobe_instance *ri,
				      struct pt_regs *regs)
{
	struct tcpobs_krp_data *d = (struct tcpobs_krp_data *)ri->data;
	struct request_sock *req;
	int ret;

	ret = tcpobs_krp_arm(ri, (struct sock *)regs_get_kernel_argument(regs, 0));
	if (ret)
		return ret;
	req = (struct request_sock *)regs_get_kernel_argument(regs, 2);
	d->synack = req ? tcp_rsk(req)->snt_synack * NSEC_PER_USEC : 0;
	return 0;
}

static int tcpobs_krp_entry_reqsk(struct kretprobe_instance *ri,
				  struct pt_regs *regs)
{
	struct sock *req = (struct sock *)regs_get_kernel_argument(regs, 0);

	if (!req || READ_ONCE(req->sk_state) != TCP_NEW_SYN_RECV)
		return 1;
	return tcpobs_krp_arm(ri, inet_reqsk(req)->rsk_listener);
}

static int tcpobs_krp_return(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct tcpobs_krp_data *d = (struct tcpobs_krp_data *)ri->data;
	unsigned long now[TCPOBS_DROP_MAX];

	tcpobs_mib_snapshot(d->listener, now);
	tcpobs_mib_delta(now, d->mib);
	tcpobs_listener_account(d->listener, now);
	this_cpu_dec(tcpobs_krp_depth);
	return 0;
}

/* tcp_check_req's child: hand its handshake start to the lifecycle table. */
static int tcpobs_krp_return_check_req(struct kretprobe_instance *ri,
				       struct pt_regs *regs)
{
	struct tcpobs_krp_data *d = (struct tcpobs_krp_data *)ri->data;
	struct sock *child = (struct sock *)regs_return_value(regs);

	if (child && child != d->listener)
		tcpobs_sockets_handshake(child, d->synack);
	return tcpobs_krp_return(ri, regs);
}

#define TCPOBS_KRP(sym, entry, ret, f, out, opt) {		\
	.krp = {						\
		.kp.symbol_name = sym,				\
		.entry_handler = entry,				\
		.handler = ret,					\
		.data_size = sizeof(struct tcpobs_krp_data),	\
	},							\
	.feat = f,						\
	.built_out = out,					\
	.optional = opt,					\
}

static struct tcpobs_krp tcpobs_krps[] = {
	TCPOBS_KRP("tcp_v4_conn_request", tcpobs_krp_entry_listener,
		   tcpobs_krp_return, TCPOBS_FEAT_LISTEN_DROPS, false, false),
	TCPOBS_KRP("tcp_v6_conn_request", tcpobs_krp_entry_listener,
		   tcpobs_krp_return, TCPOBS_FEAT_LISTEN_DROPS,
		   !IS_ENABLED(CONFIG_IPV6), !IS_BUILTIN(CONFIG_IPV6)),
	TCPOBS_KRP("tcp_check_req", tcpobs_krp_entry_check_req,
		   tcpobs_krp_return_check_req, TCPOBS_FEAT_LISTEN_DROPS,
		   false, false),
	TCPOBS_KRP("cookie_v4_check", tcpobs_krp_entry_listener,
		   tcpobs_krp_return, TCPOBS_FEAT_SYN_COOKIES,
		   !IS_ENABLED(CONFIG_SYN_COOKIES), false),
	TCPOBS_KRP("cookie_v6_check", tcpobs_krp_entry_listener,
		   tcpobs_krp_return, TCPOBS_FEAT_SYN_COOKIES,
		   !IS_ENABLED(CONFIG_SYN_COOKIES) || !IS_ENABLED(CONFIG_IPV6),
		   !IS_BUILTIN(CONFIG_IPV6)),
	TCPOBS_KRP("tcp_req_err", tcpobs_krp_entry_reqsk,
		   tcpobs_krp_return, TCPOBS_FEAT_LISTEN_DROPS, false, false),
	TCPOBS_KRP("subflow_v4_conn_request", tcpobs_krp_entry_listener,
		   tcpobs_krp_return, TCPOBS_FEAT_MPTCP,
		   !IS_ENABLED(CONFIG_MPTCP), false),
	TCPOBS_KRP("subflow_v6_conn_request", tcpobs_krp_entry_listener,
		   tcpobs_krp_return, TCPOBS_FEAT_MPTCP,
		   !IS_ENABLED(CONFIG_MPTCP_IPV6), false),
};

static struct kretprobe *tcpobs_krp_ptrs[ARRAY_SIZE(tcpobs_krps)];
static unsigned int tcpobs_krp_nreg;

/*
 * Every target that can be probed is; one that cannot degrades its
 * feature (features.c) and the drops it would have attributed count as
 * unattributed. Never fails the load.
 */
int tcpobs_listen_drops_init(void)
{
	return tcpobs_krps_register(tcpobs_krps, ARRAY_SIZE(tcpobs_krps),
				    tcpobs_krp_ptrs, &tcpobs_krp_nreg);
}

void tcpobs_listen_drops_exit(void)
{
	/* Waits for running handlers to finish. */
	tcpobs_krps_unregister(tcpobs_krp_ptrs, tcpobs_krp_nreg);
}

/* Calls the kretprobes could not instrument: exactness needs this at 0. */
unsigned long tcpobs_listen_drops_missed(void)
{
	unsigned long missed = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tcpobs_krps); i++)
		missed += tcpobs_krps[i].krp.nmissed + tcpobs_krps[i].krp.kp.nmissed;
	return missed;
}
