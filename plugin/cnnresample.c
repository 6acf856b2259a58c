/* cnnresample.c — bilinear 4:2:0 YUV → normalised planar RGB, one pass.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: see cnnresample.h. Why it exists: GstVideoConverter unpacks
 * every source line it reads at full width before scaling, which costs
 * about 0.95 ms per 1920x1080 I420 frame even with 2 taps; sampling only
 * the 2x2 neighbours of each of the model's pixels reads about 1/40 of that.
 * Sample positions follow the chroma siting of the source (co-sited or
 * centred, per direction); weights are 8-bit fixed point.
 */
#include "cnnresample.h"

/* Taps for n destination samples covering src_len source samples from
 * src_start (in luma units); sub = 2 maps them onto a chroma plane with the
 * given siting. Offsets are sample index × pstride. */
static void
make_taps (CnnResampleTap * t, gint n, gdouble src_start, gdouble src_len,
    gint sub, gboolean cosited, gint plane_len, gint pstride)
{
  const gdouble step = src_len / n;
  for (gint d = 0; d < n; d++) {
    gdouble s = src_start + (d + 0.5) * step - 0.5;
    if (sub == 2)
      s = cosited ? s / 2 : (s + 0.5) / 2 - 0.5;
    s = CLAMP (s, 0.0, (gdouble) (plane_len - 1));
    gint i0 = (gint) s;         /* s >= 0: truncation is floor */
    gint w1 = (gint) ((s - i0) * 256 + 0.5);
    if (w1 >= 256) {
      i0++;
      w1 = 0;
    }
    gint i1 = MIN (i0 + 1, plane_len - 1);
    t[d].off0 = (guint32) (i0 * pstride);
    t[d].off1 = (guint32) (i1 * pstride);
    t[d].w1 = (guint32) w1;
  }
}

/* Colour matrix and range of the source, scaled to 0..255 RGB. */
static void
set_matrix (CnnResample * r, const GstVideoInfo * in)
{
  gint offset[GST_VIDEO_MAX_COMPONENTS], scale[GST_VIDEO_MAX_COMPONENTS];
  gdouble kr, kb;

  gst_video_color_range_offsets (in->colorimetry.range, in->finfo, offset,
      scale);
  if (!gst_video_color_matrix_get_Kr_Kb (in->colorimetry.matrix, &kr, &kb)) {
    kr = 0.299;                 /* BT.601, GstVideoConverter's default */
    kb = 0.114;
  }
  const gdouble kg = 1.0 - kr - kb;
  r->y_offset = (gfloat) offset[0];
  r->y_scale = (gfloat) (255.0 / scale[0]);
  r->c_scale = (gfloat) (255.0 / scale[1]);
  r->r_v = (gfloat) (2.0 * (1.0 - kr));
  r->g_u = (gfloat) (-2.0 * kb * (1.0 - kb) / kg);
  r->g_v = (gfloat) (-2.0 * kr * (1.0 - kr) / kg);
  r->b_u = (gfloat) (2.0 * (1.0 - kb));
}

gboolean
cnn_resample_configure (CnnResample * r, const GstVideoInfo * in,
    const CnnResampleGeometry * geo, gint channels)
{
  switch (GST_VIDEO_INFO_FORMAT (in)) {
    case GST_VIDEO_FORMAT_I420:
    case GST_VIDEO_FORMAT_YV12:
    case GST_VIDEO_FORMAT_NV12:
    case GST_VIDEO_FORMAT_NV21:
      break;
    default:
      return FALSE;
  }
  if (geo->dst_w < 1 || geo->dst_h < 1 || geo->src_w < 1 || geo->src_h < 1)
    return FALSE;
  cnn_resample_clear (r);
  const guint site = GST_VIDEO_INFO_CHROMA_SITE (in);
  const gint cw = GST_VIDEO_INFO_COMP_WIDTH (in, 1);
  const gint ch = GST_VIDEO_INFO_COMP_HEIGHT (in, 1);
  r->geo = *geo;
  r->channels = channels;
  r->luma_x = g_new (CnnResampleTap, geo->dst_w);
  r->chroma_x = g_new (CnnResampleTap, geo->dst_w);
  r->luma_y = g_new (CnnResampleTap, geo->dst_h);
  r->chroma_y = g_new (CnnResampleTap, geo->dst_h);
  make_taps (r->luma_x, geo->dst_w, geo->src_x, geo->src_w, 1, FALSE,
      GST_VIDEO_INFO_WIDTH (in), GST_VIDEO_INFO_COMP_PSTRIDE (in, 0));
  make_taps (r->chroma_x, geo->dst_w, geo->src_x, geo->src_w, 2,
      (site & GST_VIDEO_CHROMA_SITE_H_COSITED) != 0, cw,
      GST_VIDEO_INFO_COMP_PSTRIDE (in, 1));
  make_taps (r->luma_y, geo->dst_h, geo->src_y, geo->src_h, 1, FALSE,
      GST_VIDEO_INFO_HEIGHT (in), 1);
  make_taps (r->chroma_y, geo->dst_h, geo->src_y, geo->src_h, 2,
      (site & GST_VIDEO_CHROMA_SITE_V_COSITED) != 0, ch, 1);
  set_matrix (r, in);
  return TRUE;
}

