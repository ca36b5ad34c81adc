// SPDX-License-Identifier: GPL-2.0
/* A small streaming JSON writer. */
#include <inttypes.h>
#include <math.h>

#include "json.h"

void json_init(struct json *j, FILE *f, bool pretty)
{
	j->f = f;
	j->pretty = pretty;
	j->depth = 0;
	j->after_key = false;
	j->first[0] = true;
}

static void json_indent(struct json *j)
{
	int i;

	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Before a value or a key: the separator and indentation. */
static void json_pre(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth == 0)
		return;
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
	json_indent(j);
}

/* After a complete value: a newline ends a top-level one. */
static void json_post(struct json *j)
{
	if (j->depth == 0)
		fputc('\n', j->f);
}

static void json_open(struct json *j, char c)
{
	json_pre(j);
	fputc(c, j->f);
	if (j->depth < JSON_MAX_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

static void json_close(struct json *j, char c)
{
	bool empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (!empty)
		json_indent(j);
	fputc(c, j->f);
	json_post(j);
}

void json_obj_begin(struct json *j)
{
	json_open(j, '{');
}

void json_obj_end(struct json *j)
{
	json_close(j, '}');
}

void json_arr_begin(struct json *j)
{
	json_open(j, '[');
}

void json_arr_end(struct json *j)
{
	json_close(j, ']');
}

void json_escape(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; p && *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

void json_key(struct json *j, const char *key)
{
	json_pre(j);
	json_escape(j->f, key);
	fputs(j->pretty ? ": " : ":", j->f);
	j->after_key = true;
}

void json_str(struct json *j, const char *s)
{
	json_pre(j);
	json_escape(j->f, s);
	json_post(j);
}

void json_u64(struct json *j, uint64_t v)
{
	json_pre(j);
	fprintf(j->f, "%" PRIu64, v);
	json_post(j);
}

void json_i64(struct json *j, int64_t v)
{
	json_pre(j);
	fprintf(j->f, "%" PRId64, v);
	json_post(j);
}

void json_double(struct json *j, double v, int decimals)
{
	json_pre(j);
	if (isfinite(v))
		fprintf(j->f, "%.*f", decimals, v);
	else
		fputs("null", j->f);
	json_post(j);
}

void json_bool(struct json *j, bool v)
{
	json_pre(j);
	fputs(v ? "true" : "false", j->f);
	json_post(j);
}

void json_null(struct json *j)
{
	json_pre(j);
	fputs("null", j->f);
	json_post(j);
}

void json_raw(struct json *j, const char *num)
{
	json_pre(j);
	fputs(num, j->f);
	json_post(j);
}
