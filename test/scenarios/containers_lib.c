/* SPDX-License-Identifier: MIT */
/* One side of containers.c's program, built in the other mode (run.py). */
#include "containers.h"

long item_allocs, item_frees, counted_allocs, counted_frees;
struct item_map lib_map;
struct counted_slot lib_counted;

void lib_containers_init(void)
{
	if (item_map_init(&lib_map, 0) != 0)
		abort();
	counted_slot_init(&lib_counted, NULL);
}

void lib_map_insert(uint32_t key)
{
	if (item_map_insert(&lib_map, item_new(key)) != 0)
		abort();
}

void lib_map_remove_free(uint32_t key)
{
	struct item_map_old old = item_map_remove(&lib_map, &key);

	if (item_map_old_is_empty(&old))
		abort();
	item_map_old_free(&old);
}

void lib_map_remove_defer(uint32_t key)
{
	struct item_map_old old = item_map_remove(&lib_map, &key);

	if (item_map_old_is_empty(&old))
		abort();
	item_map_old_defer(&old);
}

struct item_map_old lib_map_remove(uint32_t key)
{
	return item_map_remove(&lib_map, &key);
}

void lib_map_destroy(void)
{
	item_map_destroy(&lib_map);
}

void lib_counted_publish(int value)
{
	struct counted_slot_old old =
		counted_slot_replace(&lib_counted, counted_new(value));

	counted_slot_old_free(&old);
}

struct counted_slot_old lib_counted_replace(int value)
{
	return counted_slot_replace(&lib_counted, counted_new(value));
}

const struct counted *lib_counted_get(void)
{
	return counted_slot_get(&lib_counted);
}

void lib_counted_put(const struct counted *c)
{
	counted_slot_put(c);
}

void lib_counted_old_free(struct counted_slot_old *old)
{
	counted_slot_old_free(old);
}
