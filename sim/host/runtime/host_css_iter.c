/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The css iterator kfuncs for a policy object: bpf_iter_css_new/next/destroy walk the cgroup
 * tree the simulator builds (sim/ext/cgroups.cc: each css's parent, first child and next
 * sibling) from a starting css, in one of three orders:
 *   BPF_CGROUP_ITER_DESCENDANTS_PRE   the start, then each css before its descendants, children
 *                                     in creation order (the kernel's css_next_descendant_pre);
 *   BPF_CGROUP_ITER_DESCENDANTS_POST  each css after its descendants, the start last
 *                                     (css_next_descendant_post);
 *   BPF_CGROUP_ITER_ANCESTORS_UP      the start, then its parent, up to the root.
 * Any other order makes new return -EINVAL and next return NULL, as the kernel's do. The walk
 * touches no simulator state: it is plain pointer chasing, linked into every policy object.
 *
 * Layout (host-private, within the 3 words vmlinux.h gives struct bpf_iter_css): the start
 * (NULL after a refused new), the last css returned (NULL before the first), the order.
 */
#include <stddef.h>

#include "vmlinux.h"

struct scxtwin_css_iter {
	struct cgroup_subsys_state *start;
	struct cgroup_subsys_state *pos;
	u64 order;
};
_Static_assert(sizeof(struct scxtwin_css_iter) <= sizeof(struct bpf_iter_css), "css iter layout");

#define SCXTWIN_EINVAL 22

int bpf_iter_css_new(struct bpf_iter_css *it, struct cgroup_subsys_state *start,
		     unsigned int flags)
{
	struct scxtwin_css_iter *k = (struct scxtwin_css_iter *)it;

	k->start = NULL;
	k->pos = NULL;
	k->order = flags;
	if (flags != BPF_CGROUP_ITER_DESCENDANTS_PRE && flags != BPF_CGROUP_ITER_DESCENDANTS_POST &&
	    flags != BPF_CGROUP_ITER_ANCESTORS_UP)
		return -SCXTWIN_EINVAL;
	k->start = start;
	return 0;
}

/* The deepest first child below `css` (itself when it has none): where a post-order walk of
 * its subtree begins. */
static struct cgroup_subsys_state *leftmost_descendant(struct cgroup_subsys_state *css)
{
	while (css->scxtwin_first_child)
		css = css->scxtwin_first_child;
	return css;
}

static struct cgroup_subsys_state *next_pre(struct cgroup_subsys_state *pos,
					    struct cgroup_subsys_state *root)
{
	if (!pos)
		return root;
	if (pos->scxtwin_first_child)
		return pos->scxtwin_first_child;
	/* No children: the next sibling of the nearest css (this one or an ancestor below root)
	 * that has one. */
	for (; pos != root; pos = pos->parent) {
		if (pos->scxtwin_next_sibling)
			return pos->scxtwin_next_sibling;
	}
	return NULL;
}

static struct cgroup_subsys_state *next_post(struct cgroup_subsys_state *pos,
					     struct cgroup_subsys_state *root)
{
	if (!pos)
		return leftmost_descendant(root);
	if (pos == root)
		return NULL;
	if (pos->scxtwin_next_sibling)
		return leftmost_descendant(pos->scxtwin_next_sibling);
	return pos->parent;
}

struct cgroup_subsys_state *bpf_iter_css_next(struct bpf_iter_css *it)
{
	struct scxtwin_css_iter *k = (struct scxtwin_css_iter *)it;

	if (!k->start)
		return NULL;
	switch (k->order) {
	case BPF_CGROUP_ITER_DESCENDANTS_PRE:
		k->pos = next_pre(k->pos, k->start);
		break;
	case BPF_CGROUP_ITER_DESCENDANTS_POST:
		k->pos = next_post(k->pos, k->start);
		break;
	default: /* BPF_CGROUP_ITER_ANCESTORS_UP */
		k->pos = k->pos ? k->pos->parent : k->start;
		break;
	}
	/* The walk is over: later calls stay at NULL instead of starting again. */
	if (!k->pos)
		k->start = NULL;
	return k->pos;
}

/* Nothing to release: the walk holds no references (the kernel's holds none either). */
void bpf_iter_css_destroy(struct bpf_iter_css *it)
{
	(void)it;
}
