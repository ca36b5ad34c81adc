// SPDX-License-Identifier: GPL-2.0
/*
 * One output path for text and JSON: JSON through the writer of json.c,
 * text as aligned tables (table.c) and free text.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "fmt.h"
#include "json.h"
#include "print.h"
#include "table.h"
#include "util.h"

static struct {
	FILE *f;
	bool json;
	bool no_header;
	struct json j;
	/* Text: the table in progress (no columns: none) and its row. */
	struct table t;
	bool in_row;
	bool titles_only;	/* the row gives the column titles only */
	char **titles, **cells;
	size_t ncells, cap;
} out;

bool is_json_context(void)
{
	return out.json;
}

/* --- text ------------------------------------------------------------------------ */

static void row_free(void)
{
	size_t i;

	for (i = 0; i < out.ncells; i++) {
		free(out.titles[i]);
		free(out.cells[i]);
	}
	free(out.titles);
	free(out.cells);
	out.titles = NULL;
	out.cells = NULL;
	out.ncells = 0;
	out.cap = 0;
}

static void table_flush(void)
{
	if (out.t.ncols)
		table_print(&out.t, out.f, out.no_header);
	table_free(&out.t);
}

/* A value printed as text: @s (taken), a cell in a row, else free text. */
static void text_put(const char *key, char *s)
{
	if (!out.in_row) {
		table_flush();
		fputs(s, out.f);
		free(s);
		return;
	}
	if (out.ncells == out.cap) {
		out.cap = out.cap ? 2 * out.cap : 16;
		out.titles = xrealloc(out.titles, out.cap * sizeof(*out.titles));
		out.cells = xrealloc(out.cells, out.cap * sizeof(*out.cells));
	}
	out.titles[out.ncells] = xstrdup(key ? key : "");
	out.cells[out.ncells++] = s;
}

static void text_value(const char *key, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void text_value(const char *key, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	va_end(ap);
	text_put(key, s);
}

/* The row's cells to the table; the first row gives the columns. */
static void row_end(void)
{
	size_t i;

	if (!out.t.ncols) {
		table_init_cols(&out.t, out.ncells);
		for (i = 0; i < out.ncells; i++)
			table_cell(&out.t, "%s", out.titles[i]);
	}
	for (i = 0; !out.titles_only && i < out.t.ncols; i++)
		table_cell(&out.t, "%s", i < out.ncells ? out.cells[i] : "");
	row_free();
	out.in_row = false;
}

void new_json_obj(FILE *f, bool json, bool pretty, bool no_header)
{
	table_free(&out.t);
	row_free();
	out.f = f;
	out.json = json;
	out.no_header = no_header;
	json_init(&out.j, f, pretty);
	out.in_row = false;
	out.titles_only = false;
}

void delete_json_obj(void)
{
	if (out.json)
		return;
	if (out.in_row)
		row_end();
	table_flush();
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (out.json)
		return;
	table_flush();
	va_start(ap, fmt);
	vfprintf(out.f, fmt, ap);
	va_end(ap);
}

void print_nl(void)
{
	print_text("\n");
}

/* --- JSON, and where a value goes ----------------------------------------------------- */

/* True if @type goes to the JSON: its key is written. */
static bool to_json(enum output_type type, const char *key)
{
	if (!out.json || !(type & PRINT_JSON))
		return false;
	if (key)
		json_key(&out.j, key);
	return true;
}

static bool to_text(enum output_type type)
{
	return !out.json && (type & PRINT_FP);
}

void open_json_object(const char *key)
{
	if (to_json(PRINT_JSON, key))
		json_obj_begin(&out.j);
}

void close_json_object(void)
{
	if (out.json)
		json_obj_end(&out.j);
}

void open_json_array(const char *key)
{
	if (to_json(PRINT_JSON, key))
		json_arr_begin(&out.j);
}

void close_json_array(void)
{
	if (out.json)
		json_arr_end(&out.j);
}

void open_row(enum output_type type, const char *key)
{
	if (to_json(type, key))
		json_obj_begin(&out.j);
	else if (to_text(type))
		out.in_row = true;
}

void close_row(enum output_type type)
{
	if (out.json && (type & PRINT_JSON))
		json_obj_end(&out.j);
	else if (to_text(type) && out.in_row)
		row_end();
}

void print_rows(enum output_type type, const void *items, size_t n, size_t size,
		void (*row)(const void *item, const void *ctx), const void *ctx)
{
	const char *item = items;
	void *blank;
	size_t i;

	for (i = 0; i < n; i++, item += size) {
		open_row(type, NULL);
		row(item, ctx);
		close_row(type);
	}
	if (n || !to_text(type) || out.t.ncols)
		return;
	/* No rows: the column titles of a blank one, for the header. */
	blank = xcalloc(1, size);
	out.titles_only = true;
	open_row(PRINT_FP, NULL);
	row(blank, ctx);
	close_row(PRINT_FP);
	out.titles_only = false;
	free(blank);
}

/* --- values ---------------------------------------------------------------------------- */

void print_string(enum output_type type, const char *key, const char *fmt,
		  const char *value)
{
	if (to_json(type, key))
		json_str(&out.j, value);
	else if (to_text(type))
		text_value(key, fmt ? fmt : "%s", value);
}

void print_u64(enum output_type type, const char *key, const char *fmt,
	       uint64_t value)
{
	if (to_json(type, key))
		json_u64(&out.j, value);
	else if (to_text(type))
		text_value(key, fmt ? fmt : "%llu", (unsigned long long)value);
}

void print_s64(enum output_type type, const char *key, const char *fmt,
	       int64_t value)
{
	if (to_json(type, key))
		json_i64(&out.j, value);
	else if (to_text(type))
		text_value(key, fmt ? fmt : "%lld", (long long)value);
}

void print_bool(enum output_type type, const char *key, const char *fmt,
		bool value)
{
	if (to_json(type, key))
		json_bool(&out.j, value);
	else if (to_text(type))
		text_value(key, fmt ? fmt : "%s", value ? "true" : "false");
}

void print_null(enum output_type type, const char *key, const char *fmt,
		const char *value)
{
	if (to_json(type, key))
		json_null(&out.j);
	else if (to_text(type))
		text_value(key, fmt ? fmt : "%s", value ? value : "");
}

void print_secs(enum output_type type, const char *key, const char *fmt,
		uint64_t ns)
{
	char buf[32];

	fmt_secs3(buf, sizeof(buf), ns);
	if (to_json(type, key))
		json_raw(&out.j, buf);
	else if (to_text(type))
		text_value(key, fmt ? fmt : "%s", buf);
}

void print_float(enum output_type type, const char *key, int decimals,
		 double value)
{
	if (to_json(type, key))
		json_double(&out.j, value, decimals);
	else if (to_text(type))
		text_value(key, "%.*f", decimals, value);
}
