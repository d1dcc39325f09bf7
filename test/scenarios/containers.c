/* SPDX-License-Identifier: MIT */
/*
 * The program side of run.py's mixed-mode container scenarios:
 * `containers map` and `containers ref` each print "... ok" and exit 0, or
 * stop at the first thing that goes wrong (AddressSanitizer, a debug
 * check's abort, or a count that is off).
 */
#include <stdio.h>
#include <string.h>

#include "containers.h"

static int fail(const char *what)
{
	fprintf(stderr, "containers: %s\n", what);
	return 1;
}

/* Map objects made on each side, taken out and retired on the other. */
static int map_case(void)
{
	for (uint32_t k = 0; k < 100; k++)
		lib_map_insert(k);
	for (uint32_t k = 0; k < 100; k++) {
		struct item_map_old old = item_map_remove(&lib_map, &k);

		if (item_map_old_is_empty(&old))
			return fail(
				"an object the other unit inserted is missing");
		if (k % 2)
			item_map_old_free(&old);
		else
			item_map_old_defer(&old);
	}
	for (uint32_t k = 100; k < 200; k++)
		if (item_map_insert(&lib_map, item_new(k)) != 0)
			return fail("insert");
	for (uint32_t k = 100; k < 150; k++)
		lib_map_remove_free(k);
	for (uint32_t k = 150; k < 175; k++)
		lib_map_remove_defer(k);
	for (uint32_t k = 175; k < 200; k++) {
		struct item_map_old old = lib_map_remove(k);
		struct item *it = item_map_old_reclaim(&old);

		/* Reclaimed here, inserted again there: a fresh object. */
		if (!it || it->key != k)
			return fail("old_reclaim");
		it->key = k + 1000;
		if (item_map_insert(&lib_map, it) != 0)
			return fail("insert of a reclaimed object");
	}
	/* Memory the other unit freed, reused here: no stale state. */
	for (int round = 0; round < 50; round++) {
		uint32_t k = 5000;

		lib_map_insert(k);
		lib_map_remove_free(k);
		if (item_map_insert(&lib_map, item_new(k)) != 0)
			return fail("insert into memory the other unit freed");
		struct item_map_old old = item_map_remove(&lib_map, &k);

		item_map_old_free(&old);
	}
	lib_map_destroy();
	rcuslot_barrier();
	if (item_frees != item_allocs || item_allocs != 300)
		return fail("map objects not all freed exactly once");
	printf("map ok: %ld objects\n", item_allocs);
	return 0;
}

/* Counted objects published, referenced, put and retired across units. */
static int ref_case(void)
{
	struct counted_slot_old old;
	const struct counted *mine, *theirs;

	lib_counted_publish(1);
	mine = counted_slot_get(&lib_counted); /* taken here */
	lib_counted_publish(2);                /* retired there: mine lives */
	if (!mine || mine->value != 1 || counted_frees != 0)
		return fail("a referenced object was freed");
	counted_slot_put(mine); /* the last reference */
	if (counted_frees != 1)
		return fail("the last put did not free");
	theirs = lib_counted_get(); /* taken there */
	old = counted_slot_replace(&lib_counted, counted_new(3));
	counted_slot_old_defer(&old); /* retired here */
	rcuslot_barrier();
	if (counted_frees != 1 || rcuslot_ref_count(&theirs->ref) != 1)
		return fail("a deferred object with a reference was freed");
	lib_counted_put(theirs);
	old = lib_counted_replace(4);
	mine = counted_slot_old_reclaim(&old); /* the slot's reference, mine */
	if (!mine || mine->value != 3 || rcuslot_ref_count(&mine->ref) != 1)
		return fail("old_reclaim");
	lib_counted_put(mine);
	counted_slot_destroy(&lib_counted);
	rcuslot_barrier();
	if (counted_frees != counted_allocs || counted_allocs != 4)
		return fail("counted objects not all freed exactly once");
	printf("ref ok: %ld objects\n", counted_allocs);
	return 0;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	int rc;

	rcuslot_register_thread();
	lib_containers_init();
	if (!strcmp(what, "map")) {
		rc = map_case();
	} else if (!strcmp(what, "ref")) {
		rc = ref_case();
	} else {
		fprintf(stderr, "containers: unknown case %s\n", what);
		rc = 2;
	}
	lib_map_destroy(); /* a second destroy does nothing */
	counted_slot_destroy(&lib_counted);
	rcuslot_barrier();
	rcuslot_unregister_thread();
	return rc;
}
