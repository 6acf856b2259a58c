/* test_plan.c — invariants of the load-time passes on real models.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For each model path given on the command line (missing files are
 * skipped), with the arena planned for 1 and for 2 threads: every run-time
 * value of a live node has an arena slot, and every node whose op asks for
 * scratch has that much; no two values alive at the same step share
 * bytes, and no node's scratch shares bytes with a value alive at its
 * step (at one thread SqueezeNet and the Fashion-MNIST net must have
 * scratch over a dead value's bytes); everything fits in the planned
 * arena, whose size cnn_model_arena_bytes gives (0 threads: the online
 * CPUs, as for a session); no Relu/Clip/LeakyRelu is left behind a Conv
 * or Gemm it could have been fused into; no BatchNormalization is left behind a Conv
 * with constant weights; a run leaves its input intact, so a second run
 * on it gives the same output. Concat inputs planned as views of their
 * slice of the output (graph_plan.c) may share the output's bytes; the
 * output then counts as alive from the first view's producer, and
 * SqueezeNet (whose Fire modules end in a channel Concat) must have some.
 */
#include "check.h"
#include "graph.h"
#include "model_priv.h"
#include "ops/ops.h"

#include <string.h>
#include <unistd.h>

typedef struct {
  int first, last;
  int64_t lo, hi;
} Span;

/* host[v]: the Concat output whose slice value v is placed at (a view),
 * or -1. Returns the number of views. */
static int
find_views (const CnnModel *m, const CnnArenaPlan *plan, int *host)
{
  const CnnGraph *g = &m->graph;
  int views = 0;
  for (int v = 0; v < g->n_values; v++)
    host[v] = -1;
  for (int k = 0; k < m->n_live; k++) {
    const CnnNode *n = &g->nodes[m->live[k]];
    if (strcmp (n->op_type, "Concat") != 0 || n->outputs[0] < 0)
      continue;
    int out = n->outputs[0];
    int64_t offset = plan->value_offset[out];
    for (int j = 0; j < n->n_inputs; j++) {
      const CnnValue *in = &g->values[n->inputs[j]];
      if (in->kind == CNN_VALUE_ACT
          && plan->value_offset[n->inputs[j]] == offset) {
        host[n->inputs[j]] = out;
        views++;
      }
      offset += cnn_numel (&in->info) * 4;
    }
  }
  return views;
}

/* A node's scratch: planned, as large as its op asks, inside the arena,
 * clear of every value alive at the node's step (spans s). Returns the
 * number of nodes whose scratch reuses bytes of a value dead by then. */
static int
check_scratch (const CnnModel *m, const CnnArenaPlan *plan, int threads,
    const Span *s)
{
  const CnnGraph *g = &m->graph;
  int reused = 0;
  for (int k = 0; k < m->n_live; k++) {
    int i = m->live[k];
    const CnnNode *n = &g->nodes[i];
    bool reuses = false;
    size_t want = n->op->scratch_bytes ? n->op->scratch_bytes (g, n, threads)
        : 0;
    if (want == 0)
      continue;
    int64_t lo = plan->scratch_offset[i];
    int64_t hi = lo + (int64_t) want;
    CHECK_MSG (lo >= 0 && plan->scratch_bytes[i] >= want
        && (uint64_t) hi <= plan->bytes, "node '%s': scratch of %zu bytes "
        "not planned", n->name, want);
    for (int v = 0; v < g->n_values; v++) {
      bool overlap = s[v].lo >= 0 && lo < s[v].hi && s[v].lo < hi;
      if (overlap && s[v].first <= i && i <= s[v].last)
        CHECK_MSG (false, "node '%s': scratch overlaps '%s'", n->name,
            g->values[v].name);
      reuses = reuses || overlap;
    }
    reused += reuses;
  }
  return reused;
}

/* Returns the number of Concat inputs planned as views; *reused: of nodes
 * whose scratch reuses a dead value's bytes. */
