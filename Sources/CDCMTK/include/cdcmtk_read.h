/// Pure C interface for reading and decoding DICOM through DCMTK.
///
/// Every function is safe on any input: failures are reported through a status code and a message
/// that names no patient data. Handles are owned by the caller and released with cdcmtk_close.
#ifndef CDCMTK_READ_H
#define CDCMTK_READ_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Outcome of a shim call. Values are stable: the Swift side maps them to typed errors.
typedef enum {
    CDCMTK_OK = 0,
    CDCMTK_NOT_DICOM = 1,
    CDCMTK_TRUNCATED = 2,
    CDCMTK_UNSUPPORTED_TRANSFER_SYNTAX = 3,
    CDCMTK_NO_PIXEL_DATA = 4,
    CDCMTK_UNSUPPORTED_PIXEL_FORMAT = 5,
    CDCMTK_OVER_LIMIT = 6,
    CDCMTK_IO = 7,
    CDCMTK_CORRUPT = 8
} cdcmtk_status;

/// A parsed DICOM object (file meta + dataset). Opaque.
typedef struct cdcmtk_object cdcmtk_object;

/// Result of an open or decode call: status plus a short human-readable reason.
typedef struct {
    int status;
    char message[256];
} cdcmtk_result;

/// Registers the JPEG, JPEG-LS and RLE decoders and silences DCMTK logging. Idempotent, thread-safe.
void cdcmtk_initialize(void);

/// Parses a file (with or without a Part-10 preamble). Files larger than max_bytes are refused
/// before reading. Returns NULL on failure with result filled.
cdcmtk_object *cdcmtk_open_path(const char *path, uint64_t max_bytes, cdcmtk_result *result);

/// Parses an in-memory object. The bytes are copied, so the caller may free them afterwards.
cdcmtk_object *cdcmtk_open_buffer(const void *bytes, size_t length, uint64_t max_bytes, cdcmtk_result *result);

void cdcmtk_close(cdcmtk_object *object);

/// The transfer syntax UID declared in the file meta information, else the one DCMTK detected
/// (possibly empty), copied into out.
void cdcmtk_transfer_syntax(const cdcmtk_object *object, char *out, size_t capacity);

/// All values of a top-level element as one string (multiple values joined by backslash).
/// Returns the full length (which may exceed capacity - 1; the copy is truncated and terminated),
/// or -1 when the element is absent or has no string form.
long cdcmtk_string(const cdcmtk_object *object, uint16_t group, uint16_t element, char *out, size_t capacity);

/// One integer value (US, UL, SS, SL or IS) of a top-level element. Returns 1 when found, else 0.
int cdcmtk_integer(const cdcmtk_object *object, uint16_t group, uint16_t element, unsigned long position, int64_t *value);

/// 16-bit words of an element, top-level (sequence_group == 0) or in the first item of a sequence.
/// SS values are returned as their bit pattern. Returns the number of words (which may exceed
/// capacity; only capacity are copied), or -1 when absent.
long cdcmtk_words(const cdcmtk_object *object, uint16_t sequence_group, uint16_t sequence_element,
                  uint16_t group, uint16_t element, uint16_t *out, size_t capacity);

/// 1 when the dataset has a Pixel Data element.
int cdcmtk_has_pixel_data(const cdcmtk_object *object);

/// 1 when the pixel data is encapsulated (compressed).
int cdcmtk_is_encapsulated(const cdcmtk_object *object);

/// Length in bytes of native pixel data, 0 when encapsulated or absent.
uint64_t cdcmtk_native_pixel_length(const cdcmtk_object *object);

/// Decodes frame `frame` (0-based) with DcmPixelData::getUncompressedFrame into buffer, which must
/// hold frame_bytes (an even number of bytes: pad odd frames by one). Values are in host byte
/// order, in the layout DCMTK produces (color_model receives the decompressed color model, e.g.
/// "RGB" or "YBR_FULL"; planar receives the planar configuration of the output).
/// start_fragment carries DCMTK's fragment cursor between sequential calls (pass 0 first).
int cdcmtk_decode_frame(cdcmtk_object *object, uint32_t frame, uint32_t *start_fragment, void *buffer,
                        uint64_t frame_bytes, char *color_model, size_t color_model_capacity, int *planar,
                        cdcmtk_result *result);

#ifdef __cplusplus
}
#endif

#endif
