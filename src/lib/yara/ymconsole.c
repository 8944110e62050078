/*
 * ymconsole.c -- YARA's console module: log() and hex() hand a line to
 * the scan's log callback (vigil yara prints it, as yara does) and are
 * true. A string's bytes that do not print are written \xNN.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "yara/ymodules.h"

/* Longest line handed over; longer text is cut. */
#define CONSOLE_MAX_LINE 4096

static void put_text(char *line, size_t *at, const struct ym_val *v)
{
	uint32_t i;

	for (i = 0; i < v->n && *at + 5 < CONSOLE_MAX_LINE; i++) {
		unsigned char ch = (unsigned char)v->u.s[i];

		if (isprint(ch))
			line[(*at)++] = (char)ch;
		else
			*at += (size_t)snprintf(line + *at, 5, "\\x%02x", ch);
	}
	line[*at] = 0;
}

static struct ym_val say(struct ym_call *c, int hex)
{
	const struct ym_val *v = &c->arg[c->nargs - 1];
	char line[CONSOLE_MAX_LINE];
	size_t at = 0;

	line[0] = 0;
	if (c->nargs == 2)
		put_text(line, &at, &c->arg[0]);
	if (v->type == YM_STR)
		put_text(line, &at, v);
	else if (v->type == YM_FLOAT)
		snprintf(line + at, sizeof(line) - at, "%f", v->u.f);
	else
		snprintf(line + at, sizeof(line) - at,
			 hex ? "0x%" PRIx64 : "%" PRId64, v->u.i);
	if (c->scan->log)
		c->scan->log(c->scan->log_ctx, line, strlen(line));
	return ym_vint(1);
}

static struct ym_val log_value(struct ym_call *c)
{
	return say(c, 0);
}

static struct ym_val hex_value(struct ym_call *c)
{
	return say(c, 1);
}

static const struct ym_decl console_members[] = {
	YM_DFN("log", "s", 'i', log_value),
	YM_DFN("log", "ss", 'i', log_value),
	YM_DFN("log", "i", 'i', log_value),
	YM_DFN("log", "si", 'i', log_value),
	YM_DFN("log", "f", 'i', log_value),
	YM_DFN("log", "sf", 'i', log_value),
	YM_DFN("hex", "i", 'i', hex_value),
	YM_DFN("hex", "si", 'i', hex_value),
};

static const struct ym_decl console_root =
	YM_DSTRUCT("console", console_members);

const struct ym_module ym_console = { "console", &console_root, NULL, NULL };