static int
check_no_overlap (const CnnModel *m, const CnnArenaPlan *plan, int threads,
    int *reused)
{
  const CnnGraph *g = &m->graph;
  Span *s = calloc ((size_t) g->n_values, sizeof (Span));
  for (int v = 0; v < g->n_values; v++) {
    s[v].first = g->values[v].kind == CNN_VALUE_INPUT ? -1 : g->n_nodes;
    s[v].last = -2;
  }
  for (int k = 0; k < m->n_live; k++) {
    const CnnNode *n = &g->nodes[m->live[k]];
    for (int j = 0; j < n->n_inputs; j++)
      if (n->inputs[j] >= 0 && s[n->inputs[j]].last < m->live[k])
        s[n->inputs[j]].last = m->live[k];
    for (int j = 0; j < n->n_outputs; j++) {
      int v = n->outputs[j];
      if (v < 0)
        continue;
      s[v].first = m->live[k];
      if (s[v].last < m->live[k])
        s[v].last = m->live[k];
      CHECK_MSG (plan->value_offset[v] >= 0, "output '%s' has no slot",
          g->values[v].name);
    }
  }
  for (int k = 0; k < g->n_outputs; k++)
    s[g->outputs[k]].last = g->n_nodes;
  for (int k = 0; k < g->n_inputs; k++)
    s[g->inputs[k]].last = g->n_nodes; /* inputs survive the run */
  int *host = malloc (sizeof (int) * (size_t) g->n_values);
  int views = find_views (m, plan, host);
  for (int v = 0; v < g->n_values; v++)
    if (host[v] >= 0 && s[v].first < s[host[v]].first)
      s[host[v]].first = s[v].first;
  for (int v = 0; v < g->n_values; v++) {
    const CnnValue *val = &g->values[v];
    s[v].lo = val->kind == CNN_VALUE_CONST ? -1 : plan->value_offset[v];
    s[v].hi = s[v].lo + cnn_numel (&val->info) * 4;
    if (s[v].lo >= 0)
      CHECK ((uint64_t) s[v].hi <= plan->bytes);
  }
  *reused = check_scratch (m, plan, threads, s);
  int bad = 0;
  for (int a = 0; a < g->n_values; a++)
    for (int b = a + 1; b < g->n_values; b++) {
      if (s[a].lo < 0 || s[b].lo < 0 || s[a].first > s[a].last
          || s[b].first > s[b].last)
        continue;
      bool together = s[a].first <= s[b].last && s[b].first <= s[a].last;
      bool overlap = s[a].lo < s[b].hi && s[b].lo < s[a].hi;
      if (host[a] == b || host[b] == a)
        continue;               /* a view inside its host */
      if (together && overlap && bad++ < 5)
        fprintf (stderr, "values '%s' and '%s' overlap while both alive\n",
            g->values[a].name, g->values[b].name);
    }
  CHECK (bad == 0);
  free (s);
  free (host);
  return views;
}

static void
check_fused (const CnnModel *m)
{
  const CnnGraph *g = &m->graph;
  for (int k = 0; k < m->n_live; k++) {
    const CnnNode *n = &g->nodes[m->live[k]];
    bool act = !strcmp (n->op_type, "Relu") || !strcmp (n->op_type, "Clip")
        || !strcmp (n->op_type, "LeakyRelu");
    bool bn = !strcmp (n->op_type, "BatchNormalization");
    if ((!act && !bn) || n->inputs[0] < 0)
      continue;
    const CnnValue *in = &g->values[n->inputs[0]];
    if (in->producer < 0 || in->n_uses != 1 || in->is_output)
      continue;
    const CnnNode *p = &g->nodes[in->producer];
    bool conv = !strcmp (p->op_type, "Conv");
    bool gemm = !strcmp (p->op_type, "Gemm");
    if (act)
      CHECK_MSG (!((conv || gemm) && p->act.kind == CNN_ACT_NONE),
          "%s '%s' after %s '%s' was not fused", n->op_type, n->name,
          p->op_type, p->name);
    if (bn && conv && g->values[p->inputs[1]].kind == CNN_VALUE_CONST)
      CHECK_MSG (p->act.kind != CNN_ACT_NONE,
          "BatchNormalization '%s' after Conv '%s' was not folded",
          n->name, p->name);
  }
}

