// SPDX-License-Identifier: GPL-2.0
/*
 * The event stream: listen-drop events (per listener, rate-limited) and,
 * when asked for, state transitions, multicast on the "events" group of
 * the tcpobs generic netlink family in the namespace they happened in.
 *
 * Probes run in atomic context, sometimes with interrupts off, where
 * building and multicasting a netlink message is not safe. They write a
 * fixed-size record into a per-CPU ring (no allocation) and kick a work
 * item, which sends the records from process context. Every event
 * generated takes the namespace's next sequence number, whether it is
 * then sent or lost (ring full, no memory, a listener's socket overrun),
 * so a consumer sees each loss as a gap; the namespace counts
 * events_sent and events_lost, and events_seq == sent + lost once the
 * rings are drained.
 *
 * Off by default (TCPOBS_CMD_SET_OPTIONS turns it on per namespace), and
 * while nobody is subscribed a probe does one bitmap test and nothing
 * else.
 *
 * Where events go is not known here: the netlink layer registers a sink
 * (tcpobs_events_set_sink()) once its family is up and removes it before
 * the family goes. The sink is published with RCU for the probes, which
 * only ask whether anyone listens, and under tcpobs_ev_sink_lock for the
 * work item, which sends; removing it waits for both. Events still queued
 * when there is no sink (at unload, after the family is gone) are counted
 * lost.
 */
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include "events.h"
#include "netns.h"
#include "uapi/linux/tcpobs.h"

#define TCPOBS_EV_RING 128

/*
 * A CPU's ring: the per-CPU part is the lock and the indexes; the records
 * (TCPOBS_EV_RING of them, about 32 KiB) are allocated on the CPU's node,
 * apart from the per-CPU allocator, whose limit (PCPU_MIN_UNIT_SIZE) a
 * larger record would otherwise reach.
 */
struct tcpobs_ev_ring {
	spinlock_t lock;	/* head, tail, ev[] */
	unsigned int head;
	unsigned int tail;
	struct tcpobs_event *ev;
};

static struct tcpobs_ev_ring __percpu *tcpobs_ev_rings;
/* Set before the final drain at unload: nothing is queued after it. */
static bool tcpobs_ev_closed;
static struct tcpobs_event tcpobs_ev_scratch;
/* Written under tcpobs_ev_sink_lock; the work item sends under it too. */
static const struct tcpobs_event_sink __rcu *tcpobs_ev_sink;
static DEFINE_MUTEX(tcpobs_ev_sink_lock);

static void tcpobs_events_work(struct work_struct *work);
static DECLARE_WORK(tcpobs_ev_work, tcpobs_events_work);

/* Whether an event of kind @bit of @net would reach anyone. Any context. */
bool tcpobs_events_want(struct net *net, u32 bit)
{
	const struct tcpobs_event_sink *sink;
	struct tcpobs_pcpu __percpu *pcpu;
	struct tcpobs_net *tn;
	bool want = false;

	tn = tcpobs_net_counted(net, &pcpu);
	if (!tn || !(READ_ONCE(tn->events_mask) & bit))
		return false;
	rcu_read_lock();
	sink = rcu_dereference(tcpobs_ev_sink);
	if (sink)
		want = sink->has_listeners(net);
	rcu_read_unlock();
	return want;
}

/*
 * The netlink layer's sink, or NULL to remove it. Process context. Once it
 * returns, no probe is still asking the old sink and no event is being
 * sent through it.
 */
void tcpobs_events_set_sink(const struct tcpobs_event_sink *sink)
{
	mutex_lock(&tcpobs_ev_sink_lock);
	rcu_assign_pointer(tcpobs_ev_sink, sink);
	mutex_unlock(&tcpobs_ev_sink_lock);
	if (!sink)
		synchronize_rcu();
}

u64 tcpobs_events_interval_ns(struct net *net)
{
	return (u64)READ_ONCE(tcpobs_net(net)->events_interval_ms) * NSEC_PER_MSEC;
}

/*
 * Queues a copy of @tmpl (type and payload filled by the caller) as the
 * next event of @net on this CPU, or counts it lost. Any context.
 */
void tcpobs_event_queue(struct net *net, const struct tcpobs_event *tmpl)
{
	struct tcpobs_pcpu __percpu *pcpu;
	struct tcpobs_ev_ring *ring;
	struct tcpobs_event *ev;
	struct tcpobs_net *tn;
	unsigned long flags;
	u64 seq;

	tn = tcpobs_net_counted(net, &pcpu);
	if (!tn)
		return;
	seq = atomic64_inc_return(&tn->events_seq);
	if (READ_ONCE(tcpobs_ev_closed) || !maybe_get_net(net))
		goto lost;
	ring = get_cpu_ptr(tcpobs_ev_rings);
	spin_lock_irqsave(&ring->lock, flags);
	if (ring->head - ring->tail >= TCPOBS_EV_RING) {
		spin_unlock_irqrestore(&ring->lock, flags);
		put_cpu_ptr(tcpobs_ev_rings);
		put_net(net);
		goto lost;
	}
	ev = &ring->ev[ring->head % TCPOBS_EV_RING];
	*ev = *tmpl;
	ev->net = net;
	ev->seq = seq;
	ev->time = ktime_get_boottime_ns();
	ring->head++;
	spin_unlock_irqrestore(&ring->lock, flags);
	put_cpu_ptr(tcpobs_ev_rings);
	schedule_work(&tcpobs_ev_work);
	return;

lost:
	atomic64_inc(&tn->events_lost);
}

