// DICOM writing through DCMTK, behind the pure C header cdcmtk_write.h.
#include "cdcmtk_write.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmdata/dcrlerp.h>
#include <dcmtk/dcmjpls/djencode.h>
#include <dcmtk/dcmjpls/djrparam.h>
#include <dcmtk/oflog/oflog.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

namespace {

std::once_flag encodersOnce;

/// Registers the JPEG-LS and RLE encoders exactly once per process (thread-safe via call_once).
void registerEncoders() {
    std::call_once(encodersOnce, [] {
        OFLog::configure(OFLogger::FATAL_LOG_LEVEL);
        // No new SOP Instance UID on lossless compression: output must depend on the request only.
        DJLSEncoderRegistration::registerCodecs();
        DcmRLEEncoderRegistration::registerCodecs(OFFalse, 0, OFTrue, OFFalse);
    });
}

/// DCMTK 3.6.7's JPEG-LS encoder pads an odd-length codestream with one uninitialised byte after
/// the EOI marker, which makes output non-deterministic. Set that pad byte to zero.
void zeroJPEGLSPadding(DcmDataset *dataset, const DcmRepresentationParameter *param) {
    DcmElement *element = nullptr;
    if (dataset->findAndGetElement(DCM_PixelData, element).bad() || element == nullptr) return;
    DcmPixelData *pixelData = OFstatic_cast(DcmPixelData *, element);
    DcmPixelSequence *sequence = nullptr;
    if (pixelData->getEncapsulatedRepresentation(EXS_JPEGLSLossless, param, sequence).bad() || sequence == nullptr) return;
    for (unsigned long i = 1; i < sequence->card(); ++i) {
        DcmPixelItem *item = nullptr;
        if (sequence->getItem(item, i).bad() || item == nullptr) continue;
        Uint8 *data = nullptr;
        const Uint32 length = item->getLength();
        if (item->getUint8Array(data).bad() || data == nullptr || length < 3) continue;
        if (data[length - 3] == 0xFF && data[length - 2] == 0xD9) data[length - 1] = 0;
    }
}

int fail(int code, const std::string &message, char *error, size_t capacity) {
    if (error != nullptr && capacity > 0) {
        std::strncpy(error, message.c_str(), capacity - 1);
        error[capacity - 1] = '\0';
    }
    return code;
}

}  // namespace

extern "C" void cdcmtk_write_free(uint8_t *bytes) { std::free(bytes); }

