/* gstcnnoverlay.h — the cnnoverlay element.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_CNN_OVERLAY_H__
#define __GST_CNN_OVERLAY_H__

#include <gst/video/gstvideofilter.h>

G_BEGIN_DECLS

#define GST_TYPE_CNN_OVERLAY (gst_cnn_overlay_get_type ())
G_DECLARE_FINAL_TYPE (GstCnnOverlay, gst_cnn_overlay, GST, CNN_OVERLAY,
    GstVideoFilter);

GST_ELEMENT_REGISTER_DECLARE (cnnoverlay);

G_END_DECLS

#endif /* __GST_CNN_OVERLAY_H__ */
