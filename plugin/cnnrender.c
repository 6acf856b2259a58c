/* cnnrender.c — Pango/Cairo label box → GstVideoOverlayComposition.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: see cnnrender.h. Layout: one line per entry, padding of a
 * quarter line height, the box placed at the chosen corner/edge with a
 * margin of 1/50 of the frame height (at least 1 pixel) and clipped to the
 * frame. Pixels are premultiplied ARGB32 (Cairo's native layout, which is
 * GST_VIDEO_OVERLAY_COMPOSITION_FORMAT_RGB).
 */
#include "cnnrender.h"

#include <pango/pangocairo.h>
#include <string.h>

struct CnnRender {
  PangoFontMap *font_map;
  PangoContext *context;
  /* cache */
  gchar *key;
  GstVideoOverlayComposition *comp;
};

GType
cnn_halign_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {CNN_HALIGN_LEFT, "Left", "left"},
    {CNN_HALIGN_CENTER, "Center", "center"},
    {CNN_HALIGN_RIGHT, "Right", "right"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstCnnHAlign", values));
  return type;
}

GType
cnn_valign_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {CNN_VALIGN_TOP, "Top", "top"},
    {CNN_VALIGN_CENTER, "Center", "center"},
    {CNN_VALIGN_BOTTOM, "Bottom", "bottom"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstCnnVAlign", values));
  return type;
}

CnnRender *
cnn_render_new (void)
{
  CnnRender *r = g_new0 (CnnRender, 1);

  r->font_map = pango_cairo_font_map_new ();
  r->context = pango_font_map_create_context (r->font_map);
  return r;
}

void
cnn_render_free (CnnRender * render)
{
  if (render == NULL)
    return;
  if (render->comp)
    gst_video_overlay_composition_unref (render->comp);
  g_free (render->key);
  g_object_unref (render->context);
  g_object_unref (render->font_map);
  g_free (render);
}

guint
cnn_render_format_lines (const gchar * const *labels, const gfloat * scores,
    guint n, guint max_lines, gchar ** lines_out)
{
  guint i;

  if (n == 0) {
    lines_out[0] = g_strdup ("unclassified");
    return 1;
  }
  max_lines = CLAMP (max_lines, 1, CNN_RENDER_MAX_LINES);
  for (i = 0; i < n && i < max_lines; i++)
    lines_out[i] = g_strdup_printf ("%s %.1f%%", labels[i],
        100.0 * scores[i]);
  return i;
}

static PangoFontDescription *
font_for (const CnnRenderStyle * style, gint height)
{
  PangoFontDescription *desc = pango_font_description_from_string (
      style->font_desc && style->font_desc[0] ? style->font_desc : "Sans");

  if (pango_font_description_get_size (desc) == 0) {
    gint px = CLAMP (height / 20, 6, 256);
    pango_font_description_set_absolute_size (desc, px * PANGO_SCALE);
  }
  return desc;
}

static void
set_source_argb (cairo_t * cr, guint32 argb, double alpha_scale)
{
  cairo_set_source_rgba (cr, ((argb >> 16) & 0xff) / 255.0,
      ((argb >> 8) & 0xff) / 255.0, (argb & 0xff) / 255.0,
      ((argb >> 24) & 0xff) / 255.0 * alpha_scale);
}

/* Draws the lines into a w x h surface; bars are 1/8 of a line high. */
static void
draw_box (cairo_t * cr, PangoLayout ** layouts, const gfloat * scores,
    guint n, const gint * line_h, gint pad, gint w, gint h,
    const CnnRenderStyle * style)
{
  gint y = pad;

  if (style->shaded) {
    cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
    cairo_paint (cr);
  }
  for (guint i = 0; i < n; i++) {
    if (scores[i] >= 0.0f) {
      gint bar_h = MAX (1, line_h[i] / 8);
      set_source_argb (cr, style->color, 0.6);
      cairo_rectangle (cr, pad, y + line_h[i] - bar_h,
          (w - 2 * pad) * CLAMP (scores[i], 0.0f, 1.0f), bar_h);
      cairo_fill (cr);
    }
    set_source_argb (cr, style->color, 1.0);
    cairo_move_to (cr, pad, y);
    pango_cairo_show_layout (cr, layouts[i]);
    y += line_h[i];
  }
}

static void
place_box (const CnnRenderStyle * style, gint fw, gint fh, gint w, gint h,
    gint * x, gint * y)
{
  gint margin = MAX (1, fh / 50);

  if (style->halign == CNN_HALIGN_LEFT)
    *x = margin;
  else if (style->halign == CNN_HALIGN_RIGHT)
    *x = fw - w - margin;
  else
    *x = (fw - w) / 2;
  if (style->valign == CNN_VALIGN_TOP)
    *y = margin;
  else if (style->valign == CNN_VALIGN_BOTTOM)
    *y = fh - h - margin;
  else
    *y = (fh - h) / 2;
  *x = CLAMP (*x, 0, fw - w);
  *y = CLAMP (*y, 0, fh - h);
}

