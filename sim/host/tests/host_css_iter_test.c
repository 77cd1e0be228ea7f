/*
 * The css iterator kfuncs of runtime/host_css_iter.c against the kernel's: bpf_iter_css_new with
 * BPF_CGROUP_ITER_DESCENDANTS_PRE walks the start css and then each css before its descendants,
 * children in creation order; DESCENDANTS_POST each css after its descendants, the start last;
 * ANCESTORS_UP the start and then its parents up to the root; any other order is -EINVAL and an
 * empty walk. Driven through bpf_for_each as the scx library (lib/cgroup_bw.bpf.c) drives it.
 * Compiled like a policy (-D__SCXTWIN_HOST__, sim/host/include first).
 */
#include <scx/common.bpf.h>

int printf(const char *fmt, ...);
int strcmp(const char *a, const char *b);

static int failures;
#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			printf("%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);      \
			failures++;                                                          \
		}                                                                            \
	} while (0)

/* root { a { a1, a2 }, b { b1 } }, linked as sim/ext/cgroups.cc links the run's cgroups. */
enum { ROOT, A, A1, A2, B, B1, NR };
static const char names[NR] = { 'r', 'a', '1', '2', 'b', 'c' };
static struct cgroup cg[NR];

static void link(int child, int parent)
{
	struct cgroup_subsys_state *c = &cg[child].self, *p = &cg[parent].self, **slot;

	c->parent = p;
	for (slot = &p->scxtwin_first_child; *slot; slot = &(*slot)->scxtwin_next_sibling)
		;
	*slot = c;
}

static void build(void)
{
	for (int i = 0; i < NR; i++)
		cg[i].self.cgroup = &cg[i];
	link(A, ROOT);
	link(B, ROOT);
	link(A1, A);
	link(A2, A);
	link(B1, B);
}

/* The walk from `start` in `order`, one name letter per css; `ret` gets new's return. */
static const char *walk(int start, unsigned int order, int *ret)
{
	static char out[2 * NR + 1];
	struct cgroup_subsys_state *pos;
	int n = 0;

	*ret = 1;
	bpf_for_each(css, pos, &cg[start].self, order) {
		if (n < 2 * NR)
			out[n++] = names[pos->cgroup - cg];
	}
	out[n] = '\0';
	/* new's own return, for the refused orders. */
	{
		struct bpf_iter_css it;
		*ret = bpf_iter_css_new(&it, &cg[start].self, order);
		bpf_iter_css_destroy(&it);
	}
	return out;
}

int main(void)
{
	int ret;

	build();
	CHECK(!strcmp(walk(ROOT, BPF_CGROUP_ITER_DESCENDANTS_PRE, &ret), "ra12bc") && ret == 0);
	CHECK(!strcmp(walk(ROOT, BPF_CGROUP_ITER_DESCENDANTS_POST, &ret), "12acbr") && ret == 0);
	/* A subtree's walk stays inside it (a's sibling b is not visited). */
	CHECK(!strcmp(walk(A, BPF_CGROUP_ITER_DESCENDANTS_PRE, &ret), "a12"));
	CHECK(!strcmp(walk(A, BPF_CGROUP_ITER_DESCENDANTS_POST, &ret), "12a"));
	CHECK(!strcmp(walk(A2, BPF_CGROUP_ITER_DESCENDANTS_PRE, &ret), "2"));
	CHECK(!strcmp(walk(A2, BPF_CGROUP_ITER_DESCENDANTS_POST, &ret), "2"));
	CHECK(!strcmp(walk(B1, BPF_CGROUP_ITER_ANCESTORS_UP, &ret), "cbr") && ret == 0);
	CHECK(!strcmp(walk(ROOT, BPF_CGROUP_ITER_ANCESTORS_UP, &ret), "r"));
	/* Orders bpf_iter_css_new does not take: -EINVAL, nothing walked. */
	CHECK(!strcmp(walk(ROOT, BPF_CGROUP_ITER_SELF_ONLY, &ret), "") && ret == -EINVAL);
	CHECK(!strcmp(walk(ROOT, BPF_CGROUP_ITER_ORDER_UNSPEC, &ret), "") && ret == -EINVAL);
	CHECK(!strcmp(walk(ROOT, 99, &ret), "") && ret == -EINVAL);

	/* A finished walk stays finished: next keeps returning NULL. */
	{
		struct bpf_iter_css it;
		int n = 0;
		CHECK(bpf_iter_css_new(&it, &cg[A].self, BPF_CGROUP_ITER_DESCENDANTS_POST) == 0);
		while (bpf_iter_css_next(&it) && n < 10)
			n++;
		CHECK(n == 3);
		CHECK(bpf_iter_css_next(&it) == NULL);
		bpf_iter_css_destroy(&it);
	}
	if (failures)
		printf("%d check(s) failed\n", failures);
	else
		printf("host_css_iter_test: all checks passed\n");
	return failures != 0;
}
