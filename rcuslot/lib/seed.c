/* SPDX-License-Identifier: MIT */
/*
 * seed.c: hash seeds for the maps, from the system's randomness.
 *
 * Each map asks for its own seed at init, so two maps (or two runs) order
 * and bucket the same keys differently, and a key set crafted to collide
 * under one seed tells nothing about another. getrandom() never blocks
 * here (GRND_NONBLOCK): early in boot, before the kernel's pool is ready,
 * /dev/urandom is read instead; if neither answers, the seed is derived
 * from the clock, the process and the address space layout, mixed with a
 * counter, which is weaker (predictable to a local observer) and said so
 * in map.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "core_priv.h"

static bool read_urandom(void *buf, size_t len)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t got;

	if (fd < 0)
		return false;
	do
		got = read(fd, buf, len);
	while (got < 0 && errno == EINTR);
	close(fd);
	return got == (ssize_t)len;
}

/* splitmix64's finalizer: a bijection that spreads every input bit. */
static uint64_t mix64(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

static uint64_t fallback_seed(void)
{
	static unsigned long counter;
	struct timespec ts;
	uint64_t h;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	h = mix64((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30));
	h = mix64(h ^ (uint64_t)getpid() ^ (uint64_t)(uintptr_t)&counter);
	return mix64(h ^ uatomic_add_return(&counter, 1));
}

RCUSLOT_PRIV_EXPORT uint64_t rcuslot_map_new_seed(void)
{
	uint64_t seed;
	ssize_t got;

	do
		got = getrandom(&seed, sizeof(seed), GRND_NONBLOCK);
	while (got < 0 && errno == EINTR);
	if (got != (ssize_t)sizeof(seed) && !read_urandom(&seed, sizeof(seed)))
		seed = fallback_seed();
	/* never 0: a map without a table tells by 0 that it has no seed yet */
	return seed ? seed : 0x9e3779b97f4a7c15ULL;
}