/* Takes the oldest record of @cpu's ring into @ev; false if empty. */
static bool tcpobs_ev_pop(int cpu, struct tcpobs_event *ev)
{
	struct tcpobs_ev_ring *ring = per_cpu_ptr(tcpobs_ev_rings, cpu);
	bool got = false;

	spin_lock_irq(&ring->lock);
	if (ring->tail != ring->head) {
		*ev = ring->ev[ring->tail % TCPOBS_EV_RING];
		ring->tail++;
		got = true;
	}
	spin_unlock_irq(&ring->lock);
	return got;
}

/*
 * Sends (or, with no sink, counts lost) at most @budget records of each
 * CPU's ring; true if a ring still held more. Process context, under
 * tcpobs_ev_sink_lock: the sink cannot go while it sends.
 */
static bool tcpobs_events_drain(unsigned int budget)
{
	struct tcpobs_event *ev = &tcpobs_ev_scratch;
	const struct tcpobs_event_sink *sink;
	bool more = false;
	int cpu;

	lockdep_assert_held(&tcpobs_ev_sink_lock);
	sink = rcu_dereference_protected(tcpobs_ev_sink,
					 lockdep_is_held(&tcpobs_ev_sink_lock));
	for_each_possible_cpu(cpu) {
		unsigned int n = 0;

		while (n < budget && tcpobs_ev_pop(cpu, ev)) {
			struct tcpobs_net *tn = tcpobs_net(ev->net);

			int err = sink ? sink->send(ev) : -ENODEV;

			if (err) {
				struct tcpobs_pcpu __percpu *pcpu;

				atomic64_inc(&tn->events_lost);
				/* (genl.c: -ENOMEM only when no message) */
				pcpu = READ_ONCE(tn->pcpu);
				if (err == -ENOMEM && pcpu)
					this_cpu_inc(pcpu->alloc_failed);
			} else {
				atomic64_inc(&tn->events_sent);
			}
			put_net(ev->net);
			n++;
			cond_resched();
		}
		more |= n == budget;
		cond_resched();
	}
	return more;
}

/*
 * The work item never runs concurrently with itself. Each run takes at
 * most a ring's worth per CPU and queues itself again if there is more:
 * probes that refill the rings as fast as it empties them (a flood of
 * state changes) would otherwise keep it running, and the sink's lock
 * held, for as long as the flood lasts, and unload waiting behind it.
 */
static void tcpobs_events_work(struct work_struct *work)
{
	bool more;

	mutex_lock(&tcpobs_ev_sink_lock);
	more = tcpobs_events_drain(TCPOBS_EV_RING);
	mutex_unlock(&tcpobs_ev_sink_lock);
	if (more)
		schedule_work(work);
}

int tcpobs_events_counters(struct net *net, struct tcpobs_emit *e)
{
	struct tcpobs_net *tn = tcpobs_net(net);

	tcpobs_emit(e, TCPOBS_A_STATS_EVENTS_SEQ, "", "events_seq", atomic64_read(&tn->events_seq));
	tcpobs_emit(e, TCPOBS_A_STATS_EVENTS_SENT, "", "events_sent",
		    atomic64_read(&tn->events_sent));
	tcpobs_emit(e, TCPOBS_A_STATS_EVENTS_LOST, "", "events_lost",
		    atomic64_read(&tn->events_lost));
	return e->err;
}

static int tcpobs_events_net_init(struct net *net, struct tcpobs_net *tn)
{
	tn->events_interval_ms = 100;
	return 0;
}

const struct tcpobs_net_feature tcpobs_events_feature = {
	.name = "events",
	.init = tcpobs_events_net_init,
};

static void tcpobs_ev_rings_free(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		kvfree(per_cpu_ptr(tcpobs_ev_rings, cpu)->ev);
	free_percpu(tcpobs_ev_rings);
	tcpobs_ev_rings = NULL;
}

int tcpobs_events_init(void)
{
	int cpu;

	/* Power of 2: head and tail wrap around without a jump in the slot. */
	BUILD_BUG_ON_NOT_POWER_OF_2(TCPOBS_EV_RING);
	BUILD_BUG_ON(sizeof(struct tcpobs_ev_ring) > PCPU_MIN_UNIT_SIZE);
	tcpobs_ev_rings = alloc_percpu(struct tcpobs_ev_ring);
	if (!tcpobs_ev_rings)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct tcpobs_ev_ring *ring = per_cpu_ptr(tcpobs_ev_rings, cpu);

		spin_lock_init(&ring->lock);
		ring->ev = kvmalloc_node(array_size(TCPOBS_EV_RING, sizeof(*ring->ev)),
					 GFP_KERNEL, cpu_to_node(cpu));
		if (!ring->ev) {
			tcpobs_ev_rings_free();
			return -ENOMEM;
		}
	}
	WRITE_ONCE(tcpobs_ev_closed, false);
	return 0;
}

/*
 * Every probe that queues events is detached and the sink is gone: what is
 * still queued is counted lost, each record's namespace reference dropped,
 * then the rings are freed.
 */
void tcpobs_events_exit(void)
{
	int cpu;

	/*
	 * Closed first, and every queuer that did not see it (they run in
	 * atomic context, an RCU read-side section) done: the rings can
	 * only empty from here on, so the drain below is final.
	 */
	WRITE_ONCE(tcpobs_ev_closed, true);
	synchronize_rcu();
	/* (cancel, not flush: the work item may queue itself again) */
	cancel_work_sync(&tcpobs_ev_work);
	mutex_lock(&tcpobs_ev_sink_lock);
	while (tcpobs_events_drain(TCPOBS_EV_RING))
		;
	mutex_unlock(&tcpobs_ev_sink_lock);
	for_each_possible_cpu(cpu) {
		struct tcpobs_ev_ring *ring = per_cpu_ptr(tcpobs_ev_rings, cpu);

		WARN_ON_ONCE(ring->head != ring->tail);
	}
	tcpobs_ev_rings_free();
}
