/* SPDX-License-Identifier: GPL-2.0 */
/* watch: the lines it prints (exposed for the unit tests). */
#ifndef TCPOBS_WATCH_H
#define TCPOBS_WATCH_H

#include <stdint.h>

#include "msg.h"

/* One event: "seq S listen-drop ...", "seq S state ...", or JSON. */
void watch_print_event_text(const struct event *ev);
void watch_print_event_json(const struct event *ev);
/* "gap: K events lost (seq A..B)" or {"gap":K,"from":A,"to":B}. */
void watch_report_gap(uint64_t from, uint64_t to, void *arg);

#endif
