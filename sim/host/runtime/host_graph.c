/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF graph kfuncs for a policy object: allocated objects (bpf_obj_new/bpf_obj_drop) and red-black
 * trees of them (bpf_rbtree_add/first/remove). Linked into every policy object; the simulator is
 * not involved (the kernel's versions touch no scheduler state either).
 *
 * The tree is a treap, not a red-black tree: what a policy can observe is the same (the order
 * `less` gives, a new node after the nodes it equals, first = the least), and so is the cost
 * (O(log n) expected per operation). Its shape comes from priorities drawn from a per-tree
 * counter, so a run is deterministic whatever addresses the allocator hands out.
 *
 * Layouts (host-private, within the sizes vmlinux.h gives the kernel's opaque types):
 *   struct bpf_rb_node: parent, left, right, and the owning root's address with the node's
 *                       16-bit priority in the top bits (user-space addresses fit in 48 bits);
 *   struct bpf_rb_root: the top node and the priority counter.
 */
#include "vmlinux.h"

void *calloc(unsigned long n, unsigned long size);
void free(void *ptr);

struct scxtwin_rb_node {
	struct scxtwin_rb_node *parent, *left, *right;
	u64 owner_prio;
};
struct scxtwin_rb_root {
	struct scxtwin_rb_node *top;
	u64 seq;
};
_Static_assert(sizeof(struct scxtwin_rb_node) <= sizeof(struct bpf_rb_node), "rb node layout");
_Static_assert(sizeof(struct scxtwin_rb_root) <= sizeof(struct bpf_rb_root), "rb root layout");

#define OWNER_MASK ((1ULL << 48) - 1)

/* bpf_obj_new(type): zeroed memory for one `type` (host common.bpf.h passes its size). */
void *scxtwin_obj_new(u64 size)
{
	return calloc(1, size ? size : 1);
}

void bpf_obj_drop_impl(void *kptr, void *meta)
{
	(void)meta;
	free(kptr);
}

static struct scxtwin_rb_root *root_of(struct bpf_rb_root *root)
{
	return (struct scxtwin_rb_root *)root;
}
static struct scxtwin_rb_node *node_of(struct bpf_rb_node *node)
{
	return (struct scxtwin_rb_node *)node;
}
static u64 owner(const struct scxtwin_rb_node *n)
{
	return n->owner_prio & OWNER_MASK;
}
static u64 prio(const struct scxtwin_rb_node *n)
{
	return n->owner_prio >> 48;
}

/* Points whatever pointed to `old` (its parent's link, or the root) at `new`. */
static void replace_child(struct scxtwin_rb_root *r, struct scxtwin_rb_node *parent,
			  struct scxtwin_rb_node *old, struct scxtwin_rb_node *new)
{
	if (!parent)
		r->top = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
	if (new)
		new->parent = parent;
}

/* Rotates `x` above its parent, keeping the in-order sequence. */
static void rotate_up(struct scxtwin_rb_root *r, struct scxtwin_rb_node *x)
{
	struct scxtwin_rb_node *p = x->parent, *g = p->parent;

	if (p->left == x) {
		p->left = x->right;
		if (x->right)
			x->right->parent = p;
		x->right = p;
	} else {
		p->right = x->left;
		if (x->left)
			x->left->parent = p;
		x->left = p;
	}
	replace_child(r, g, p, x);
	p->parent = x;
}

/* A priority from the tree's counter (splitmix64's finaliser, top 16 bits). */
static u64 next_prio(struct scxtwin_rb_root *r)
{
	u64 z = ++r->seq * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31)) >> 48;
}

/*
 * Adds `node` in `less` order, after every node it equals. A node already in a tree is refused
 * with -EINVAL, as the kernel refuses it (the kernel also drops the object, which it finds with
 * the offset the verifier supplies; host code has no such offset, so the object is kept).
 */
int bpf_rbtree_add_impl(struct bpf_rb_root *root, struct bpf_rb_node *node,
			bool (*less)(struct bpf_rb_node *a, const struct bpf_rb_node *b), void *meta,
			u64 off)
{
	struct scxtwin_rb_root *r = root_of(root);
	struct scxtwin_rb_node *n = node_of(node), *parent = 0, *cur = r->top;
	bool left = false;

	(void)meta;
	(void)off;
	if (owner(n))
		return -22; /* -EINVAL */
	while (cur) {
		parent = cur;
		left = less(node, (const struct bpf_rb_node *)cur);
		cur = left ? cur->left : cur->right;
	}
	n->parent = parent;
	n->left = n->right = 0;
	n->owner_prio = ((u64)(unsigned long)r & OWNER_MASK) | (next_prio(r) << 48);
	if (!parent)
		r->top = n;
	else if (left)
		parent->left = n;
	else
		parent->right = n;
	while (n->parent && prio(n) > prio(n->parent))
		rotate_up(r, n);
	return 0;
}

struct bpf_rb_node *bpf_rbtree_first(struct bpf_rb_root *root)
{
	struct scxtwin_rb_node *n = root_of(root)->top;

	while (n && n->left)
		n = n->left;
	return (struct bpf_rb_node *)n;
}

/* Takes `node` out of `root`; NULL if it is not in that tree (as the kernel's). */
struct bpf_rb_node *bpf_rbtree_remove(struct bpf_rb_root *root, struct bpf_rb_node *node)
{
	struct scxtwin_rb_root *r = root_of(root);
	struct scxtwin_rb_node *n = node_of(node);

	if (!n || owner(n) != ((u64)(unsigned long)r & OWNER_MASK))
		return 0;
	/* Rotate it down (the child with the higher priority comes up) until it has one child. */
	while (n->left && n->right)
		rotate_up(r, prio(n->left) > prio(n->right) ? n->left : n->right);
	replace_child(r, n->parent, n, n->left ? n->left : n->right);
	n->parent = n->left = n->right = 0;
	n->owner_prio = 0;
	return node;
}
