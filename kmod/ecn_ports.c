// SPDX-License-Identifier: GPL-2.0
/*
 * ECN per service port: the counts of tracked sockets that were destroyed,
 * one row per service port of a namespace (the local port of a passive
 * socket, the peer port of an active one), at most max_ecn_ports rows,
 * then the "other" row. Fed by sockets.c's destroy probe; read by ecn.c,
 * which adds the live sockets.
 */
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "ecn_ports.h"

static unsigned int max_ecn_ports = 1024;
module_param(max_ecn_ports, uint, 0444);
MODULE_PARM_DESC(max_ecn_ports, "Most service ports with ECN rows in a namespace (default 1024)");

#define TCPOBS_ECN_PORT_BUCKETS 64

struct tcpobs_ecn_port {
	struct hlist_node node;
	struct tcpobs_ecn_row row;
};

unsigned int tcpobs_ecn_ports_max(void)
{
	return READ_ONCE(max_ecn_ports);
}

unsigned int tcpobs_ecn_ports_count(struct tcpobs_net *tn)
{
	return READ_ONCE(tn->ecn_nports);
}

void tcpobs_ecn_row_add(struct tcpobs_ecn_row *r, bool ecn,
			const struct tcpobs_sk_ecn *x, u32 delivered_ce)
{
	unsigned int i;

	r->sockets++;
	r->negotiated += ecn;
	for (i = 0; i < 4; i++)
		r->in[i] += atomic64_read(&x->in[i]);
	r->ece_in += atomic64_read(&x->ece_in);
	r->ece_out += atomic64_read(&x->ece_out);
	r->cwr_in += atomic64_read(&x->cwr_in);
	r->cwr_out += atomic64_read(&x->cwr_out);
	r->delivered_ce += delivered_ce;
}

/*
 * sockets.c's destroy probe: a tracked socket is destroyed; keep its
 * counts in its service's row (or in the "other" row when there are too
 * many).
 */
void tcpobs_ecn_closed(struct tcpobs_net *tn, u16 port, bool passive, bool ecn,
		       const struct tcpobs_sk_ecn *x, u32 delivered_ce)
{
	u32 key = tcpobs_ecn_key(port, passive);
	struct hlist_head *b = &tn->ecn_ports[hash_32(key, ilog2(TCPOBS_ECN_PORT_BUCKETS))];
	struct tcpobs_pcpu __percpu *pcpu;
	struct tcpobs_ecn_port *p;
	unsigned long flags;

	spin_lock_irqsave(&tn->ecn_lock, flags);
	hlist_for_each_entry(p, b, node)
		if (tcpobs_ecn_key(p->row.port, p->row.passive) == key)
			goto found;
	if (tn->ecn_nports < max_ecn_ports) {
		p = kzalloc(sizeof(*p), GFP_ATOMIC);
		if (p) {
			p->row.port = port;
			p->row.passive = passive;
			hlist_add_head(&p->node, b);
			tn->ecn_nports++;
			goto found;
		}
		/* Into "other", and counted: the service's row is missing. */
		pcpu = READ_ONCE(tn->pcpu);
		if (pcpu)
			this_cpu_inc(pcpu->alloc_failed);
	}
	tcpobs_ecn_row_add(&tn->ecn_other, ecn, x, delivered_ce);
	spin_unlock_irqrestore(&tn->ecn_lock, flags);
	return;
found:
	tcpobs_ecn_row_add(&p->row, ecn, x, delivered_ce);
	spin_unlock_irqrestore(&tn->ecn_lock, flags);
}

/*
 * Calls @fn for each row of @tn's closed sockets, then for the "other"
 * row (@other true), under the rows' lock: @fn must not sleep.
 */
void tcpobs_ecn_ports_read(struct tcpobs_net *tn,
			   void (*fn)(void *arg, const struct tcpobs_ecn_row *r,
				      bool other),
			   void *arg)
{
	struct tcpobs_ecn_port *p;
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&tn->ecn_lock, flags);
	for (i = 0; i < ARRAY_SIZE(tn->ecn_ports); i++)
		hlist_for_each_entry(p, &tn->ecn_ports[i], node)
			fn(arg, &p->row, false);
	fn(arg, &tn->ecn_other, true);
	spin_unlock_irqrestore(&tn->ecn_lock, flags);
}

static int tcpobs_ecn_ports_net_init(struct net *net, struct tcpobs_net *tn)
{
	spin_lock_init(&tn->ecn_lock);
	return 0;
}

/* The closed sockets' rows go; live sockets keep their own counts. */
static void tcpobs_ecn_ports_reset(struct net *net, struct tcpobs_net *tn)
{
	struct tcpobs_ecn_port *p;
	struct hlist_node *tmp;
	unsigned long flags;
	HLIST_HEAD(dead);
	unsigned int i;

	spin_lock_irqsave(&tn->ecn_lock, flags);
	for (i = 0; i < ARRAY_SIZE(tn->ecn_ports); i++) {
		hlist_for_each_entry_safe(p, tmp, &tn->ecn_ports[i], node) {
			hlist_del(&p->node);
			hlist_add_head(&p->node, &dead);
		}
	}
	tn->ecn_nports = 0;
	memset(&tn->ecn_other, 0, sizeof(tn->ecn_other));
	spin_unlock_irqrestore(&tn->ecn_lock, flags);
	hlist_for_each_entry_safe(p, tmp, &dead, node)
		kfree(p);
}

/* After an RCU grace period: nothing reaches the rows any more. */
static void tcpobs_ecn_ports_net_free(struct tcpobs_net *tn)
{
	struct tcpobs_ecn_port *p;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tn->ecn_ports); i++) {
		hlist_for_each_entry_safe(p, tmp, &tn->ecn_ports[i], node) {
			hlist_del(&p->node);
			kfree(p);
		}
	}
	tn->ecn_nports = 0;
}

const struct tcpobs_net_feature tcpobs_ecn_ports_feature = {
	.name = "ecn_ports",
	.init = tcpobs_ecn_ports_net_init,
	.free = tcpobs_ecn_ports_net_free,
	.reset = tcpobs_ecn_ports_reset,
};
