/*
 * The graph kfuncs of runtime/host_graph.c against what the kernel's do: bpf_obj_new gives zeroed
 * memory; bpf_rbtree_add keeps `less` order with a new node after the nodes it equals; first is
 * the least; remove takes out any node of that tree (NULL for a node not in it); a node already
 * in a tree is refused. Compiled like a policy (-D__SCXTWIN_HOST__, sim/host/include first).
 */
#include <scx/common.bpf.h>

int printf(const char *fmt, ...);

static int failures;
#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			printf("%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);      \
			failures++;                                                          \
		}                                                                            \
	} while (0)

struct item {
	u64 pad;
	struct bpf_rb_node node;
	u64 key;
	u64 seq; /* insertion order, to check ties */
};

static bool item_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	return container_of(a, struct item, node)->key <
	       container_of(b, struct item, node)->key;
}

#define N 300

static struct item *items[N];

/* Pops everything in order; checks keys never decrease and ties come in insertion order. */
static int drain(struct bpf_rb_root *root)
{
	struct bpf_rb_node *n;
	u64 last_key = 0, last_seq = 0;
	int count = 0;

	while ((n = bpf_rbtree_first(root))) {
		struct item *it = container_of(n, struct item, node);

		CHECK(bpf_rbtree_remove(root, n) == n);
		CHECK(it->key > last_key || (it->key == last_key && (count == 0 || it->seq > last_seq)));
		last_key = it->key;
		last_seq = it->seq;
		count++;
	}
	return count;
}

int main(void)
{
	struct bpf_rb_root root = {}, other = {};
	u64 x = 12345;
	int i, removed = 0;

	for (i = 0; i < N; i++) {
		items[i] = bpf_obj_new(struct item);
		CHECK(items[i] && items[i]->key == 0 && items[i]->pad == 0);
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		items[i]->key = (x >> 33) % 40; /* many equal keys */
		items[i]->seq = i + 1;
		CHECK(bpf_rbtree_add(&root, &items[i]->node, item_less) == 0);
	}
	CHECK(bpf_rbtree_add(&root, &items[0]->node, item_less) == -22);   /* already in a tree */
	CHECK(bpf_rbtree_add(&other, &items[0]->node, item_less) == -22);  /* in another one */
	CHECK(bpf_rbtree_remove(&other, &items[5]->node) == NULL);         /* not in this tree */
	CHECK(bpf_rbtree_first(&other) == NULL);

	/* The least key first, the earliest inserted among equals. */
	{
		struct item *least = items[0];
		for (i = 1; i < N; i++)
			if (items[i]->key < least->key)
				least = items[i];
		CHECK(container_of(bpf_rbtree_first(&root), struct item, node) == least);
	}

	/* Take out every third node from the middle of the tree, re-add some elsewhere. */
	for (i = 0; i < N; i += 3) {
		CHECK(bpf_rbtree_remove(&root, &items[i]->node) == &items[i]->node);
		CHECK(bpf_rbtree_remove(&root, &items[i]->node) == NULL); /* gone already */
		removed++;
	}
	for (i = 0; i < N; i += 3)
		CHECK(bpf_rbtree_add(&other, &items[i]->node, item_less) == 0);
	CHECK(drain(&root) == N - removed);
	CHECK(drain(&other) == removed);
	CHECK(bpf_rbtree_first(&root) == NULL);

	for (i = 0; i < N; i++)
		bpf_obj_drop(items[i]);
	printf("%d failures\n", failures);
	return failures != 0;
}
