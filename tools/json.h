/* SPDX-License-Identifier: GPL-2.0 */
/* A small streaming JSON writer. */
#ifndef TCPOBS_JSON_H
#define TCPOBS_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	bool pretty;
	int depth;
	bool after_key;
	bool first[JSON_MAX_DEPTH + 1];
};

/*
 * Writes one top-level value after another to @f, each followed by a
 * newline; @pretty indents by two spaces.
 */
void json_init(struct json *j, FILE *f, bool pretty);

void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
/* @v with @decimals decimals; null if not finite. */
void json_double(struct json *j, double v, int decimals);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* A number already formatted (e.g. by fmt_secs3()). */
void json_raw(struct json *j, const char *num);

/* @s as a JSON string, quotes included. */
void json_escape(FILE *f, const char *s);

#endif