/* Two runs on an input written once give the same output, and the input is
 * unchanged by a run. */
static void
check_rerun (CnnModel *m)
{
  CnnSession *s = NULL;
  CnnError err;
  CHECK (cnn_session_new (m, NULL, &s, &err) == CNN_OK);
  CnnTensorInfo in_info, out_info;
  cnn_model_input_info (m, 0, NULL, &in_info);
  cnn_model_output_info (m, 0, NULL, &out_info);
  size_t n_in = (size_t) cnn_numel (&in_info);
  size_t n_out = (size_t) cnn_numel (&out_info);
  float *in = cnn_session_input_data (s, 0);
  float *copy = malloc (n_in * sizeof (float));
  float *first = malloc (n_out * sizeof (float));
  for (size_t i = 0; i < n_in; i++)
    in[i] = copy[i] = (float) ((i * 7919) % 255) / 255.0f;
  CHECK (cnn_session_run (s) == CNN_OK);
  memcpy (first, cnn_session_output_data (s, 0), n_out * sizeof (float));
  CHECK_CLOSE (in, copy, n_in, 0.0, 0.0);
  CHECK (cnn_session_run (s) == CNN_OK);
  CHECK_CLOSE (cnn_session_output_data (s, 0), first, n_out, 0.0, 0.0);
  free (copy);
  free (first);
  cnn_session_free (s);
}

int
main (int argc, char **argv)
{
  int tested = 0;
  for (int i = 1; i < argc; i++) {
    if (access (argv[i], R_OK) != 0) {
      printf ("skip %s (absent)\n", argv[i]);
      continue;
    }
    CnnModel *m = NULL;
    CnnError err;
    CnnStatus st = cnn_model_load_file (argv[i], NULL, &m, &err);
    CHECK_MSG (st == CNN_OK, "%s: %s", argv[i], err.message);
    if (st != CNN_OK)
      continue;
    int views = 0;
    for (int threads = 1; threads <= 2; threads++) {
      CnnArenaPlan plan;
      CnnDiag d;
      CHECK (cnn_graph_plan (&m->graph, threads, &plan, &d) == CNN_OK);
      CHECK (plan.bytes == cnn_model_arena_bytes (m, threads));
      printf ("%s: %zu live nodes, weights %llu B, arena at %d thread(s) "
          "%llu B\n", argv[i], cnn_model_node_count (m),
          (unsigned long long) cnn_model_weight_bytes (m), threads,
          (unsigned long long) plan.bytes);
      int reused;
      views = check_no_overlap (m, &plan, threads, &reused);
      /* one thread: scratch lives at its node's step only, and both nets
       * have a convolution's scratch where an earlier output was */
      if (threads == 1 && (strstr (argv[i], "squeezenet")
              || strstr (argv[i], "fashion-mnist")))
        CHECK_MSG (reused > 0, "%s: no scratch reuses a dead value's bytes",
            argv[i]);
      printf ("  %d node(s) with scratch over dead values\n", reused);
      cnn_arena_plan_clear (&plan);
    }
    printf ("  %d Concat inputs written in place\n", views);
    /* 0 threads means the online CPUs, as for a session */
    CHECK (cnn_model_arena_bytes (m, 0) == cnn_model_arena_bytes (m,
            (int) sysconf (_SC_NPROCESSORS_ONLN)));
    if (strstr (argv[i], "squeezenet"))
      CHECK_MSG (views > 0, "%s: no Concat input is a view", argv[i]);
    check_fused (m);
    check_rerun (m);
    cnn_model_unref (m);
    tested++;
  }
  if (!tested)
    CHECK_SKIP ("no model present");
  return check_summary ("test_plan");
}
