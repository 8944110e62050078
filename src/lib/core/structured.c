/*
 * structured.c -- credit card and US social security numbers in text
 * (clamscan's --detect-structured): Heuristics.Structured.CreditCardNumber
 * and Heuristics.Structured.SSN when an object holds at least the
 * configured count of them. The rules are ClamAV's, so that the same
 * documents are reported:
 * - a card number starts at a digit not preceded by one, with an issuer
 *   number (the first six digits) in the table below, at most 8 spaces or
 *   dashes among its digits, the issuer's length, no digit right after,
 *   and a valid Luhn check digit;
 * - an SSN is 123-45-6789 (normal) or 123456789 (stripped), not preceded
 *   or followed by a digit, with an area of 1 to 772 other than 666, a
 *   group of 1 to 99 and a serial of 1 to 9999 (and not the advertising
 *   range 987-65-4320 to 4329).
 * Written here: no maintained library does this in C.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/structured.h"
#include "vigil/vigil.h"

#define IIN_DIGITS 6
#define CARD_MAX_DIGITS 19
#define CARD_MAX_BREAKS 8
#define CARD_MIN_BYTES 13
#define SSN_MAX_AREA 772

struct iin {
	uint32_t lo, hi;	/* issuer numbers, six digits */
	uint8_t min, max;	/* digits of the card number */
	uint8_t credit;		/* a credit card (not debit or private) */
};

/* Issuer ranges, in order (public card-scheme facts). */
static const struct iin iins[] = {
	{ 100000, 199999, 13, 15, 0 }, /* UATP */
	{ 222100, 272099, 16, 16, 1 }, /* Mastercard 2-series */
	{ 300000, 305999, 14, 16, 1 }, /* Diners Club Carte Blanche */
	{ 309500, 309599, 14, 16, 1 }, /* Diners Club International */
	{ 340000, 349999, 15, 15, 1 }, /* American Express */
	{ 352800, 358999, 16, 16, 1 }, /* JCB */
	{ 360000, 369999, 14, 16, 1 }, /* Diners Club International */
	{ 370000, 379999, 15, 15, 1 }, /* American Express */
	{ 380000, 399999, 16, 16, 1 }, /* Diners Club International */
	{ 400000, 499999, 16, 16, 1 }, /* Visa */
	{ 500000, 509999, 16, 16, 0 }, /* Maestro */
	{ 510000, 559999, 16, 16, 1 }, /* Mastercard */
	{ 601100, 601199, 16, 16, 1 }, /* Discover */
	{ 622126, 622926, 16, 16, 1 }, /* China UnionPay */
	{ 624000, 626999, 16, 16, 1 },
	{ 628200, 628899, 16, 16, 1 },
	{ 644000, 659999, 16, 16, 1 }, /* Discover */
};

static int is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static const struct iin *iin_of(uint32_t v, int credit_only)
{
	size_t i;

	for (i = 0; i < sizeof(iins) / sizeof(iins[0]) && v >= iins[i].lo; i++)
		if (v <= iins[i].hi && (!credit_only || iins[i].credit))
			return &iins[i];
	return NULL;
}

static int luhn_ok(const char *d, size_t n)
{
	unsigned sum = 0, dbl = 0;

	while (n--) {
		unsigned v = (unsigned)(d[n] - '0');

		if (dbl && (v *= 2) > 9)
			v -= 9;
		dbl = !dbl;
		sum += v;
	}
	return sum % 10 == 0;
}

/* Collects digits from b[*i] up to want, skipping up to *breaks spaces
 * or dashes; stops at anything else. */
static size_t collect(const uint8_t *b, size_t len, size_t *i, char *d,
		      size_t n, size_t want, unsigned *breaks)
{
	for (; *i < len && n < want; (*i)++) {
		if (is_digit(b[*i])) {
			d[n++] = (char)b[*i];
			continue;
		}
		if ((b[*i] != ' ' && b[*i] != '-') || !*breaks)
			break;
		(*breaks)--;
	}
	return n;
}

