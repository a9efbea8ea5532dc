/// Pure C interface for writing DICOM Part-10 files with DCMTK (single-frame grayscale).
#ifndef CDCMTK_WRITE_H
#define CDCMTK_WRITE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One attribute given as its DICOM string value (VR taken from DCMTK's data dictionary).
typedef struct cdcmtk_write_attribute {
    uint16_t group;
    uint16_t element;
    const char *value;
} cdcmtk_write_attribute;

/// Output transfer syntaxes the writer supports.
typedef enum cdcmtk_write_syntax {
    CDCMTK_WRITE_EXPLICIT_LE = 0,
    CDCMTK_WRITE_JPEGLS_LOSSLESS = 1,
    CDCMTK_WRITE_RLE = 2
} cdcmtk_write_syntax;

/// Encodes one image as a Part-10 file in a malloc'ed buffer (free with cdcmtk_write_free).
///
/// `pixels` holds rows*columns stored values; with bits_allocated 8 each is cast to a byte.
/// Returns 0 on success; otherwise a non-zero code and a message in `error` (NUL-terminated).
int cdcmtk_write_encode(const cdcmtk_write_attribute *attributes, size_t attribute_count,
                        uint16_t rows, uint16_t columns, uint16_t bits_allocated, uint16_t bits_stored,
                        const uint16_t *pixels, size_t pixel_count, int syntax,
                        uint8_t **out_bytes, size_t *out_length, char *error, size_t error_capacity);

/// Frees a buffer returned by cdcmtk_write_encode.
void cdcmtk_write_free(uint8_t *bytes);

#ifdef __cplusplus
}
#endif

#endif
