/* SPDX-License-Identifier: MIT */
/*
 * tree.c: the ordered map's update side (rcuslot/tree.h). Each update
 * builds the next version of a copy-on-write B+-tree under the tree's
 * writer lock, from nodes allocated before it changes anything; the commit
 * publishes it with one release store and retires every node it replaced
 * with one call_rcu.
 *
 * A version's nodes are immutable once published. A transaction copies a
 * published node the first time it changes it ("owns" it: the copy carries
 * the transaction's generation) and changes its own copies in place after
 * that, so n changes cost about one copy per node touched, not n paths.
 * Nothing a reader can reach is ever written, except the writer's fields
 * at the end of a node (gen, next, rcu), which readers never read.
 *
 * Shape: entries per node from 1 to FANOUT; a non-root node that falls
 * under MIN_FILL entries borrows from or merges with a sibling. A full node
 * splits in half, except a leaf whose new entry goes at either end: it
 * keeps the full leaf as it is and starts a new one, so that keys inserted
 * in order fill leaves completely. Internal nodes are made at least half
 * full and rebalanced under MIN_FILL, so a tree of n objects is at most
 * about log8(n) + 2 levels deep: RCUSLOT_PRIV_TREE_DEPTH (24) is never
 * reached in memory.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "core_priv.h"

#define FANOUT RCUSLOT_PRIV_TREE_FANOUT
#define MIN_FILL (FANOUT / 4)

typedef struct rcuslot_priv_tnode node;
typedef struct rcuslot_priv_txn txn;

_Static_assert(sizeof(((node *)0)->rcuslot_priv_rcu) >= sizeof(struct rcu_head) &&
		       _Alignof(void *) >= _Alignof(struct rcu_head),
	       "a tree node's rcu room holds a struct rcu_head");
#define NODE_RCU(nd) ((struct rcu_head *)(void *)(nd)->rcuslot_priv_rcu)
#define NODE_OF_RCU(head) ((node *)(void *)((char *)(head) - offsetof(node, rcuslot_priv_rcu)))

/* A path from the root (nd[0]) to a leaf (nd[h - 1]), with the index taken at each. */
struct path {
	node *nd[RCUSLOT_PRIV_TREE_DEPTH];
	unsigned idx[RCUSLOT_PRIV_TREE_DEPTH];
	unsigned h;
};

/* The thread's identity for the writer lock's owner: a TLS address, never 0. */
static __thread char self_mark __attribute__((tls_model("initial-exec")));

static uintptr_t self_id(void)
{
	return (uintptr_t)&self_mark;
}

static int kcmp(rcuslot_priv_tree_cmp *cmp, const void *key, uint64_t kw, uint64_t word)
{
	if (cmp)
		return cmp(key, word);
	return (kw > word) - (kw < word);
}