/* Bilinear value of one plane at (tx, ty), scaled by 65536. */
static inline guint32
sample (const guint8 * row0, const guint8 * row1, const CnnResampleTap * tx,
    guint32 wy)
{
  const guint32 top = row0[tx->off0] * (256 - tx->w1) + row0[tx->off1] * tx->w1;
  const guint32 bot = row1[tx->off0] * (256 - tx->w1) + row1[tx->off1] * tx->w1;
  return top * (256 - wy) + bot * wy;
}

static inline guint
to_byte (gfloat v)
{
  v = v < 0.0f ? 0.0f : v > 255.0f ? 255.0f : v;
  return (guint) (v + 0.5f);
}

/* Grey as GstVideoConverter makes GRAY8: BT.601 luma of the RGB bytes. */
static inline guint
grey_byte (guint r, guint g, guint b)
{
  return (guint) (0.299f * r + 0.587f * g + 0.114f * b + 0.5f);
}

/* Fills the picture with black (letterbox borders). */
static void
fill_black (const CnnResample * r, const gfloat lut[3][256], float *input)
{
  const gsize plane = (gsize) r->geo.out_w * r->geo.out_h;
  for (gint c = 0; c < r->channels; c++)
    for (gsize i = 0; i < plane; i++)
      input[c * plane + i] = lut[c][0];
}

/* Rows of one plane for output row dy: the two source rows and weight. */
#define PLANE_ROWS(frame, comp, tap, r0, r1) do { \
    const guint8 *base_ = GST_VIDEO_FRAME_COMP_DATA (frame, comp); \
    const gint stride_ = GST_VIDEO_FRAME_COMP_STRIDE (frame, comp); \
    r0 = base_ + (gsize) (tap)->off0 * stride_; \
    r1 = base_ + (gsize) (tap)->off1 * stride_; \
  } while (0)

static void
run_rows (const CnnResample * r, const GstVideoFrame * frame,
    const gfloat lut[3][256], gboolean swap_rb, float *input)
{
  const gsize plane = (gsize) r->geo.out_w * r->geo.out_h;
  const gfloat ky = r->y_scale / 65536.0f, offy = r->y_offset * r->y_scale;
  const gfloat kc = r->c_scale / 65536.0f, offc = 128.0f * r->c_scale;
  for (gint dy = 0; dy < r->geo.dst_h; dy++) {
    const guint8 *y0, *y1, *u0, *u1, *v0, *v1;
    PLANE_ROWS (frame, 0, &r->luma_y[dy], y0, y1);
    PLANE_ROWS (frame, 1, &r->chroma_y[dy], u0, u1);
    PLANE_ROWS (frame, 2, &r->chroma_y[dy], v0, v1);
    const guint32 wy = r->luma_y[dy].w1, wc = r->chroma_y[dy].w1;
    float *o0 = input + (gsize) (r->geo.dst_y + dy) * r->geo.out_w
        + r->geo.dst_x;
    float *o1 = r->channels == 3 ? o0 + plane : o0;
    float *o2 = r->channels == 3 ? o1 + plane : o0;
    for (gint dx = 0; dx < r->geo.dst_w; dx++) {
      const CnnResampleTap *tc = &r->chroma_x[dx];
      const gfloat y = sample (y0, y1, &r->luma_x[dx], wy) * ky - offy;
      const gfloat u = sample (u0, u1, tc, wc) * kc - offc;
      const gfloat v = sample (v0, v1, tc, wc) * kc - offc;
      const guint R = to_byte (y + r->r_v * v);
      const guint G = to_byte (y + r->g_u * u + r->g_v * v);
      const guint B = to_byte (y + r->b_u * u);
      if (r->channels == 1) {
        o0[dx] = lut[0][grey_byte (R, G, B)];
        continue;
      }
      o0[dx] = lut[0][swap_rb ? B : R];
      o1[dx] = lut[1][G];
      o2[dx] = lut[2][swap_rb ? R : B];
    }
  }
}

void
cnn_resample_run (const CnnResample * r, const GstVideoFrame * frame,
    const gfloat lut[3][256], gboolean swap_rb, float *input)
{
  const CnnResampleGeometry *g = &r->geo;
  if (g->dst_x > 0 || g->dst_y > 0 || g->dst_w < g->out_w
      || g->dst_h < g->out_h)
    fill_black (r, lut, input);
  run_rows (r, frame, lut, swap_rb, input);
}

void
cnn_resample_clear (CnnResample * r)
{
  g_clear_pointer (&r->luma_x, g_free);
  g_clear_pointer (&r->chroma_x, g_free);
  g_clear_pointer (&r->luma_y, g_free);
  g_clear_pointer (&r->chroma_y, g_free);
}
