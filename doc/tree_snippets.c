/* SPDX-License-Identifier: MIT */
/*
 * The short examples on the ordered map's reference pages (rcuslot/tree.h's
 * contracts show each block between two "[name]" marker lines with
 * @snippet).
 * `scons check` builds and runs this program, so every example there
 * compiles and does what its page says.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

/* [define] */
struct asrange {
	uint32_t start; /* the key: never changes while in a tree */
	uint32_t end, asn;
};

static void asrange_free(struct asrange *r)
{
	free(r);
}

RCU_TREE_DEFINE(as_tree, struct asrange, start, asrange_free);

static struct as_tree ranges = RCU_TREE_INITIALIZER;
/* [define] */

static struct asrange *asrange_new(uint32_t start, uint32_t end, uint32_t asn)
{
	struct asrange *r = malloc(sizeof(*r));

	if (r) {
		r->start = start;
		r->end = end;
		r->asn = asn;
	}
	return r;
}

/* [init] */
struct feed {
	struct as_tree table; /* a tree inside another object */
	unsigned long generation;
};

static struct feed *feed_new(void)
{
	struct feed *f = malloc(sizeof(*f));

	if (f && as_tree_init(&f->table) != 0) {
		free(f);
		return NULL;
	}
	if (f)
		f->generation = 0;
	return f;
}
/* [init] */

/* [destroy] */
static void feed_free(struct feed *f)
{
	as_tree_destroy(&f->table); /* every range freed when it returns */
	free(f);
}
/* [destroy] */

/* [floor] */
static uint32_t asn_of(uint32_t ip)
{
	const struct asrange *r;
	uint32_t asn = 0;

	RCUSLOT_READ_SCOPE({
		r = as_tree_floor(&ranges,
				  ip); /* the range starting at or below ip */
		if (r && ip <= r->end)
			asn = r->asn;
	})
	return asn;
}
/* [floor] */

/* [range] */
static unsigned ranges_starting_in(uint32_t lo, uint32_t hi)
{
	unsigned n = 0;

	RCUSLOT_READ_SCOPE({
		const struct asrange *r;

		RCU_TREE_FOREACH_RANGE(as_tree, &ranges, r, lo, hi) {
			n++;
		}
	})
	return n;
}
/* [range] */

/* [view] */
/* The number of ranges and the span they cover, from one version. */
static unsigned long span(uint32_t *first, uint32_t *last)
{
	unsigned long n;

	RCUSLOT_READ_SCOPE({
		struct as_tree_view v = as_tree_view(&ranges);

		n = as_tree_view_count(&v);
		*first = n ? as_tree_view_first(&v)->start : 0;
		*last = n ? as_tree_view_last(&v)->end : 0;
	})
	return n;
}
/* [view] */

/* [insert] */
static int add_range(uint32_t start, uint32_t end, uint32_t asn)
{
	struct asrange *r = asrange_new(start, end, asn);
	int err;

	if (!r)
		return -ENOMEM;
	err = as_tree_insert(&ranges, r);
	if (err)
		free(r); /* -EEXIST or -ENOMEM: still ours */
	return err;
}
/* [insert] */

/* [upsert] */
static int set_range(uint32_t start, uint32_t end, uint32_t asn)
{
	struct asrange *r = asrange_new(start, end, asn);
	struct as_tree_old old;
	int err;

	if (!r)
		return -ENOMEM;
	err = as_tree_upsert(&ranges, r, &old);
	if (err) {
		free(r);
		return err;
	}
	as_tree_old_defer(&old); /* the replaced range, if any */
	return 0;
}
/* [upsert] */

/* [remove] */
static int remove_range(uint32_t start)
{
	struct as_tree_old old;
	int err = as_tree_remove(&ranges, start, &old);

	as_tree_old_free(&old); /* empty on -ENOENT: a no-op */
	return err;
}
/* [remove] */