/* How many entries of nd have a key word <= the key. */
static unsigned count_le(const node *nd, rcuslot_priv_tree_cmp *cmp, const void *key, uint64_t kw)
{
	unsigned lo = 0, hi = nd->n;

	if (!cmp)
		return rcuslot_priv_tnode_ub64(nd, kw);

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (kcmp(cmp, key, kw, nd->key[mid]) >= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Walk the working version towards the key. Returns whether the key is
 * there; p->idx[h - 1] is its leaf index, or where it would go.
 */
static int seek(const txn *x, rcuslot_priv_tree_cmp *cmp, const void *key, uint64_t kw,
		struct path *p)
{
	node *nd = x->root;
	unsigned d = 0;

	p->h = 0;
	if (!nd)
		return 0;
	for (;; d++) {
		unsigned c = count_le(nd, cmp, key, kw);

		p->nd[d] = nd;
		p->h = d + 1;
		if (nd->level == 0) {
			if (c > 0 && kcmp(cmp, key, kw, nd->key[c - 1]) == 0) {
				p->idx[d] = c - 1;
				return 1;
			}
			p->idx[d] = c;
			return 0;
		}
		c = c ? c - 1 : 0;
		p->idx[d] = c;
		nd = (node *)nd->ptr[c];
	}
}

/* Nodes on the path that this transaction has not copied yet. */
static unsigned not_owned(const txn *x, const struct path *p)
{
	unsigned k = 0;

	for (unsigned d = 0; d < p->h; d++)
		k += p->nd[d]->gen != x->gen;
	return k;
}

/* Allocate ahead what an update needs, so that it cannot fail half way. */
static int reserve(txn *x, unsigned need)
{
	while (x->nspare < need) {
		node *nd = (node *)core_chunk_alloc(sizeof(*nd));

		if (!nd)
			return -ENOMEM;
		nd->next = x->spare;
		x->spare = nd;
		x->nspare++;
	}
	return 0;
}

static node *spare(txn *x)
{
	node *nd = x->spare;

	x->spare = nd->next;
	x->nspare--;
	nd->gen = x->gen;
	nd->n = 0;
	nd->total = 0;
	return nd;
}

static void free_spares(txn *x)
{
	while (x->spare) {
		node *nd = x->spare;

		x->spare = nd->next;
		core_chunk_free(nd);
	}
	x->nspare = 0;
}

/*
 * The transaction's own copy of nd. A published node goes on the retired
 * chain through its `next`, a field no reader reads.
 */
static node *own(txn *x, node *nd)
{
	node *c;

	if (nd->gen == x->gen)
		return nd;
	c = spare(x);
	c->n = nd->n;
	c->level = nd->level;
	c->total = nd->total;
	memcpy(c->key, nd->key, sizeof(c->key)); /* with the padding */
	memcpy(c->ptr, nd->ptr, nd->n * sizeof(c->ptr[0]));
	nd->next = x->retired;
	x->retired = nd;
	return c;
}

/* A node leaves the working version: freed now if no reader ever saw it. */
static void drop(txn *x, node *nd)
{
	if (nd->gen == x->gen) {
		core_chunk_free(nd);
	} else {
		nd->next = x->retired;
		x->retired = nd;
	}
}

/* Copy the path into the transaction's nodes, top down. */
static void own_path(txn *x, struct path *p)
{
	node *prev = NULL;

	for (unsigned d = 0; d < p->h; d++) {
		node *c = own(x, p->nd[d]);

		if (prev)
			prev->ptr[p->idx[d - 1]] = c;
		else
			x->root = c;
		p->nd[d] = c;
		prev = c;
	}
}

static unsigned long subtree_total(const node *nd)
{
	unsigned long t = 0;

	if (nd->level == 0)
		return nd->n;
	for (unsigned i = 0; i < nd->n; i++)
		t += ((const node *)nd->ptr[i])->total;
	return t;
}

/* Unused key slots hold UINT64_MAX: the readers' search reads all 32 (core.h). */
static void pad(node *nd)
{
	for (unsigned i = nd->n; i < FANOUT; i++)
		nd->key[i] = UINT64_MAX;
}

static void ins_at(node *nd, unsigned i, uint64_t w, void *ptr)
{
	memmove(&nd->key[i + 1], &nd->key[i], (nd->n - i) * sizeof(nd->key[0]));
	memmove(&nd->ptr[i + 1], &nd->ptr[i], (nd->n - i) * sizeof(nd->ptr[0]));
	nd->key[i] = w;
	nd->ptr[i] = ptr;
	nd->n++;
}

static void del_at(node *nd, unsigned i)
{
	memmove(&nd->key[i], &nd->key[i + 1], (nd->n - i - 1) * sizeof(nd->key[0]));
	memmove(&nd->ptr[i], &nd->ptr[i + 1], (nd->n - i - 1) * sizeof(nd->ptr[0]));
	nd->n--;
	nd->key[nd->n] = UINT64_MAX;
}

/* Insert into a full node; returns the new right sibling. */
static node *split_ins(txn *x, node *nd, unsigned i, uint64_t w, void *ptr)
{
	uint64_t k[FANOUT + 1];
	void *pp[FANOUT + 1];
	node *r = spare(x);
	/* End splits for leaves only: internal nodes stay half full, which bounds the height. */
	unsigned left = nd->level ? (FANOUT + 1) / 2 : i == FANOUT ? FANOUT : i == 0 ? 1 : (FANOUT + 1) / 2;

	memcpy(k, nd->key, i * sizeof(k[0]));
	memcpy(pp, nd->ptr, i * sizeof(pp[0]));
	k[i] = w;
	pp[i] = ptr;
	memcpy(k + i + 1, nd->key + i, (FANOUT - i) * sizeof(k[0]));
	memcpy(pp + i + 1, nd->ptr + i, (FANOUT - i) * sizeof(pp[0]));
	r->level = nd->level;
	nd->n = (unsigned short)left;
	r->n = (unsigned short)(FANOUT + 1 - left);
	memcpy(nd->key, k, left * sizeof(k[0]));
	memcpy(nd->ptr, pp, left * sizeof(pp[0]));
	memcpy(r->key, k + left, r->n * sizeof(k[0]));
	memcpy(r->ptr, pp + left, r->n * sizeof(pp[0]));
	pad(nd);
	pad(r);
	nd->total = subtree_total(nd);
	r->total = subtree_total(r);
	return r;
}

/* Full nodes from the leaf up, and one more for a new root if all are. */
static unsigned split_need(const struct path *p)
{
	unsigned k = 0;

	while (k < p->h && p->nd[p->h - 1 - k]->n == FANOUT)
		k++;
	return k + (k == p->h);
}

static void do_insert(txn *x, struct path *p, uint64_t w, void *obj)
{
	node *carry = NULL;

	if (!x->root) {
		node *leaf = spare(x);

		leaf->level = 0;
		ins_at(leaf, 0, w, obj);
		pad(leaf);
		leaf->total = 1;
		x->root = leaf;
		return;
	}
	own_path(x, p);
	for (unsigned d = p->h; d-- > 0;) {
		node *nd = p->nd[d];
		uint64_t cw = w;
		void *cp = obj;
		unsigned at = p->idx[d];

		if (nd->level > 0) {
			node *child = (node *)nd->ptr[at];

			nd->key[at] = child->key[0];
			if (!carry) {
				nd->total++;
				continue;
			}
			cw = carry->key[0];
			cp = carry;
			at++;
		}
		if (nd->n < FANOUT) {
			ins_at(nd, at, cw, cp);
			nd->total = nd->level ? nd->total + 1 : nd->n;
			carry = NULL;
		} else {
			carry = split_ins(x, nd, at, cw, cp);
		}
	}
	if (carry) {
		node *r = spare(x), *l = x->root;

		r->level = (unsigned short)(l->level + 1);
		r->n = 2;
		r->key[0] = l->key[0];
		r->ptr[0] = l;
		r->key[1] = carry->key[0];
		r->ptr[1] = carry;
		r->total = l->total + carry->total;
		pad(r);
		x->root = r;
	}
}

/* Levels from the leaf up that may fall under MIN_FILL: one sibling copy each. */
static unsigned merge_need(const struct path *p)
{
	unsigned k = 0;

	while (k < p->h && p->nd[p->h - 1 - k]->n <= MIN_FILL)
		k++;
	return k;
}

/*
 * Child c of nd fell under MIN_FILL: borrow from a sibling, or merge with
 * it; returns whether they merged (nd lost an entry).
 */
static int rebalance(txn *x, node *nd, unsigned c)
{
	unsigned li = c + 1 < nd->n ? c : c - 1, ri = li + 1;
	node *l = own(x, (node *)nd->ptr[li]), *r;

	nd->ptr[li] = l;
	r = own(x, (node *)nd->ptr[ri]);
	nd->ptr[ri] = r;
	if (l->n + r->n <= FANOUT) {
		memcpy(l->key + l->n, r->key, r->n * sizeof(l->key[0]));
		memcpy(l->ptr + l->n, r->ptr, r->n * sizeof(l->ptr[0]));
		l->n = (unsigned short)(l->n + r->n);
		l->total += r->total;
		drop(x, r);
		del_at(nd, ri);
		nd->key[li] = l->key[0];
		return 1;
	}
	{
		unsigned want = (l->n + r->n) / 2;

		if (l->n < want) {
			unsigned m = want - l->n;

			memcpy(l->key + l->n, r->key, m * sizeof(l->key[0]));
			memcpy(l->ptr + l->n, r->ptr, m * sizeof(l->ptr[0]));
			memmove(r->key, r->key + m, (r->n - m) * sizeof(r->key[0]));
			memmove(r->ptr, r->ptr + m, (r->n - m) * sizeof(r->ptr[0]));
			l->n = (unsigned short)(l->n + m);
			r->n = (unsigned short)(r->n - m);
		} else {
			unsigned m = l->n - want;

			memmove(r->key + m, r->key, r->n * sizeof(r->key[0]));
			memmove(r->ptr + m, r->ptr, r->n * sizeof(r->ptr[0]));
			memcpy(r->key, l->key + want, m * sizeof(r->key[0]));
			memcpy(r->ptr, l->ptr + want, m * sizeof(r->ptr[0]));
			l->n = (unsigned short)want;
			r->n = (unsigned short)(r->n + m);
		}
		pad(l);
		pad(r);
		l->total = subtree_total(l);
		r->total = subtree_total(r);
		nd->key[ri] = r->key[0];
	}
	nd->key[li] = l->key[0];
	return 0;
}

/*
 * Only a node that lost an entry is rebalanced (nodes left small by an
 * end split stay as they are until then): that bounds the sibling copies
 * by merge_need().
 */
static void do_delete(txn *x, struct path *p)
{
	unsigned leaf = p->h - 1;
	int shrank = 1;
	node *root;

	own_path(x, p);
	del_at(p->nd[leaf], p->idx[leaf]);
	p->nd[leaf]->total = p->nd[leaf]->n;
	for (unsigned d = leaf; d-- > 0;) {
		node *nd = p->nd[d];
		unsigned c = p->idx[d];
		node *child = (node *)nd->ptr[c];

		nd->total--;
		if (!shrank) {
			nd->key[c] = child->key[0];
		} else if (child->n == 0) {
			drop(x, child);
			del_at(nd, c);
		} else if (child->n < MIN_FILL && nd->n > 1) {
			shrank = rebalance(x, nd, c);
		} else {
			nd->key[c] = child->key[0];
			shrank = 0;
		}
	}
	root = x->root;
	if (root->n == 0) {
		drop(x, root);
		x->root = NULL;
		return;
	}
	while (root->level > 0 && root->n == 1) {
		x->root = (node *)root->ptr[0];
		drop(x, root);
		root = x->root;
	}
}

/* Room for one more object taken out (transactions only). */
static int out_reserve(txn *x)
{
	void **out;
	size_t cap;

	if (x->single || x->nout < x->capout)
		return 0;
	cap = x->capout ? x->capout * 2 : 16;
	out = (void **)core_chunk_alloc(cap * sizeof(*out));
	if (!out)
		return -ENOMEM;
	if (x->nout)
		memcpy(out, x->out, x->nout * sizeof(*out));
	if (x->out)
		core_chunk_free(x->out);
	x->out = out;
	x->capout = cap;
	return 0;
}

static void take_out(txn *x, void *obj, void **old)
{
	if (x->single)
		*old = obj;
	else
		x->out[x->nout++] = obj;
}

RCUSLOT_PRIV_EXPORT int rcuslot_priv_tree_begin(struct rcuslot_priv_tree *t, txn *x, int single)
{
	uintptr_t me = self_id();

	/* Only this thread can have stored its own mark: relaxed is enough. */
	if (__atomic_load_n(&t->owner, __ATOMIC_RELAXED) == me)
		return -EDEADLK;
	pthread_mutex_lock(&t->lock);
	__atomic_store_n(&t->owner, me, __ATOMIC_RELAXED);
	memset(x, 0, sizeof(*x));
	x->tree = t;
	x->gen = ++t->gen;
	x->root = __atomic_load_n(&t->root, __ATOMIC_RELAXED); /* ours: under the lock */
	x->single = (unsigned)single;
	return 0;
}

static void unlock(struct rcuslot_priv_tree *t)
{
	__atomic_store_n(&t->owner, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&t->lock);
}

RCUSLOT_PRIV_EXPORT int rcuslot_priv_tree_put(txn *x, rcuslot_priv_tree_cmp *cmp, const void *key,
					      uint64_t word, void *obj, int mode, void **old)
{
	struct path p;
	int err;

	if (seek(x, cmp, key, word, &p)) {
		node *leaf;
		void *prev;

		if (mode == RCUSLOT_PRIV_TREE_INSERT)
			return -EEXIST;
		err = reserve(x, not_owned(x, &p));
		if (!err)
			err = out_reserve(x);
		if (err)
			return err;
		own_path(x, &p);
		leaf = p.nd[p.h - 1];
		prev = leaf->ptr[p.idx[p.h - 1]];
		leaf->ptr[p.idx[p.h - 1]] = obj;
		/* Other keys' words are the object's address: the least keys above change too. */
		leaf->key[p.idx[p.h - 1]] = word;
		for (unsigned d = p.h - 1; d-- > 0;)
			p.nd[d]->key[p.idx[d]] = p.nd[d + 1]->key[0];
		take_out(x, prev, old);
		return 0;
	}
	if (mode == RCUSLOT_PRIV_TREE_REPLACE)
		return -ENOENT;
	err = reserve(x, p.h ? not_owned(x, &p) + split_need(&p) : 1);
	if (err)
		return err;
	do_insert(x, &p, word, obj);
	return 0;
}

RCUSLOT_PRIV_EXPORT int rcuslot_priv_tree_del(txn *x, rcuslot_priv_tree_cmp *cmp, const void *key,
					      uint64_t word, void **old)
{
	struct path p;
	void *prev;
	int err;

	if (!seek(x, cmp, key, word, &p))
		return -ENOENT;
	err = reserve(x, not_owned(x, &p) + merge_need(&p));
	if (!err)
		err = out_reserve(x);
	if (err)
		return err;
	prev = p.nd[p.h - 1]->ptr[p.idx[p.h - 1]];
	do_delete(x, &p);
	take_out(x, prev, old);
	return 0;
}

RCUSLOT_PRIV_EXPORT void *rcuslot_priv_tree_get(const txn *x, rcuslot_priv_tree_cmp *cmp,
						const void *key, uint64_t word)
{
	struct path p;

	if (!seek(x, cmp, key, word, &p))
		return NULL;
	return p.nd[p.h - 1]->ptr[p.idx[p.h - 1]];
}

/*
 * The commit's one trip through call_rcu: the retired chain rides the rcu
 * room of its first node. Nodes and objects are the readers' until the
 * grace period has passed; every reader's read_unlock pairs with it.
 */
static void retire_cb(struct rcu_head *head)
{
	node *nd = NODE_OF_RCU(head);

	RCUSLOT_PRIV_TSAN_ACQUIRE(head); /* the committer's call_rcu */
	CORE_TSAN_GP_DONE();
	while (nd) {
		node *next = nd->next;

		core_chunk_free(nd);
		nd = next;
	}
}

RCUSLOT_PRIV_EXPORT void rcuslot_priv_tree_publish(txn *x, const struct rcu_flavor_struct *fl)
{
	struct rcuslot_priv_tree *t = x->tree;
	node *retired = x->retired;

	/*
	 * Release: every store that built the new version (in nodes no reader
	 * could reach yet) happens before the root that reaches them is seen.
	 * Pairs with the readers' consume load of the root (tree.h), as
	 * rcu_assign_pointer() with rcu_dereference().
	 */
	if (x->root != __atomic_load_n(&t->root, __ATOMIC_RELAXED)) {
		__atomic_store_n(&t->root, x->root, __ATOMIC_RELEASE);
		__atomic_store_n(&t->count, x->root ? x->root->total : 0, __ATOMIC_RELAXED);
	}
	free_spares(x);
	x->retired = NULL;
	x->tree = NULL;
	unlock(t);
	if (retired) {
		RCUSLOT_PRIV_TSAN_RELEASE(NODE_RCU(retired)); /* pairs with retire_cb */
		fl->update_call_rcu(NODE_RCU(retired), retire_cb);
	}
}

/* Free the nodes this transaction built; the published ones are shared. */
static void free_owned(const txn *x, node *nd) /* NOLINT(misc-no-recursion): tree-deep */
{
	if (!nd || nd->gen != x->gen)
		return;
	if (nd->level > 0)
		for (unsigned i = 0; i < nd->n; i++)
			free_owned(x, (node *)nd->ptr[i]);
	core_chunk_free(nd);
}

RCUSLOT_PRIV_EXPORT void rcuslot_priv_tree_out_done(txn *x)
{
	if (x->out)
		core_chunk_free(x->out);
	x->out = NULL;
	x->nout = x->capout = 0;
}

RCUSLOT_PRIV_EXPORT void rcuslot_priv_tree_abort(txn *x)
{
	struct rcuslot_priv_tree *t = x->tree;

	free_owned(x, x->root);
	free_spares(x);
	rcuslot_priv_tree_out_done(x);
	x->root = NULL;
	x->retired = NULL;
	x->tree = NULL;
	unlock(t);
}

RCUSLOT_PRIV_EXPORT int rcuslot_priv_tree_detach(struct rcuslot_priv_tree *t, node **root)
{
	*root = NULL;
	if (__atomic_load_n(&t->owner, __ATOMIC_RELAXED) == self_id())
		return -EDEADLK;
	pthread_mutex_lock(&t->lock);
	*root = __atomic_load_n(&t->root, __ATOMIC_RELAXED);
	__atomic_store_n(&t->root, NULL, __ATOMIC_RELEASE);
	__atomic_store_n(&t->count, 0, __ATOMIC_RELAXED);
	t->gen++;
	pthread_mutex_unlock(&t->lock);
	return 0;
}

/* Recursion as deep as the tree: RCUSLOT_PRIV_TREE_DEPTH at most. */
RCUSLOT_PRIV_EXPORT void rcuslot_priv_tree_drain(node *root, rcuslot_priv_free_fn *free_fn) /* NOLINT(misc-no-recursion) */
{
	if (!root)
		return;
	for (unsigned i = 0; i < root->n; i++) {
		if (root->level > 0)
			rcuslot_priv_tree_drain((node *)root->ptr[i], free_fn);
		else
			free_fn(root->ptr[i]);
	}
	core_chunk_free(root);
}

static __thread unsigned long dbg_sections;

RCUSLOT_PRIV_EXPORT unsigned long *rcuslot_priv_dbg_sections(void)
{
	return &dbg_sections;
}
