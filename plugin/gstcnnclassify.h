/* gstcnnclassify.h — the cnnclassify element.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_CNN_CLASSIFY_H__
#define __GST_CNN_CLASSIFY_H__

#include <gst/video/gstvideofilter.h>

G_BEGIN_DECLS

#define GST_TYPE_CNN_CLASSIFY (gst_cnn_classify_get_type ())
G_DECLARE_FINAL_TYPE (GstCnnClassify, gst_cnn_classify, GST, CNN_CLASSIFY,
    GstVideoFilter);

GST_ELEMENT_REGISTER_DECLARE (cnnclassify);

G_END_DECLS

#endif /* __GST_CNN_CLASSIFY_H__ */
