/*
 * ics.h -- policies for industrial protocols on protected servers:
 * Modbus/TCP, DNP3 over TCP and IEC 60870-5-104 (the XDP program inspects
 * the first application unit of each segment, bpf/shield.bpf.c:
 * ics_drop). Configuration lines
 *
 *   modbus SERVER[:PORT]@CLIENT/LEN:FUNCTIONS[:FIRST-LAST]
 *   (IPv6 addresses in brackets: [2001:db8::5]:502@[2001:db8:1::]/64:...)
 *   dnp3 SERVER[:PORT]@CLIENT/LEN:FUNCTIONS:GROUPS[:FIRST-LAST]
 *   iec104 SERVER[:PORT]@CLIENT/LEN:TYPES[:FIRST-LAST]
 *
 * allow the clients in CLIENT/LEN (the most specific range decides) the
 * function codes (type identifications for IEC 104; "read-only", "all",
 * or a list such as 1-6,15,16), DNP3's object groups, on the registers,
 * points or information object addresses FIRST-LAST (default all) of
 * SERVER at its port (502, 20000, 2404 by default). Anything else to that
 * server's port is dropped and recorded with its client, function and
 * target.
 */
#ifndef VIGIL_SHIELD_ICS_H
#define VIGIL_SHIELD_ICS_H

#include <stddef.h>
#include <stdint.h>

#include "shield.h"

/* Policies in one configuration; violations remembered. */
#define ICS_MAX_POLICIES 256
#define ICS_MAX_RECORDS 256

struct ics_policy {
	struct shield_ics_key key;
	struct shield_ics_policy pol;
};

/* One client's dropped requests of one function to one server. */
struct ics_record {
	uint8_t family;			/* 4 or 6 */
	uint8_t client[16], server[16];
	uint16_t port;
	uint8_t function, proto;	/* enum shield_ics_proto */
	uint64_t count;
	double first, last;
};

struct ics_log {
	struct ics_record r[ICS_MAX_RECORDS];
	unsigned n;
	uint64_t dropped;	/* records beyond the table: counted only */
};

/* A "modbus", "dnp3" or "iec104" line's value (proto: enum
 * shield_ics_proto): 0, or -1 with the reason in err. */
int ics_parse(int proto, const char *v, struct ics_policy *p, char *err,
	      size_t errlen);
/* A dropped request the XDP program reported (a shield_sample with
 * SHIELD_SAMPLE_ICS). */
void ics_record(struct ics_log *log, const struct shield_sample *s,
		double now);

#endif
