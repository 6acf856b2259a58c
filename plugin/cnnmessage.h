/* cnnmessage.h — publish a classification: meta, ROI meta, bus message.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: given the selected top-k and the result's provenance these
 * helpers attach GstCnnClassificationMeta and a whole-frame
 * GstVideoRegionOfInterestMeta, and build the `cnnclassify` element message.
 * An unclassified frame (no class reached the threshold) is reported with
 * label "unclassified", class id -1 and the best score as confidence.
 */
#ifndef __CNN_MESSAGE_H__
#define __CNN_MESSAGE_H__

#include <gst/video/video.h>
#include "cnnengine.h"
#include "cnnpostprocess.h"

G_BEGIN_DECLS

#define CNN_UNCLASSIFIED_LABEL "unclassified"

/* Top-1 label text, or CNN_UNCLASSIFIED_LABEL. */
const gchar *cnn_top_label (const CnnTopK * top, const CnnEngine * engine);

void cnn_attach_metas (GstBuffer * buffer, const CnnTopK * top,
    const CnnEngine * engine, const CnnResult * result, gboolean stale,
    gint width, gint height);

/* Element message for a result computed on the frame with PTS
 * result->pts; segment converts it to stream and running time. */
GstMessage *cnn_message_new (GstObject * src, const CnnTopK * top,
    const CnnEngine * engine, const CnnResult * result,
    const GstSegment * segment, GstClockTime duration);

G_END_DECLS

#endif /* __CNN_MESSAGE_H__ */