static GstVideoOverlayComposition *
render_lines (CnnRender * r, const CnnRenderStyle * style,
    const gchar * const *lines, const gfloat * scores, guint n, gint fw,
    gint fh)
{
  PangoLayout *layouts[CNN_RENDER_MAX_LINES];
  PangoFontDescription *desc = font_for (style, fh);
  gint line_h[CNN_RENDER_MAX_LINES], w = 0, h = 0, pad, x, y;
  GstBuffer *buf;
  GstMapInfo map;
  GstVideoOverlayRectangle *rect;
  GstVideoOverlayComposition *comp;

  for (guint i = 0; i < n; i++) {
    PangoRectangle logical;
    layouts[i] = pango_layout_new (r->context);
    pango_layout_set_font_description (layouts[i], desc);
    pango_layout_set_text (layouts[i], lines[i], -1);
    pango_layout_get_pixel_extents (layouts[i], NULL, &logical);
    line_h[i] = MAX (1, logical.height);
    w = MAX (w, logical.width);
    h += line_h[i];
  }
  pango_font_description_free (desc);
  pad = MAX (1, line_h[0] / 4);
  w = MIN (w + 2 * pad, fw);
  h = MIN (h + 2 * pad, fh);
  place_box (style, fw, fh, w, h, &x, &y);

  buf = gst_buffer_new_and_alloc ((gsize) w * h * 4);
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  memset (map.data, 0, map.size);
  {
    cairo_surface_t *surface = cairo_image_surface_create_for_data (map.data,
        CAIRO_FORMAT_ARGB32, w, h, w * 4);
    cairo_t *cr = cairo_create (surface);
    draw_box (cr, layouts, scores, n, line_h, pad, w, h, style);
    cairo_destroy (cr);
    cairo_surface_destroy (surface);
  }
  gst_buffer_unmap (buf, &map);
  for (guint i = 0; i < n; i++)
    g_object_unref (layouts[i]);

  gst_buffer_add_video_meta (buf, GST_VIDEO_FRAME_FLAG_NONE,
      GST_VIDEO_OVERLAY_COMPOSITION_FORMAT_RGB, w, h);
  rect = gst_video_overlay_rectangle_new_raw (buf, x, y, w, h,
      GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
  gst_buffer_unref (buf);
  comp = gst_video_overlay_composition_new (rect);
  gst_video_overlay_rectangle_unref (rect);
  return comp;
}

static gchar *
cache_key (const CnnRenderStyle * style, const gchar * const *lines,
    const gfloat * scores, guint n, gint fw, gint fh)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "%dx%d|%s|%d|%d|%08x|%d", fw, fh,
      style->font_desc ? style->font_desc : "", style->halign, style->valign,
      style->color, style->shaded);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "\n%c%s", scores[i] >= 0 ? 'b' : '-',
        lines[i]);
  return g_string_free (s, FALSE);
}

GstVideoOverlayComposition *
cnn_render_get (CnnRender * render, const CnnRenderStyle * style,
    const gchar * const *lines, const gfloat * scores, guint n_lines,
    gint width, gint height)
{
  gchar *key;

  if (n_lines == 0 || width < 1 || height < 1)
    return NULL;
  n_lines = MIN (n_lines, CNN_RENDER_MAX_LINES);
  key = cache_key (style, lines, scores, n_lines, width, height);
  if (render->comp == NULL || g_strcmp0 (key, render->key) != 0) {
    if (render->comp)
      gst_video_overlay_composition_unref (render->comp);
    render->comp = render_lines (render, style, lines, scores, n_lines,
        width, height);
    g_free (render->key);
    render->key = key;
  } else {
    g_free (key);
  }
  return gst_video_overlay_composition_ref (render->comp);
}

gboolean
cnn_render_apply (GstVideoOverlayComposition * comp, GstVideoFrame * frame,
    gboolean attach)
{
  GstBuffer *buffer = frame->buffer;
  GstVideoOverlayCompositionMeta *old;

  if (!attach)
    return gst_video_overlay_composition_blend (comp, frame);

  old = gst_buffer_get_video_overlay_composition_meta (buffer);
  if (old != NULL) {
    GstVideoOverlayComposition *merged =
        gst_video_overlay_composition_copy (old->overlay);
    guint n = gst_video_overlay_composition_n_rectangles (comp);
    for (guint i = 0; i < n; i++)
      gst_video_overlay_composition_add_rectangle (merged,
          gst_video_overlay_composition_get_rectangle (comp, i));
    gst_buffer_remove_meta (buffer, (GstMeta *) old);
    gst_buffer_add_video_overlay_composition_meta (buffer, merged);
    gst_video_overlay_composition_unref (merged);
  } else {
    gst_buffer_add_video_overlay_composition_meta (buffer, comp);
  }
  return TRUE;
}
