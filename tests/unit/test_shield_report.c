/*
 * test_shield_report.c -- the shield's controller without the kernel:
 * heavy hitters, the detector (thresholds, the learned baseline, hold
 * down, the signature of a vector), the local rules and BIRD routes an
 * attack becomes, and golden files of the JSON and STIX reports (sources
 * looked up in the packaged location database). Samples and clocks are
 * made up here, so every output is reproducible.
 *
 * VIGIL_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "bird.h"
#include "detect.h"
#include "geo.h"
#include "mitigate.h"
#include "report.h"
#include "topk.h"

#define T0 1764100000.0 /* 2025-11-25T19:46:40Z */

static const char *golden_dir;
static struct detector det;

static void sample(uint8_t family, const char *src, const char *dst,
		   uint8_t proto, uint16_t sport, uint16_t dport, uint8_t flags,
		   uint16_t len)
{
	struct shield_sample s = { .family = family, .proto = proto,
				   .tcp_flags = flags, .sport = sport,
				   .dport = dport, .len = len };
	int af = family == 4 ? AF_INET : AF_INET6;

	assert_int_equal(inet_pton(af, src, s.src), 1);
	assert_int_equal(inet_pton(af, dst, s.dst), 1);
	detect_sample(&det, &s);
}

static void golden(const char *name, const char *got)
{
	char path[4096], *want = NULL;
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", golden_dir, name);
	if (getenv("VIGIL_UPDATE_GOLDEN")) {
		assert_non_null(f = fopen(path, "w"));
		fputs(got, f);
		fclose(f);
		return;
	}
	assert_non_null(f = fopen(path, "r"));
	assert_true(getdelim(&want, &n, '\0', f) > 0);
	fclose(f);
	if (strcmp(want, got))
		fprintf(stderr, "%s differs; got:\n%s\n", path, got);
	assert_string_equal(want, got);
	free(want);
}

static void test_topk(void **state)
{
	struct topk t = { 0 };
	struct topk_entry e[TOPK_SLOTS];
	uint16_t k;
	unsigned i;

	(void)state;
	for (i = 0; i < 1000; i++) { /* 600 of port 123, 400 all different */
		k = i % 5 < 3 ? 123 : (uint16_t)(1000 + i);
		topk_add(&t, &k, 2);
	}
	assert_int_equal(t.total, 1000);
	assert_true(t.evictions > 0);
	assert_int_equal(topk_sorted(&t, e), TOPK_SLOTS);
	memcpy(&k, e[0].key, 2);
	assert_int_equal(k, 123);
	assert_true(e[0].count >= 600 && e[0].count - e[0].err <= 600);
	assert_non_null(topk_dominant(&t, 0.5));
	assert_null(topk_dominant(&t, 0.7));
}

/* A reflection flood (NTP, from three reflectors one of them a bogon)
 * towards 192.0.2.10, two seconds long, then quiet past the hold-down. */
static void ntp_attack(void)
{
	static const char *const src[] = { "1.1.1.1", "8.8.8.8",
					   "198.18.0.5" };
	double t = T0;
	int s, i;

	for (s = 0; s < 3; s++, t += 1) {
		for (i = 0; i < 10; i++) /* ordinary traffic beside it */
			sample(4, "192.0.2.99", "192.0.2.20", IPPROTO_TCP, 40000,
			       443, 0x10, 52);
		for (i = 0; s < 2 && i < 500; i++)
			sample(4, src[i % 5 < 3 ? 0 : i % 5 < 4 ? 1 : 2],
			       "192.0.2.10", IPPROTO_UDP, 123,
			       (uint16_t)(30000 + i % 7), 0, 468);
		detect_tick(&det, t + 1);
	}
}

/* A SYN flood on port 80 of 2001:db8::10 from spoofed sources. */
static void syn_attack(double t)
{
	char src[64];
	int i;

	for (i = 0; i < 800; i++) {
		snprintf(src, sizeof(src), "2001:db8:%x::%x", i % 97, i);
		sample(6, src, "2001:db8::10", IPPROTO_TCP, (uint16_t)(1024 + i),
		       80, 0x02, 60);
	}
	detect_tick(&det, t);
}

