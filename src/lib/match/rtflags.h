/*
 * rtflags.h -- what a shard's matcher keeps of each matchable at run time:
 * one byte of these flags.
 */
#ifndef VIGIL_MATCH_RTFLAGS_H
#define VIGIL_MATCH_RTFLAGS_H

#define RT_VERIFY 0x01	/* a hit must be confirmed by the exact matcher */
#define RT_NOHS 0x02	/* not in the Vectorscan database: always verified */
#define RT_ANCHORED 0x04 /* found by the anchors matcher, not Vectorscan */
#define RT_DEFER 0x08	/* not searched for: verified when its logical
			 * signature was touched (defer.c) */

#endif
