/*
 * phishre.c -- the phishing lists' regexes, compiled once per shard:
 * anchored at both ends (the manual's "^...$") and each with the literal
 * text any match must end with, taken from the regex's tail (ClamAV's
 * manual asks that the last three characters be literal), so that most
 * lines are passed over with a string compare before regexec.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine_int.h"
#include "core/phishscan.h"
#include "db/phishdb.h"

#define PHISH_ANCHORED_BYTES (PHISH_MAX_PATTERN_BYTES + 8)

/* 1 if the regex has a '|' outside every group: then no one tail. */
static int top_alternation(const char *re)
{
	int depth = 0;

	for (; *re; re++) {
		if (*re == '\\' && re[1])
			re++;
		else if (*re == '(')
			depth++;
		else if (*re == ')')
			depth--;
		else if (*re == '|' && depth <= 0)
			return 1;
	}
	return 0;
}

/* The literal tail of re into rx->suffix (reversed back into order). */
static void literal_tail(const char *re, struct phish_rx *rx)
{
	char rev[PHISH_SUFFIX_BYTES];
	size_t n = 0, j = strlen(re);

	rx->suffix_len = 0;
	if (top_alternation(re))
		return;
	while (j > 0 && n < sizeof(rev)) {
		char ch = re[j - 1];
		int escaped = j >= 2 && re[j - 2] == '\\';

		if (escaped && j >= 3 && re[j - 3] == '\\')
			break; /* "\\x": leave it alone */
		if (!escaped && strchr(".[]()|*+?{}^$\\", ch))
			break;
		if (escaped && strchr("wWsSdDbB<>`'123456789", ch))
			break; /* GNU classes, anchors, back-references */
		rev[n++] = ch;
		j -= escaped ? 2 : 1;
	}
	for (j = 0; j < n; j++)
		rx->suffix[j] = rev[n - 1 - j];
	rx->suffix_len = (uint8_t)n;
}

int phishscan_prepare(struct shard *s)
{
	const struct vdb_view *v = &s->v;
	size_t i;

	if (!v->nphish)
		return 0;
	if (!(s->phish_rx = calloc(v->nphish, sizeof(*s->phish_rx))))
		return VIGIL_ENOMEM;
	for (i = 0; i < v->nphish; i++) {
		const struct vdb_phish *f = &v->phish[i];
		struct phish_rx *rx = &s->phish_rx[i];
		char anchored[PHISH_ANCHORED_BYTES];
		const char *re;
		int icase, rc = 0;

		if (f->kind == 'R' || f->kind == 'X' || f->kind == 'Y') {
			re = phishdb_regex(vdb_str(v, f->pattern), &icase);
			snprintf(anchored, sizeof(anchored), "^(%s)$", re);
			literal_tail(re, rx);
			rx->icase = f->icase;
			rc = regcomp(&rx->re, anchored,
				     REG_EXTENDED | REG_NOSUB |
					     (f->icase ? REG_ICASE : 0));
		}
		if (rc)
			return rc == REG_ESPACE ? VIGIL_ENOMEM : VIGIL_EFORMAT;
		s->nphish_rx++;
	}
	return 0;
}

void phishscan_release(struct shard *s)
{
	size_t i;

	for (i = 0; i < s->nphish_rx; i++) {
		uint8_t k = s->v.phish[i].kind;

		if (k == 'R' || k == 'X' || k == 'Y')
			regfree(&s->phish_rx[i].re);
	}
	free(s->phish_rx);
	s->phish_rx = NULL;
	s->nphish_rx = 0;
}