static void setup_detector(void)
{
	memset(&det, 0, sizeof(det));
	det.cfg.sample_every = 1;
	det.cfg.threshold[V_UDP] = 300;
	det.cfg.threshold[V_SYN] = 500;
	det.cfg.hold_down_s = 5;
	detect_init(&det, T0);
}

static void test_detection_and_rules(void **state)
{
	struct shield_rule r[8];
	struct attack *a;

	(void)state;
	setup_detector();
	ntp_attack();
	assert_int_equal(det.nattacks, 1);
	a = &det.attacks[0];
	assert_true(a->active);
	assert_int_equal(a->vectors, 1u << V_UDP);
	assert_int_equal(a->peak[V_UDP], 500);
	assert_int_equal(a->sig_sport, 123);
	assert_int_equal(a->sig_dport, 0); /* spread over seven ports */
	assert_int_equal(attack_rules(a, &det.cfg, r, 8), 1);
	assert_int_equal(r[0].proto, IPPROTO_UDP);
	assert_int_equal(r[0].sport_lo, 123);
	assert_int_equal(r[0].action, SHIELD_RATE);
	assert_int_equal(r[0].rate_pps, 300);
	assert_int_equal(r[0].dst_len, 32);
	detect_tick(&det, T0 + 4); /* under the hold-down: still on */
	assert_true(a->active);
	detect_tick(&det, T0 + 8);
	assert_false(a->active);
	assert_true(a->end == T0 + 8);
}

static void test_baseline(void **state)
{
	double t = T0;
	int s, i;

	(void)state;
	setup_detector();
	det.cfg.baseline_factor = 5;
	det.cfg.baseline_min_pps = 100;
	det.cfg.baseline_warmup = 10;
	for (s = 0; s < 12; s++) { /* 50 packets a second: the usual */
		for (i = 0; i < 50; i++)
			sample(4, "203.0.113.7", "192.0.2.30", IPPROTO_TCP,
			       5000, 443, 0x10, 1500);
		detect_tick(&det, t += 1);
	}
	assert_int_equal(det.nattacks, 0);
	for (i = 0; i < 200; i++) /* 4 times the usual: not yet */
		sample(4, "203.0.113.7", "192.0.2.30", IPPROTO_TCP, 5000, 443,
		       0x10, 1500);
	detect_tick(&det, t += 1);
	assert_int_equal(det.nattacks, 0);
	for (i = 0; i < 400; i++) /* 8 times */
		sample(4, "203.0.113.7", "192.0.2.30", IPPROTO_TCP, 5000, 443,
		       0x10, 1500);
	detect_tick(&det, t += 1);
	assert_int_equal(det.nattacks, 1);
	assert_int_equal(det.attacks[0].vectors, 1u << V_BASELINE);
	assert_true(det.attacks[0].baseline_pps >= 45 &&
		    det.attacks[0].baseline_pps <= 200);
}

static void test_protected_prefixes(void **state)
{
	(void)state;
	setup_detector();
	assert_int_equal(prefix_parse("192.0.2.128/25",
				      &det.cfg.protect[0]), 0);
	det.cfg.nprotect = 1;
	ntp_attack(); /* towards 192.0.2.10: not ours to watch */
	assert_int_equal(det.nattacks, 0);
}

/* A spread flood (more destinations than the window counts) leaves
 * counting and baselines working: the extra are counted as such, the
 * oldest baselines go, and an attack on one address is still seen. */