/* [copy_update] */
static int renumber(const struct asrange *old, struct asrange **new_out,
		    void *arg)
{
	if (!old)
		return -ENOENT; /* nothing to renumber: leave the tree as it is */
	*new_out = asrange_new(old->start, old->end, *(const uint32_t *)arg);
	return *new_out ? 0 : -ENOMEM;
}

static int set_asn(uint32_t start, uint32_t asn)
{
	struct as_tree_old old;
	int err = as_tree_copy_update(&ranges, start, renumber, &asn, &old);

	as_tree_old_defer(&old);
	return err;
}
/* [copy_update] */

/* [txn] */
/* Split [start, end] in two at mid, as one change readers see whole. */
static int split_range(uint32_t start, uint32_t mid, uint32_t asn2)
{
	struct as_tree_txn txn;
	struct rcuslot_batch retired = RCUSLOT_BATCH_INITIALIZER;
	const struct asrange *cur;
	struct asrange *left, *right;
	int err;

	err = as_tree_txn_begin(&ranges, &txn);
	if (err)
		return err;
	cur = as_tree_txn_find(&txn, start);
	if (!cur || mid <= start || mid > cur->end) {
		as_tree_txn_abort(&txn);
		return -EINVAL;
	}
	left = asrange_new(start, mid - 1, cur->asn);
	right = asrange_new(mid, cur->end, asn2);
	if (!left || !right) {
		as_tree_txn_abort(&txn);
		free(left);
		free(right);
		return -ENOMEM;
	}
	err = as_tree_txn_upsert(&txn, left);
	if (!err)
		err = as_tree_txn_insert(&txn, right);
	if (err) {
		as_tree_txn_abort(&txn); /* left and right are ours again */
		free(left);
		free(right);
		return err;
	}
	err = as_tree_txn_commit(&txn, &retired);
	rcuslot_batch_defer(
		&retired); /* the range split, after a grace period */
	return err;
}
/* [txn] */

static int failures;
static void expect(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "tree_snippets: FAILED: %s\n", what);
		failures++;
	}
}

int main(void)
{
	struct feed *f;
	uint32_t first, last;

	rcuslot_register_thread();
	expect(asn_of(10) == 0 && span(&first, &last) == 0, "empty tree");
	expect(add_range(0, 99, 1) == 0 && add_range(100, 199, 2) == 0 &&
		       add_range(300, 399, 3) == 0,
	       "insert");
	expect(add_range(100, 150, 9) == -EEXIST, "insert: -EEXIST");
	expect(asn_of(150) == 2 && asn_of(250) == 0 && asn_of(300) == 3,
	       "floor");
	expect(ranges_starting_in(50, 300) == 2, "range");
	expect(span(&first, &last) == 3 && first == 0 && last == 399, "view");
	expect(set_range(300, 349, 4) == 0 && asn_of(349) == 4 &&
		       asn_of(350) == 0,
	       "upsert");
	expect(set_asn(100, 5) == 0 && asn_of(120) == 5, "copy_update");
	expect(set_asn(7, 5) == -ENOENT, "copy_update: no such range");
	expect(split_range(100, 150, 6) == 0 && asn_of(149) == 5 &&
		       asn_of(150) == 6 && span(&first, &last) == 4,
	       "transaction");
	expect(split_range(7, 8, 6) == -EINVAL && span(&first, &last) == 4,
	       "transaction aborted");
	expect(remove_range(0) == 0 && remove_range(0) == -ENOENT &&
		       asn_of(10) == 0,
	       "remove");
	f = feed_new();
	expect(f != NULL, "init");
	if (f) {
		expect(as_tree_insert(&f->table, asrange_new(1, 2, 3)) == 0,
		       "insert in a feed");
		feed_free(f);
	}
	as_tree_destroy(&ranges);
	expect(as_tree_count(&ranges) == 0, "destroy");
	rcuslot_barrier();
	rcuslot_unregister_thread();
	if (failures)
		return 1;
	printf("tree_snippets: every example did what its page says\n");
	return 0;
}
