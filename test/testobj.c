/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "testobj.h"

atomic_long tobj_allocs;
atomic_long tobj_frees;
atomic_long tobj_bad_frees;
atomic_long tobj_last_freed_value;
void (*tobj_free_hook)(struct tobj *o);

uint64_t tobj_checksum(const struct tobj *o)
{
	uint64_t h = 1469598103934665603u ^ (uint64_t)o->value;

	for (int i = 0; i < TOBJ_WORDS; i++)
		h = (h ^ o->word[i]) * 1099511628211u;
	return h;
}

struct tobj *tobj_new(long value)
{
	struct tobj *o = malloc(sizeof(*o));

	if (!o)
		return NULL;
	o->magic = TOBJ_LIVE;
	o->value = value;
	for (int i = 0; i < TOBJ_WORDS; i++)
		o->word[i] = (uint64_t)value * 2654435761u + (uint64_t)i;
	o->sum = tobj_checksum(o);
	atomic_init(&o->unpub, 0);
	atomic_fetch_add(&tobj_allocs, 1);
	return o;
}

int tobj_intact(const struct tobj *o)
{
	return o && o->magic == TOBJ_LIVE && o->sum == tobj_checksum(o);
}

void tobj_free(struct tobj *o)
{
	if (!o)
		return;
	if (o->magic != TOBJ_LIVE)
		atomic_fetch_add(&tobj_bad_frees, 1);
	if (tobj_free_hook)
		tobj_free_hook(o);
	atomic_store(&tobj_last_freed_value, o->value);
	/* Poison, so a reader that still holds it sees a dead object. */
	o->magic = TOBJ_DEAD;
	memset(o->word, 0xa5, sizeof(o->word));
	atomic_fetch_add(&tobj_frees, 1);
	free(o);
}

void tobj_reset_counters(void)
{
	atomic_store(&tobj_allocs, 0);
	atomic_store(&tobj_frees, 0);
	atomic_store(&tobj_bad_frees, 0);
	atomic_store(&tobj_last_freed_value, 0);
	tobj_free_hook = NULL;
}
