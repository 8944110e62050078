/*
 * phishscan.c -- the phishing check of one link, in the order ClamAV's
 * documentation and engine give it: a real URL that is no URL, a link
 * that shows what it is, or a displayed text that is no URL are clean; a
 * pair the allow list (.wdb: X on "real:displayed/", Y on "real/", M on
 * "realhost:displayedhost/") names is clean; a displayed host the domain
 * list (.pdb: R on "real:displayed/", H on "displayedhost/") names is
 * checked: an image link only if images are, a real URL hiding a NUL
 * byte is Cloaked.Null, a displayed https link to a plain http one is
 * SSL-Spoof, and different registered domains are SpoofedDomain. For a
 * host the list does not name, only the SSL and cloaking checks the scan
 * asks for (--alert-phishing-ssl, --alert-phishing-cloak) run. Before
 * all of this, a real URL whose hash a .gdb lists is named by its list.
 */
#include "core/phishscan.h"

#include <regex.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/engine_int.h"
#include "core/gsb.h"
#include "core/scanner_int.h"
#include "core/url.h"
#include "formats/web/links.h"

#define CHECK_SSL 0x1
#define CHECK_CLOAK 0x2
#define CHECK_IMG 0x4
#define CHECK_ALL (CHECK_SSL | CHECK_CLOAK | CHECK_IMG)
/* What two URLs and a colon and a slash need. */
#define PAIR_BYTES (2 * URL_MAX_BYTES + 3)

/* A host pattern (H, M) names the end of buf: the whole of it, or after
 * a '.' (a subdomain) or a space. */
static int host_match(const char *pat, const char *buf)
{
	size_t pl = strlen(pat), bl = strlen(buf);

	if (pl > bl || strcasecmp(buf + bl - pl, pat))
		return 0;
	return pl == bl || buf[bl - pl - 1] == '.' || buf[bl - pl - 1] == ' ';
}

/* A regex line on buf: its literal tail first, then the regex. */
static int regex_match(const struct phish_rx *rx, const char *buf)
{
	size_t bl = strlen(buf), n = rx->suffix_len;

	if (n && (bl < n ||
		  (rx->icase ? strncasecmp(buf + bl - n, rx->suffix, n) :
			       memcmp(buf + bl - n, rx->suffix, n))))
		return 0;
	return !regexec(&rx->re, buf, 0, NULL, 0);
}

/* 1 if a line of the allow list (allow) or the domain list matches buf. */
static int listed(const struct vigil_engine *e, int allow, const char *buf)
{
	size_t i, j;

	for (i = 0; i < e->nshards; i++) {
		const struct shard *s = &e->shards[i];

		for (j = 0; j < s->v.nphish; j++) {
			const struct vdb_phish *f = &s->v.phish[j];

			if (!f->kind || !strchr(allow ? "XYM" : "RH", f->kind))
				continue;
			if (f->kind == 'H' || f->kind == 'M' ?
				    host_match(vdb_str(&s->v, f->pattern), buf) :
				    regex_match(&s->phish_rx[j], buf))
				return 1;
		}
	}
	return 0;
}

static int list2(const struct vigil_engine *e, int allow, const char *a,
		 const char *b)
{
	char buf[PAIR_BYTES];

	if (b)
		snprintf(buf, sizeof(buf), "%s:%s/", a, b);
	else
		snprintf(buf, sizeof(buf), "%s/", a);
	return listed(e, allow, buf);
}

struct link {
	char real[URL_MAX_BYTES + 1], display[URL_MAX_BYTES + 1];
	char rhost[URL_MAX_BYTES + 1], dhost[URL_MAX_BYTES + 1];
	unsigned flags, always;
	int image;
};

/* The hosts of both; 0, or 1 when the link is clean for lack of one. */
static int hosts(struct link *l)
{
	int dmail, rmail;

	if (url_host(l->display, 0, 0, l->dhost, sizeof(l->dhost), &dmail) ||
	    url_host(l->real, 1, 0, l->rhost, sizeof(l->rhost), &rmail))
		return 1;
	return rmail || !*l->rhost || strstr(l->rhost, "..") ||
	       strchr(l->rhost, ' ') || strchr(l->dhost, ' ');
}

/* After cleanup: the verdict's name, or NULL. */
static const char *judge(const struct vigil_engine *e, struct link *l)
{
	int on_list;

	if (!url_is_url(l->display, 1) || list2(e, 1, l->real, l->display) ||
	    list2(e, 1, l->real, NULL))
		return NULL;
	on_list = list2(e, 0, l->real, l->display);
	if (hosts(l) || !strcmp(l->real, l->display) ||
	    list2(e, 1, l->rhost, l->dhost))
		return NULL;
	if (list2(e, 0, l->dhost, NULL))
		on_list = 1;
	else
		l->flags &= l->always;
	if (l->image && !(l->flags & CHECK_IMG))
		return NULL;
	if ((l->flags & CHECK_CLOAK) && strchr(l->real, 0x1))
		return "Heuristics.Phishing.Email.Cloaked.Null";
	if ((l->flags & CHECK_SSL) && !strncmp(l->display, "https:", 6) &&
	    strncmp(l->real, "https:", 6))
		return "Heuristics.Phishing.Email.SSL-Spoof";
	if (!on_list || !strcmp(url_domain(l->rhost), url_domain(l->dhost)))
		return NULL;
	return "Heuristics.Phishing.Email.SpoofedDomain";
}

static int on_link(void *ctx, const char *tag, const char *value,
		   const char *contents)
{
	struct vigil_scanner *s = ctx;
	int href = !strcmp(tag, "href");
	const char *real = href ? value : contents;
	const char *shown = href ? contents : value;
	const char *name;
	struct link l;

	l.flags = href ? CHECK_ALL : CHECK_ALL & ~CHECK_SSL;
	l.always = ((s->opts.flags & VIGIL_SCAN_ALERT_PHISHING_SSL) ?
			    CHECK_SSL : 0) |
		   ((s->opts.flags & VIGIL_SCAN_ALERT_PHISHING_CLOAK) ?
			    CHECK_CLOAK : 0);
	l.image = !strcmp(tag, "src");
	if (!real)
		return 0;
	snprintf(l.real, sizeof(l.real), "%s", real);
	snprintf(l.display, sizeof(l.display), "%s", shown ? shown : "");
	if (!url_is_url(l.real, 0))
		return 0;
	if ((name = gsb_check(s->e, l.real)))
		goto found;
	if (!*l.display || !strcmp(l.real, l.display) ||
	    !url_cleanup(l.real, 1) || !url_cleanup(l.display, 0) ||
	    !strcmp(l.real, l.display))
		return 0;
	if (!(name = judge(s->e, &l)))
		return 0;
found:
	scanner_warn(s, "suspicious link: real %s, displayed %s", l.real,
		     l.display);
	return scanner_heuristic(s, name);
}

int phishscan_run(struct vigil_scanner *s, const uint8_t *buf, size_t len)
{
	if (!s->e->has_phish)
		return 0;
	return links_extract(buf, len, on_link, s);
}