static void test_many_destinations(void **state)
{
	char dst[32];
	double t = T0;
	int w, i;

	(void)state;
	setup_detector();
	det.cfg.baseline_factor = 5;
	det.cfg.baseline_min_pps = 100;
	for (w = 0; w < 3; w++) {
		for (i = 0; i < 5000; i++) {
			snprintf(dst, sizeof(dst), "10.%d.%d.%d", w, i >> 8,
				 i & 255);
			sample(4, "203.0.113.9", dst, IPPROTO_TCP, 5000, 443,
			       0x10, 60);
		}
		detect_tick(&det, t += 1);
		assert_int_equal(det.uncounted, (unsigned)(w + 1) * 904);
		assert_true(det.nbase <= DETECT_MAX_DESTS);
	}
	for (i = 0; i < 400; i++)
		sample(4, "198.51.100.1", "10.9.9.9", IPPROTO_UDP, 123, 4444, 0,
		       468);
	detect_tick(&det, t += 1);
	assert_int_equal(det.nattacks, 1);
	assert_int_equal(det.attacks[0].peak[V_UDP], 400);
}

/* Carpet bombing: DNS reflection spread over a protected /24, every host
 * far under its threshold, the prefix over its own. */
static void test_carpet_bombing(void **state)
{
	struct shield_rule r[8];
	char dst[32], *json = NULL;
	size_t n = 0;
	FILE *f;
	int i;

	(void)state;
	setup_detector();
	assert_int_equal(prefix_parse("192.0.2.0/24", &det.cfg.protect[0]), 0);
	det.cfg.nprotect = 1;
	det.cfg.prefix_pps = 1000;
	for (i = 0; i < 2000; i++) {
		snprintf(dst, sizeof(dst), "192.0.2.%d", i % 200);
		sample(4, i % 2 ? "198.51.100.53" : "203.0.113.53", dst,
		       IPPROTO_UDP, 53, (uint16_t)(20000 + i), 0, 1200);
	}
	detect_tick(&det, T0 + 1);
	assert_int_equal(det.nattacks, 1);
	assert_true(attack_on_prefix(&det.attacks[0]));
	assert_int_equal(det.attacks[0].plen, 24);
	assert_int_equal(det.attacks[0].sig_proto, IPPROTO_UDP);
	assert_int_equal(det.attacks[0].sig_sport, 53);
	assert_int_equal(attack_rules(&det.attacks[0], &det.cfg, r, 8), 1);
	assert_int_equal(r[0].dst_len, 24);
	assert_int_equal(r[0].proto, IPPROTO_UDP);
	assert_int_equal(r[0].sport_lo, 53);
	assert_int_equal(r[0].rate_pps, 1000);
	f = open_memstream(&json, &n);
	report_json(f, &det, NULL);
	fclose(f);
	assert_non_null(strstr(json, "\"destination\":\"192.0.2.0/24\","
				     "\"scope\":\"prefix\""));
	assert_non_null(strstr(json, "\"kind\":\"carpet-bombing\""));
	free(json);
}

/* Both attacks, with the actions the ladder would have recorded. */
static void both_attacks(void)
{
	setup_detector();
	ntp_attack();
	det.attacks[0].t_rule = T0 + 1;
	det.attacks[0].t_flowspec = T0 + 1;
	det.attacks[0].t_withdrawn = T0 + 8;
	syn_attack(T0 + 4);
	det.attacks[1].t_rule = T0 + 4;
	det.attacks[1].t_rtbh = T0 + 4;
	detect_tick(&det, T0 + 8); /* the first ends, the second goes on */
}

static char *render(void (*fn)(FILE *, const struct detector *,
			       struct geo *), struct geo *g)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	fn(f, &det, g);
	fclose(f);
	return buf;
}

static void test_reports_golden(void **state)
{
	struct geo *g = geo_open(GEO_DEFAULT_DB);
	char *json, *stix;

	(void)state;
	assert_non_null(g); /* libloc-database is a test dependency */
	both_attacks();
	assert_int_equal(det.nattacks, 2);
	json = render(report_json, g);
	stix = render(report_stix, g);
	golden("report.json", json);
	golden("report.stix.json", stix);
	assert_non_null(strstr(json, "\"asn\":13335"));
	assert_non_null(strstr(json, "\"role\":\"reflector\""));
	assert_non_null(strstr(json, "\"spoofed_likely\":true"));
	free(json);
	free(stix);
	geo_close(g);
}

