/* cnnmessage.h — publish a classification: meta, ROI meta, bus message.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: given the selected top-k and the result's provenance these
 * helpers attach GstCnnClassificationMeta and a whole-frame
 * GstVideoRegionOfInterestMeta, and record the result for the `cnnclassify`
 * element message and build that message.
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

/* A result as its bus message carries it, held without allocation until
 * the message is built (cnnposter.c builds it when it posts). Only the
 * first CNN_RESULT_RECORD_SIZE (record) bytes are meaningful, so a held
 * record is copied at that size (about 100 bytes at the default top-k
 * instead of 1.2 kB). */
typedef struct {
  gint id;
  gfloat score;
  GQuark label;
} CnnRecordEntry;

typedef struct {
  GstClockTime timestamp, stream_time, running_time, duration;
  gint class_id;                /* top-1, -1 when unclassified */
  gfloat confidence;            /* top-1 score, or the best one below it */
  guint n;                      /* entries that reached the threshold */
  CnnRecordEntry top[CNN_MAX_TOP_K];    /* the first n are used */
} CnnResultRecord;

/* Bytes of record that matter, rounded up to keep records that follow one
 * another in a buffer 8-byte aligned. */
#define CNN_RESULT_RECORD_SIZE(record) \
  ((G_STRUCT_OFFSET (CnnResultRecord, top) \
      + (record)->n * sizeof (CnnRecordEntry) + 7) & ~(gsize) 7)

/* Fills record for a result computed on the frame with PTS result->pts;
 * segment converts it to stream and running time. */
void cnn_result_record_fill (CnnResultRecord * record, const CnnTopK * top,
    const CnnEngine * engine, const CnnResult * result,
    const GstSegment * segment, GstClockTime duration);

/* The `cnnclassify` element message of record. */
GstMessage *cnn_result_record_message (GstObject * src,
    const CnnResultRecord * record);

/* One `cnnclassify` element message for the len bytes of records that
 * follow one another (each CNN_RESULT_RECORD_SIZE long, at least one),
 * oldest first: the newest one's fields, and when there are several, the
 * others in an `earlier-results` array of `cnnclassify` structures, oldest
 * first. */
GstMessage *cnn_result_records_message (GstObject * src,
    const guint8 * records, gsize len);

G_END_DECLS

#endif /* __CNN_MESSAGE_H__ */
