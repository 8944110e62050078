/*
 * bird.c -- see bird.h. BIRD's control protocol: a greeting line, then
 * per command reply lines "NNNN-text" (more follow) and a last one
 * "NNNN text"; codes 0xxx are success, 8xxx and 9xxx errors.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "bird.h"
#include "common/reader.h"
#include "common/textbuf.h"

static void put_addr(struct textbuf *t, uint8_t family, const uint8_t *addr,
		     unsigned len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, a, sizeof(a));
	textbuf_printf(t, "%s/%u", a, len);
}

static void put_range(struct textbuf *t, const char *what, unsigned lo,
		      unsigned hi)
{
	if (!lo && !hi)
		return;
	if (lo == hi)
		textbuf_printf(t, " %s = %u;", what, lo);
	else
		textbuf_printf(t, " %s >= %u && <= %u;", what, lo, hi);
}

/* route flow4 { dst 192.0.2.1/32; proto = 17; sport = 123; } { ... }; */
static void put_flow(struct textbuf *t, const struct shield_rule *r,
		     int rate_limit)
{
	uint32_t bits = 0, action = 0x80060000; /* traffic-rate-bytes 0 */
	float rate = (float)r->rate_pps;

	textbuf_printf(t, "  route flow%c {", r->family == 4 ? '4' : '6');
	if (r->dst_len) {
		textbuf_printf(t, " dst ");
		put_addr(t, r->family, r->dst, r->dst_len);
		textbuf_printf(t, ";");
	}
	if (r->src_len) {
		textbuf_printf(t, " src ");
		put_addr(t, r->family, r->src, r->src_len);
		textbuf_printf(t, ";");
	}
	if (r->proto)
		textbuf_printf(t, " %s = %u;", r->family == 4 ? "proto" : "next header",
		    r->proto);
	put_range(t, "sport", r->sport_lo, r->sport_hi);
	put_range(t, "dport", r->dport_lo, r->dport_hi);
	put_range(t, "length", r->len_lo, r->len_hi);
	if (r->tcp_flags_mask)
		textbuf_printf(t, " tcp flags 0x%x/0x%x;", r->tcp_flags_value,
		    r->tcp_flags_mask);
	if (r->fragment)
		textbuf_printf(t, " fragment %sis_fragment;", r->fragment == 2 ? "!" : "");
	if (rate_limit && r->action == SHIELD_RATE) {
		action = 0x800c0000; /* traffic-rate-packets (RFC 8955) */
		memcpy(&bits, &rate, 4);
	}
	textbuf_printf(t, " } { bgp_ext_community.add((generic, 0x%08x, 0x%08x)); };\n",
	    action, bits);
}

int bird_text(char *out, size_t len, const struct shield_rule *flows,
	      unsigned nflows, int rate_limit, const struct blackhole *holes,
	      unsigned nholes)
{
	struct textbuf t;
	unsigned i;
	int fam;

	textbuf_init(&t, out, len);
	textbuf_printf(&t, "# Written by vigil-shield; replaced whole on every change.\n");
	for (fam = 4; fam <= 6; fam += 2) {
		textbuf_printf(&t, "protocol static vigil_flowspec%d {\n"
			"  flow%d { table vigil_flow%d; };\n", fam, fam, fam);
		for (i = 0; i < nflows; i++)
			if (flows[i].family == fam)
				put_flow(&t, &flows[i], rate_limit);
		textbuf_printf(&t, "}\nprotocol static vigil_rtbh%d {\n  ipv%d;\n", fam, fam);
		for (i = 0; i < nholes; i++) {
			if (holes[i].family != fam)
				continue;
			textbuf_printf(&t, "  route ");
			put_addr(&t, holes[i].family, holes[i].addr,
				 fam == 4 ? 32 : 128);
			textbuf_printf(&t, " blackhole { bgp_community.add((65535, 666)); };\n");
		}
		textbuf_printf(&t, "}\n");
	}
	return t.full ? -1 : 0;
}

int bird_text_routes(char *out, size_t len, const struct bird_route *r,
		     unsigned n)
{
	size_t used = strnlen(out, len);
	struct textbuf t;
	unsigned i, k;
	int fam;

	if (used == len)
		return -1;
	textbuf_init(&t, out + used, len - used);
	for (fam = 4; fam <= 6; fam += 2) {
		for (i = k = 0; i < n; i++) {
			if (r[i].family != fam)
				continue;
			if (!k++)
				textbuf_printf(&t, "protocol static vigil_divert%d "
					       "{\n  ipv%d;\n", fam, fam);
			textbuf_printf(&t, "  route ");
			put_addr(&t, r[i].family, r[i].addr, r[i].len);
			textbuf_printf(&t, " via \"%s\";\n", r[i].via);
		}
		if (k)
			textbuf_printf(&t, "}\n");
	}
	return t.full ? -1 : 0;
}

int bird_write(const char *path, const char *text)
{
	char tmp[4096];
	FILE *f;
	int ok;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp) ||
	    !(f = fopen(tmp, "we")))
		return -1;
	ok = fputs(text, f) >= 0;
	ok &= fflush(f) == 0 && fsync(fileno(f)) == 0;
	ok &= fclose(f) == 0;
	if (!ok || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* The code of a reply's last line ("0003 Reconfigured"), else -1. */
static int reply_code(const char *line, size_t n)
{
	struct rdr l;
	uint64_t code;

	if (n < 5 || line[4] != ' ')
		return -1; /* "0001-..." goes on; " ..." continues a line */
	rdr_init(&l, line, 4);
	return rdr_decimal(&l, 9999, &code) < 0 || rdr_left(&l) ? -1 :
								   (int)code;
}

/* Reads reply lines until the last one; its code, or -1. */
static int last_reply(int fd, char *out, size_t len)
{
	char buf[4096];
	const char *line;
	size_t used = 0, n;
	struct rdr r;
	ssize_t got;
	int code;

	for (;;) {
		if (used == sizeof(buf) ||
		    (got = read(fd, buf + used, sizeof(buf) - used)) <= 0)
			return -1;
		used += (size_t)got;
		rdr_init(&r, buf, used);
		while (rdr_until(&r, '\n', sizeof(buf), &line, &n))
			if ((code = reply_code(line, n)) >= 0) {
				snprintf(out, len, "%.*s", (int)n, line);
				return code;
			}
		used -= r.pos;
		memmove(buf, buf + r.pos, used);
	}
}

int bird_configure(const char *sock, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { 2, 0 };
	char line[512];
	int fd, code = -1;

	if (strlen(sock) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "socket path too long");
		return -1;
	}
	strcpy(sa.sun_path, sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		snprintf(err, errlen, "BIRD at %s: %s", sock, strerror(errno));
		goto out;
	}
	if (last_reply(fd, line, sizeof(line)) != 1 ||
	    write(fd, "configure\n", 10) != 10 ||
	    (code = last_reply(fd, line, sizeof(line))) < 0) {
		snprintf(err, errlen, "BIRD at %s: no answer", sock);
		code = -1;
		goto out;
	}
	if (code >= 8000)
		snprintf(err, errlen, "BIRD: %s", line);
out:
	if (fd >= 0)
		close(fd);
	return code >= 0 && code < 8000 ? 0 : -1;
}
