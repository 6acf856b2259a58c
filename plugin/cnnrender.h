/* cnnrender.h — the label box renderer shared by cnnclassify and cnnoverlay.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: Pango + Cairo draw lines of plain text (never markup: a label
 * such as "R&B <b>" shows exactly that), optionally each over a bar whose
 * length is the line's score, into a GstVideoOverlayComposition. The last
 * composition is cached and reused while text, style and frame size stay
 * the same. cnn_render_apply() attaches the composition as meta or blends it
 * into the frame. A renderer is used by one thread at a time.
 */
#ifndef __CNN_RENDER_H__
#define __CNN_RENDER_H__

#include <gst/video/video.h>
#include <gst/video/video-overlay-composition.h>

G_BEGIN_DECLS

typedef enum {
  CNN_HALIGN_LEFT,
  CNN_HALIGN_CENTER,
  CNN_HALIGN_RIGHT,
} CnnHAlign;

typedef enum {
  CNN_VALIGN_TOP,
  CNN_VALIGN_CENTER,
  CNN_VALIGN_BOTTOM,
} CnnVAlign;

#define CNN_TYPE_HALIGN (cnn_halign_get_type ())
GType cnn_halign_get_type (void);
#define CNN_TYPE_VALIGN (cnn_valign_get_type ())
GType cnn_valign_get_type (void);

#define CNN_RENDER_MAX_LINES 10

typedef struct {
  const gchar *font_desc;       /* NULL/"": Sans sized from frame height */
  CnnHAlign halign;
  CnnVAlign valign;
  guint32 color;                /* text colour, ARGB */
  gboolean shaded;              /* dark translucent box behind the text */
} CnnRenderStyle;

typedef struct CnnRender CnnRender;

CnnRender *cnn_render_new (void);
void cnn_render_free (CnnRender * render);

/* Composition for n_lines lines (scores[i] in [0,1] draws a bar, < 0 none)
 * on a width x height frame. Returns a new reference, or NULL when
 * n_lines == 0. The returned box lies inside the frame. */
GstVideoOverlayComposition *cnn_render_get (CnnRender * render,
    const CnnRenderStyle * style, const gchar * const *lines,
    const gfloat * scores, guint n_lines, gint width, gint height);

/* Attach (merging with an existing composition meta) or blend. */
gboolean cnn_render_apply (GstVideoOverlayComposition * comp,
    GstVideoFrame * frame, gboolean attach);

/* "label 87.5%" lines for a top list; unclassified gives one line. */
guint cnn_render_format_lines (const gchar * const *labels,
    const gfloat * scores, guint n, guint max_lines, gchar ** lines_out);

G_END_DECLS

#endif /* __CNN_RENDER_H__ */