extern "C" int cdcmtk_write_encode(const cdcmtk_write_attribute *attributes, size_t attribute_count,
                                   uint16_t rows, uint16_t columns, uint16_t bits_allocated,
                                   uint16_t bits_stored, const uint16_t *pixels, size_t pixel_count,
                                   int syntax, uint8_t **out_bytes, size_t *out_length, char *error,
                                   size_t error_capacity) {
    if (out_bytes == nullptr || out_length == nullptr) return fail(1, "no output pointer", error, error_capacity);
    *out_bytes = nullptr;
    *out_length = 0;
    if (pixels == nullptr || pixel_count != size_t(rows) * size_t(columns) || pixel_count == 0)
        return fail(1, "pixel count does not match rows*columns", error, error_capacity);
    if (!(bits_allocated == 8 || bits_allocated == 16) || bits_stored > bits_allocated || bits_stored < 1)
        return fail(1, "unsupported bits allocated/stored", error, error_capacity);
    registerEncoders();
    try {
        DcmFileFormat fileformat;
        DcmDataset *dataset = fileformat.getDataset();
        for (size_t i = 0; i < attribute_count; ++i) {
            const cdcmtk_write_attribute &a = attributes[i];
            DcmTagKey key(a.group, a.element);
            OFCondition cond = dataset->putAndInsertString(key, a.value != nullptr ? a.value : "");
            if (cond.bad()) {
                char tag[32];
                std::snprintf(tag, sizeof tag, "(%04x,%04x)", a.group, a.element);
                return fail(1, std::string("cannot set attribute ") + tag + ": " + cond.text(), error,
                            error_capacity);
            }
        }
        dataset->putAndInsertUint16(DCM_SamplesPerPixel, 1);
        dataset->putAndInsertUint16(DCM_Rows, rows);
        dataset->putAndInsertUint16(DCM_Columns, columns);
        dataset->putAndInsertUint16(DCM_BitsAllocated, bits_allocated);
        dataset->putAndInsertUint16(DCM_BitsStored, bits_stored);
        dataset->putAndInsertUint16(DCM_HighBit, uint16_t(bits_stored - 1));
        dataset->putAndInsertUint16(DCM_PixelRepresentation, 0);
        OFCondition cond;
        if (bits_allocated == 8) {
            std::vector<Uint8> bytes(pixel_count);
            for (size_t i = 0; i < pixel_count; ++i) bytes[i] = Uint8(pixels[i]);
            cond = dataset->putAndInsertUint8Array(DCM_PixelData, bytes.data(), (unsigned long)pixel_count);
        } else {
            cond = dataset->putAndInsertUint16Array(DCM_PixelData, pixels, (unsigned long)pixel_count);
        }
        if (cond.bad()) return fail(2, std::string("cannot set pixel data: ") + cond.text(), error, error_capacity);

        E_TransferSyntax xfer = EXS_LittleEndianExplicit;
        if (syntax == CDCMTK_WRITE_JPEGLS_LOSSLESS) {
            xfer = EXS_JPEGLSLossless;
            DJLSRepresentationParameter param(0, OFTrue);
            cond = dataset->chooseRepresentation(xfer, &param);
            if (cond.good()) zeroJPEGLSPadding(dataset, &param);
        } else if (syntax == CDCMTK_WRITE_RLE) {
            xfer = EXS_RLELossless;
            DcmRLERepresentationParameter param;
            cond = dataset->chooseRepresentation(xfer, &param);
        } else if (syntax != CDCMTK_WRITE_EXPLICIT_LE) {
            return fail(1, "unknown transfer syntax", error, error_capacity);
        }
        if (cond.bad() || !dataset->canWriteXfer(xfer))
            return fail(2, std::string("compression failed: ") + cond.text(), error, error_capacity);

        std::vector<uint8_t> result;
        result.reserve(pixel_count * (bits_allocated / 8) + 4096);
        std::vector<char> chunk(1 << 20);
        DcmOutputBufferStream stream(chunk.data(), chunk.size());
        fileformat.transferInit();
        do {
            cond = fileformat.write(stream, xfer, EET_ExplicitLength, nullptr);
            void *written = nullptr;
            offile_off_t length = 0;
            stream.flushBuffer(written, length);
            if (length > 0) {
                const uint8_t *p = static_cast<const uint8_t *>(written);
                result.insert(result.end(), p, p + length);
            }
        } while (cond == EC_StreamNotifyClient);
        fileformat.transferEnd();
        if (cond.bad()) return fail(2, std::string("cannot serialise: ") + cond.text(), error, error_capacity);
        // Final flush (nothing is normally left after the last write).
        void *written = nullptr;
        offile_off_t length = 0;
        stream.flushBuffer(written, length);
        if (length > 0) {
            const uint8_t *p = static_cast<const uint8_t *>(written);
            result.insert(result.end(), p, p + length);
        }
        uint8_t *buffer = static_cast<uint8_t *>(std::malloc(result.size() > 0 ? result.size() : 1));
        if (buffer == nullptr) return fail(3, "out of memory", error, error_capacity);
        std::memcpy(buffer, result.data(), result.size());
        *out_bytes = buffer;
        *out_length = result.size();
        return 0;
    } catch (const std::exception &e) {
        return fail(2, std::string("exception: ") + e.what(), error, error_capacity);
    } catch (...) {
        return fail(2, "unknown exception", error, error_capacity);
    }
}
