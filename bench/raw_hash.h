/* SPDX-License-Identifier: MIT */
/*
 * raw_hash.h: the hash rcuslot's maps use (rcuslot_map_hash_seeded() in
 * rcuslot/map.h) written out by hand for a 4-byte key, as a user of raw
 * rculfhash who copied it would: the raw tables of icount and mapbench
 * hold the same chains as the RCU_MAP_DEFINE maps they are compared with.
 * icount_main.c checks that the two agree key by key.
 */
#ifndef BENCH_RAW_HASH_H
#define BENCH_RAW_HASH_H

#include <stdint.h>

static inline uint64_t raw_fold(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline unsigned long raw_hash32(uint32_t key, uint64_t seed)
{
	const uint64_t k1 = 0xe7037ed1a0b428dbULL;
	uint64_t s = (seed << 32 | seed >> 32) ^ 0xa0761d6478bd642fULL;

	s = raw_fold(key ^ seed ^ k1, key ^ s);
	return (unsigned long)raw_fold(s ^ 0x8ebc6af09c88c6e3ULL,
				       sizeof(key) ^ seed ^ k1);
}

#endif /* BENCH_RAW_HASH_H */