/* A card number starting at b (a digit not preceded by one). */
static int card_at(const uint8_t *b, size_t len, int credit_only)
{
	char d[CARD_MAX_DIGITS + 1];
	unsigned breaks = CARD_MAX_BREAKS;
	const struct iin *in;
	size_t i = 0, n;
	uint32_t v = 0;

	if (len < CARD_MIN_BYTES || b[0] > '6')
		return 0;
	if (len > CARD_MAX_DIGITS + CARD_MAX_BREAKS)
		len = CARD_MAX_DIGITS + CARD_MAX_BREAKS;
	if ((n = collect(b, len, &i, d, 0, IIN_DIGITS, &breaks)) < IIN_DIGITS)
		return 0;
	for (n = 0; n < IIN_DIGITS; n++)
		v = v * 10 + (uint32_t)(d[n] - '0');
	if (!(in = iin_of(v, credit_only)))
		return 0;
	n = collect(b, len, &i, d, n, in->max, &breaks);
	if (n < in->min || (i < len && is_digit(b[i])))
		return 0;
	return luhn_ok(d, n);
}

static unsigned num(const uint8_t *b, size_t n)
{
	unsigned v = 0;

	while (n--)
		v = v * 10 + (unsigned)(*b++ - '0');
	return v;
}

static int all_digits(const uint8_t *b, size_t n)
{
	while (n--)
		if (!is_digit(*b++))
			return 0;
	return 1;
}

/* An SSN at b, written with dashes (11 bytes) or without (9). */
static int ssn_at(const uint8_t *b, size_t len, int dashes)
{
	size_t n = dashes ? 11 : 9, g = dashes ? 4 : 3, sr = dashes ? 7 : 5;
	unsigned area, group, serial;

	if (len < n || (len > n && is_digit(b[n])))
		return 0;
	if (dashes ? b[3] != '-' || b[6] != '-' || !all_digits(b, 3) ||
			     !all_digits(b + 4, 2) || !all_digits(b + 7, 4) :
		     !all_digits(b, 9))
		return 0;
	area = num(b, 3);
	group = num(b + g, 2);
	serial = num(b + sr, 4);
	if (!area || area > SSN_MAX_AREA || area == 666 || !group || !serial)
		return 0;
	return !(area == 987 && group == 65 && serial >= 4320 &&
		 serial <= 4329);
}

struct counts {
	uint32_t cards, ssns;
};

static void count(const uint8_t *b, size_t len, unsigned flags,
		  uint32_t want_cc, uint32_t want_ssn, struct counts *c)
{
	int credit_only = !!(flags & VIGIL_SCAN_STRUCTURED_CC_ONLY);
	size_t i, skip_cc = 0, skip_n = 0, skip_s = 0;

	for (i = 0; i < len; i++) {
		if (!is_digit(b[i]) || (i && is_digit(b[i - 1])))
			continue;
		if (i >= skip_cc && c->cards < want_cc &&
		    card_at(b + i, len - i, credit_only)) {
			c->cards++;
			skip_cc = i + 16; /* ClamAV hops over the number */
		}
		if (i >= skip_n && (flags & VIGIL_SCAN_STRUCTURED_SSN_NORMAL) &&
		    c->ssns < want_ssn && ssn_at(b + i, len - i, 1)) {
			c->ssns++;
			skip_n = i + 12;
		}
		if (i >= skip_s &&
		    (flags & VIGIL_SCAN_STRUCTURED_SSN_STRIPPED) &&
		    c->ssns < want_ssn && ssn_at(b + i, len - i, 0)) {
			c->ssns++;
			skip_s = i + 10;
		}
	}
}

unsigned structured_find(const uint8_t *b, size_t len, unsigned flags,
			 uint32_t want_cc, uint32_t want_ssn)
{
	struct counts c = { 0, 0 };
	unsigned found = 0;

	count(b, len, flags, want_cc, want_ssn, &c);
	if (c.cards && c.cards >= want_cc)
		found |= STRUCTURED_CARDS;
	if (c.ssns && c.ssns >= want_ssn)
		found |= STRUCTURED_SSNS;
	return found;
}
