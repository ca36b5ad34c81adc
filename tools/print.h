/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One output path for text and JSON, after iproute2's json_print.h: a
 * command describes its output once, each value with a print_*() call
 * saying where it goes: PRINT_FP to the text, PRINT_JSON to the JSON,
 * PRINT_ANY to both (0: nowhere). Where text and JSON differ (a column
 * titled otherwise than the key, a value written otherwise), a PRINT_FP
 * call and a PRINT_JSON call say each.
 *
 * JSON: @key names the member (NULL for an element of an array), and the
 * value is written as its type says; @fmt is not used.
 *
 * Text is aligned tables and free text. Between open_row() and close_row(),
 * a value is a cell of the current table, in the column titled @key,
 * formatted with @fmt (NULL: the value alone); the first row gives the
 * columns, and every row has the same. A table is printed (columns padded
 * to their widest cell, one space apart, its header line first unless
 * no_header) once free text follows it or the output ends. Outside a row, a
 * value is free text: @fmt printed with it, as is.
 */
#ifndef TCPOBS_PRINT_H
#define TCPOBS_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum output_type {
	PRINT_FP = 1,
	PRINT_JSON = 2,
	PRINT_ANY = PRINT_FP | PRINT_JSON,
};

/*
 * Starts an output on @f: JSON if @json (indented by two spaces if
 * @pretty), each top-level value followed by a newline; else text, its
 * tables without their header line if @no_header.
 */
void new_json_obj(FILE *f, bool json, bool pretty, bool no_header);
/* Ends it, printing the table in progress. */
void delete_json_obj(void);
bool is_json_context(void);

/* JSON objects and arrays, named @key inside an object; nothing in text. */
void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(const char *key);
void close_json_array(void);

/*
 * A row: with PRINT_FP, a row of the current table in text; with
 * PRINT_JSON, an object (named @key inside an object) in JSON.
 */
void open_row(enum output_type type, const char *key);
void close_row(enum output_type type);

/*
 * @n rows, one per item of @size bytes at @items, described by
 * @row(item, @ctx) between open_row(@type, NULL) and close_row(@type).
 * Without rows, a text table still gets its header: @row describes a
 * zeroed item, for the column titles only.
 */
void print_rows(enum output_type type, const void *items, size_t n, size_t size,
		void (*row)(const void *item, const void *ctx), const void *ctx);

/* A JSON string; text: @fmt converts a string. */
void print_string(enum output_type type, const char *key, const char *fmt,
		  const char *value);
/* A JSON number; text: @fmt converts an unsigned long long (%llu). */
void print_u64(enum output_type type, const char *key, const char *fmt,
	       uint64_t value);
/* A JSON number; text: @fmt converts a long long (%lld). */
void print_s64(enum output_type type, const char *key, const char *fmt,
	       int64_t value);
/* true or false; text: @fmt converts the string "true" or "false". */
void print_bool(enum output_type type, const char *key, const char *fmt,
		bool value);
/* JSON null; text: @fmt converts the string @value (NULL: ""). */
void print_null(enum output_type type, const char *key, const char *fmt,
		const char *value);
/*
 * Nanoseconds as seconds with three decimals, truncated (fmt_secs3()): a
 * JSON number; text: @fmt converts that string.
 */
void print_secs(enum output_type type, const char *key, const char *fmt,
		uint64_t ns);
/* @value with @decimals decimals, in both (JSON null if not finite). */
void print_float(enum output_type type, const char *key, int decimals,
		 double value);

/* Text only: free text, as printf(3). */
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Text only: a newline (between tables: a blank line). */
void print_nl(void);

#endif