static void test_bird_text_golden(void **state)
{
	static char text[BIRD_TEXT_MAX];
	struct shield_rule r[8];
	struct blackhole h;
	unsigned n;

	(void)state;
	both_attacks();
	n = attack_rules(&det.attacks[0], &det.cfg, r, 8);
	n += attack_rules(&det.attacks[1], &det.cfg, r + n, 8 - n);
	assert_int_equal(n, 2);
	h.family = 6;
	memcpy(h.addr, det.attacks[1].addr, 16);
	assert_int_equal(bird_text(text, sizeof(text), r, n, 0, &h, 1), 0);
	golden("bird-discard.conf", text);
	assert_int_equal(bird_text(text, sizeof(text), r, n, 1, NULL, 0), 0);
	golden("bird-rate.conf", text);
	assert_int_equal(bird_text(text, 64, r, n, 0, &h, 1), -1);
}

/* What mitigate() writes for BIRD: FlowSpec for the rules of one
 * protocol only, not for a rule on all of a host's traffic. (No kernel
 * maps and no BIRD here: the include file is written before BIRD is
 * asked, and that is what this checks.) */
static void test_upstream_flows_have_a_protocol(void **state)
{
	static struct mitigator m;
	char path[] = "/tmp/vigil-bird-XXXXXX", text[4096] = "";
	int fd = mkstemp(path), i;
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	setup_detector();
	det.cfg.threshold[V_PPS] = 300;
	for (i = 0; i < 500; i++) {
		sample(4, "198.51.100.1", "192.0.2.10", IPPROTO_UDP, 123,
		       4444, 0, 468);
		/* a mix of protocols, none dominant: a rule on them all */
		sample(4, "198.51.100.1", "192.0.2.11", i % 3 ? IPPROTO_TCP :
			IPPROTO_ICMP, 40000, 443, 0x10, 60);
	}
	detect_tick(&det, T0 + 1);
	assert_int_equal(det.nattacks, 2);
	memset(&m, 0, sizeof(m));
	m.maps.rules = m.maps.index = m.maps.config = -1;
	m.allow4 = m.allow6 = m.hits = m.buckets = -1;
	snprintf(m.cfg.bird_socket, sizeof(m.cfg.bird_socket), "/nonexistent");
	snprintf(m.cfg.bird_include, sizeof(m.cfg.bird_include), "%s", path);
	m.cfg.flowspec_pps = 300;
	assert_int_equal(mitigate(&m, &det, T0 + 1), -1); /* no BIRD here */
	close(fd); /* the file was replaced (renamed over): read it anew */
	assert_non_null(f = fopen(path, "r"));
	assert_true(fread(text, 1, sizeof(text) - 1, f) > 0);
	fclose(f);
	unlink(path);
	assert_non_null(strstr(text, "dst 192.0.2.10/32; proto = 17;"));
	assert_null(strstr(text, "192.0.2.11"));
	assert_non_null(strstr(m.error, "/nonexistent"));
	assert_true(det.attacks[0].t_flowspec == 0); /* not announced */
}

static void test_bogons(void **state)
{
	uint8_t a[16] = { 0 };

	(void)state;
	inet_pton(AF_INET, "198.19.255.1", a);
	assert_true(addr_bogon(4, a));
	inet_pton(AF_INET, "1.1.1.1", a);
	assert_false(addr_bogon(4, a));
	inet_pton(AF_INET6, "fe80::1", a);
	assert_true(addr_bogon(6, a));
	inet_pton(AF_INET6, "2a00:1450:4001::1", a);
	assert_false(addr_bogon(6, a));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_topk),
		cmocka_unit_test(test_detection_and_rules),
		cmocka_unit_test(test_baseline),
		cmocka_unit_test(test_protected_prefixes),
		cmocka_unit_test(test_many_destinations),
		cmocka_unit_test(test_carpet_bombing),
		cmocka_unit_test(test_reports_golden),
		cmocka_unit_test(test_bird_text_golden),
		cmocka_unit_test(test_upstream_flows_have_a_protocol),
		cmocka_unit_test(test_bogons),
	};

	golden_dir = argc > 1 ? argv[1] : "tests/data/shield";
	return cmocka_run_group_tests(tests, NULL, NULL);
}
