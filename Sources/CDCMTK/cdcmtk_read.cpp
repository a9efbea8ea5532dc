// DICOM reading and frame decoding over DCMTK, behind the pure C header cdcmtk_read.h.
#include "cdcmtk_read.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmimage/diregist.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>

#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <mutex>
#include <new>
#include <utility>
#include <string>
#include <vector>

struct cdcmtk_object {
    DcmFileFormat file;
    E_TransferSyntax xfer = EXS_Unknown;
};

namespace {

void set(cdcmtk_result *result, int status, const std::string &message) {
    if (result == nullptr) return;
    result->status = status;
    std::snprintf(result->message, sizeof(result->message), "%s", message.c_str());
}

void copy_string(const std::string &value, char *out, size_t capacity) {
    if (out == nullptr || capacity == 0) return;
    size_t n = value.size() < capacity - 1 ? value.size() : capacity - 1;
    std::memcpy(out, value.data(), n);
    out[n] = 0;
}

/// A Part-10 file has "DICM" at offset 128; a bare dataset starts with a group 0x0000-0x0008 tag.
bool looks_like_dicom(const unsigned char *head, size_t length) {
    if (length >= 132 && std::memcmp(head + 128, "DICM", 4) == 0) return true;
    if (length < 8) return false;
    const unsigned groupLE = head[0] | (head[1] << 8);
    const unsigned groupBE = (head[0] << 8) | head[1];
    return groupLE <= 0x0008 || groupBE <= 0x0008;
}

bool is_truncation(const OFCondition &cond) {
    return cond == EC_StreamNotifyClient || cond == EC_ElemLengthLargerThanItem ||
           cond == EC_PrematureSequDelimitationItem || cond == EC_SequEnd || cond == EC_InvalidStream;
}

/// Maps a failed parse to a status; the DCMTK condition text names no patient data.
void parse_failure(const OFCondition &cond, cdcmtk_result *result) {
    if (is_truncation(cond)) {
        set(result, CDCMTK_TRUNCATED, std::string("truncated: ") + cond.text());
    } else if (cond == EC_MemoryExhausted) {
        set(result, CDCMTK_OVER_LIMIT, std::string("out of memory while parsing: ") + cond.text());
    } else {
        set(result, CDCMTK_CORRUPT, std::string("malformed DICOM: ") + cond.text());
    }
}

/// Finishes opening: checks the dataset is usable and records the transfer syntax.
cdcmtk_object *finish_open(cdcmtk_object *object, const OFCondition &cond, cdcmtk_result *result) {
    if (cond.bad()) {
        parse_failure(cond, result);
        delete object;
        return nullptr;
    }
    DcmDataset *dataset = object->file.getDataset();
    if (dataset == nullptr || dataset->card() == 0) {
        set(result, CDCMTK_NOT_DICOM, "no DICOM data elements");
        delete object;
        return nullptr;
    }
    object->xfer = dataset->getOriginalXfer();
    set(result, CDCMTK_OK, "");
    return object;
}

DcmElement *find(const cdcmtk_object *object, uint16_t group, uint16_t element) {
    if (object == nullptr) return nullptr;
    DcmDataset *dataset = const_cast<DcmFileFormat &>(object->file).getDataset();
    DcmElement *found = nullptr;
    if (dataset == nullptr || dataset->findAndGetElement(DcmTagKey(group, element), found, OFFalse).bad()) return nullptr;
    return found;
}

DcmPixelData *pixel_data(cdcmtk_object *object) {
    DcmElement *element = find(object, 0x7FE0, 0x0010);
    if (element == nullptr || element->ident() != EVR_PixelData) return nullptr;
    return static_cast<DcmPixelData *>(element);
}

}  // namespace

extern "C" void cdcmtk_initialize(void) {
    static std::once_flag once;
    std::call_once(once, [] {
        OFLog::configure(OFLogger::FATAL_LOG_LEVEL);
        // Colour-by-pixel output so every codec hands back interleaved samples.
        DJDecoderRegistration::registerCodecs(EDC_never, EUC_default, EPC_colorByPixel);
        DJLSDecoderRegistration::registerCodecs(EJLSUC_default, EJLSPC_colorByPixel);
        DcmRLEDecoderRegistration::registerCodecs();
    });
}

extern "C" cdcmtk_object *cdcmtk_open_path(const char *path, uint64_t max_bytes, cdcmtk_result *result) {
    cdcmtk_initialize();
    if (path == nullptr) {
        set(result, CDCMTK_IO, "no path");
        return nullptr;
    }
    struct stat info;
    if (stat(path, &info) != 0) {
        set(result, CDCMTK_IO, std::string("cannot stat: ") + std::strerror(errno));
        return nullptr;
    }
    if (!S_ISREG(info.st_mode)) {
        set(result, CDCMTK_IO, "not a regular file");
        return nullptr;
    }
    if (static_cast<uint64_t>(info.st_size) > max_bytes) {
        set(result, CDCMTK_OVER_LIMIT, "file has " + std::to_string(info.st_size) + " bytes, limit is " + std::to_string(max_bytes));
        return nullptr;
    }
    unsigned char head[132] = {0};
    FILE *handle = std::fopen(path, "rb");
    if (handle == nullptr) {
        set(result, CDCMTK_IO, std::string("cannot open: ") + std::strerror(errno));
        return nullptr;
    }
    size_t got = std::fread(head, 1, sizeof(head), handle);
    std::fclose(handle);
    if (!looks_like_dicom(head, got)) {
        set(result, got == 0 ? CDCMTK_NOT_DICOM : CDCMTK_NOT_DICOM, got == 0 ? "empty file" : "no DICM prefix and no DICOM tag at the start");
        return nullptr;
    }
    cdcmtk_object *object = new (std::nothrow) cdcmtk_object();
    if (object == nullptr) {
        set(result, CDCMTK_OVER_LIMIT, "out of memory");
        return nullptr;
    }
    OFCondition cond;
    try {
        cond = object->file.loadFile(OFFilename(path), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect);
    } catch (const std::bad_alloc &) {
        cond = EC_MemoryExhausted;
    }
    return finish_open(object, cond, result);
}

extern "C" cdcmtk_object *cdcmtk_open_buffer(const void *bytes, size_t length, uint64_t max_bytes, cdcmtk_result *result) {
    cdcmtk_initialize();
    if (length > max_bytes) {
        set(result, CDCMTK_OVER_LIMIT, "buffer has " + std::to_string(length) + " bytes, limit is " + std::to_string(max_bytes));
        return nullptr;
    }
    if (bytes == nullptr || length == 0) {
        set(result, CDCMTK_NOT_DICOM, "empty input");
        return nullptr;
    }
    if (!looks_like_dicom(static_cast<const unsigned char *>(bytes), length)) {
        set(result, CDCMTK_NOT_DICOM, "no DICM prefix and no DICOM tag at the start");
        return nullptr;
    }
    cdcmtk_object *object = new (std::nothrow) cdcmtk_object();
    if (object == nullptr) {
        set(result, CDCMTK_OVER_LIMIT, "out of memory");
        return nullptr;
    }
    OFCondition cond;
    try {
        DcmInputBufferStream stream;
        stream.setBuffer(bytes, static_cast<offile_off_t>(length));
        stream.setEos();
        object->file.setReadMode(ERM_autoDetect);
        object->file.transferInit();
        // A buffer stream offers no lazy loading, so every value is copied now and the caller's
        // bytes are not needed afterwards.
        cond = object->file.read(stream, EXS_Unknown, EGL_noChange, DCM_MaxReadLength);
        object->file.transferEnd();
        stream.releaseBuffer();
    } catch (const std::bad_alloc &) {
        cond = EC_MemoryExhausted;
    }
    return finish_open(object, cond, result);
}

extern "C" void cdcmtk_close(cdcmtk_object *object) { delete object; }

extern "C" void cdcmtk_transfer_syntax(const cdcmtk_object *object, char *out, size_t capacity) {
    if (object == nullptr) return copy_string("", out, capacity);
    DcmMetaInfo *meta = const_cast<DcmFileFormat &>(object->file).getMetaInfo();
    OFString declared;
    if (meta != nullptr && meta->findAndGetOFString(DCM_TransferSyntaxUID, declared).good() && !declared.empty()) {
        return copy_string(std::string(declared.c_str(), declared.length()), out, capacity);
    }
    DcmXfer xfer(object->xfer);
    copy_string(object->xfer == EXS_Unknown ? "" : xfer.getXferID(), out, capacity);
}

extern "C" long cdcmtk_string(const cdcmtk_object *object, uint16_t group, uint16_t element, char *out, size_t capacity) {
    DcmElement *found = find(object, group, element);
    if (found == nullptr) return -1;
    OFString value;
    if (found->getOFStringArray(value).bad()) return -1;
    copy_string(std::string(value.c_str(), value.length()), out, capacity);
    return static_cast<long>(value.length());
}

extern "C" int cdcmtk_integer(const cdcmtk_object *object, uint16_t group, uint16_t element, unsigned long position, int64_t *value) {
    DcmElement *found = find(object, group, element);
    if (found == nullptr || value == nullptr || position >= found->getVM()) return 0;
    switch (found->ident()) {
        case EVR_US: { Uint16 v; if (found->getUint16(v, position).bad()) return 0; *value = v; return 1; }
        case EVR_SS: { Sint16 v; if (found->getSint16(v, position).bad()) return 0; *value = v; return 1; }
        case EVR_UL: { Uint32 v; if (found->getUint32(v, position).bad()) return 0; *value = v; return 1; }
        case EVR_SL: { Sint32 v; if (found->getSint32(v, position).bad()) return 0; *value = v; return 1; }
        case EVR_IS: { Sint32 v; if (found->getSint32(v, position).bad()) return 0; *value = v; return 1; }
        default: {
            // Implicit-VR oddities and UN: fall back to the string form.
            OFString text;
            if (found->getOFString(text, position).bad()) return 0;
            char *end = nullptr;
            long long parsed = std::strtoll(text.c_str(), &end, 10);
            if (end == text.c_str()) return 0;
            *value = parsed;
            return 1;
        }
    }
}

extern "C" long cdcmtk_words(const cdcmtk_object *object, uint16_t sequence_group, uint16_t sequence_element,
                             uint16_t group, uint16_t element, uint16_t *out, size_t capacity) {
    if (object == nullptr) return -1;
    DcmDataset *dataset = const_cast<DcmFileFormat &>(object->file).getDataset();
    if (dataset == nullptr) return -1;
    DcmItem *item = dataset;
    if (sequence_group != 0) {
        DcmItem *first = nullptr;
        if (dataset->findAndGetSequenceItem(DcmTagKey(sequence_group, sequence_element), first, 0).bad() || first == nullptr) return -1;
        item = first;
    }
    DcmElement *found = nullptr;
    if (item->findAndGetElement(DcmTagKey(group, element), found, OFFalse).bad() || found == nullptr) return -1;
    unsigned long count = 0;
    const Uint16 *words = nullptr;
    if (found->ident() == EVR_SS) {
        Sint16 *signedWords = nullptr;
        if (found->getSint16Array(signedWords).bad() || signedWords == nullptr) return -1;
        words = reinterpret_cast<const Uint16 *>(signedWords);
        count = found->getLength() / 2;
    } else {
        Uint16 *unsignedWords = nullptr;
        if (found->getUint16Array(unsignedWords).bad() || unsignedWords == nullptr) return -1;
        words = unsignedWords;
        count = found->getLength() / 2;
    }
    size_t n = count < capacity ? count : capacity;
    if (out != nullptr && n > 0) std::memcpy(out, words, n * sizeof(Uint16));
    return static_cast<long>(count);
}

extern "C" int cdcmtk_has_pixel_data(const cdcmtk_object *object) {
    return pixel_data(const_cast<cdcmtk_object *>(object)) != nullptr ? 1 : 0;
}

extern "C" int cdcmtk_is_encapsulated(const cdcmtk_object *object) {
    DcmPixelData *pixels = pixel_data(const_cast<cdcmtk_object *>(object));
    if (pixels == nullptr) return 0;
    return (DcmXfer(object->xfer).isEncapsulated() || pixels->getLength() == DCM_UndefinedLength) ? 1 : 0;
}

extern "C" uint64_t cdcmtk_native_pixel_length(const cdcmtk_object *object) {
    DcmPixelData *pixels = pixel_data(const_cast<cdcmtk_object *>(object));
    if (pixels == nullptr || DcmXfer(object->xfer).isEncapsulated()) return 0;
    Uint32 length = pixels->getLength();
    return length == DCM_UndefinedLength ? 0 : length;
}

extern "C" int cdcmtk_decode_frame(cdcmtk_object *object, uint32_t frame, uint32_t *start_fragment, void *buffer,
                                   uint64_t frame_bytes, char *color_model, size_t color_model_capacity, int *planar,
                                   cdcmtk_result *result) {
    DcmPixelData *pixels = pixel_data(object);
    if (pixels == nullptr) {
        set(result, CDCMTK_NO_PIXEL_DATA, "no Pixel Data element");
        return CDCMTK_NO_PIXEL_DATA;
    }
    if (buffer == nullptr || frame_bytes == 0 || frame_bytes > 0xFFFFFFF0ull || (frame_bytes & 1) != 0) {
        set(result, CDCMTK_UNSUPPORTED_PIXEL_FORMAT, "frame size " + std::to_string(frame_bytes) + " cannot be decoded");
        return CDCMTK_UNSUPPORTED_PIXEL_FORMAT;
    }
    DcmDataset *dataset = object->file.getDataset();
    const bool encapsulated = DcmXfer(object->xfer).isEncapsulated();
    Uint32 cursor = start_fragment != nullptr ? *start_fragment : 0;
    OFString model;
    OFCondition cond;
    Uint16 samples = 1;
    dataset->findAndGetUint16(DCM_SamplesPerPixel, samples);
    OFString photometric;
    dataset->findAndGetOFString(DCM_PhotometricInterpretation, photometric);
    const bool subsampled = !encapsulated && samples == 3 &&
                            (photometric == "YBR_FULL_422" || photometric == "YBR_PARTIAL_422");
    try {
        if (subsampled) {
            // DCMTK sizes native frames as if every pixel had all three samples; a 4:2:2 frame
            // has two thirds of that, so it is read at its real offset and length.
            const uint64_t offset = static_cast<uint64_t>(frame) * frame_bytes;
            if (offset + frame_bytes > pixels->getLength()) {
                cond = EC_StreamNotifyClient;
            } else {
                cond = pixels->getPartialValue(buffer, static_cast<Uint32>(offset), static_cast<Uint32>(frame_bytes));
                model = photometric;
            }
        } else {
            cond = pixels->getUncompressedFrame(dataset, frame, cursor, buffer, static_cast<Uint32>(frame_bytes), model);
        }
    } catch (const std::bad_alloc &) {
        cond = EC_MemoryExhausted;
    }
    if (cond.bad()) {
        if (cond == EC_CannotChangeRepresentation || cond == EC_UnsupportedEncoding) {
            set(result, CDCMTK_UNSUPPORTED_TRANSFER_SYNTAX, std::string("no decoder: ") + cond.text());
            return CDCMTK_UNSUPPORTED_TRANSFER_SYNTAX;
        }
        if (cond == EC_MemoryExhausted) {
            set(result, CDCMTK_OVER_LIMIT, "out of memory while decoding");
            return CDCMTK_OVER_LIMIT;
        }
        if (!encapsulated && (is_truncation(cond) || cond == EC_InvalidStream || cond == EC_IllegalCall)) {
            set(result, CDCMTK_TRUNCATED, std::string("pixel data shorter than its header declares: ") + cond.text());
            return CDCMTK_TRUNCATED;
        }
        set(result, CDCMTK_CORRUPT, std::string("cannot decode frame ") + std::to_string(frame) + ": " + cond.text());
        return CDCMTK_CORRUPT;
    }
    if (start_fragment != nullptr) *start_fragment = cursor;
    copy_string(std::string(model.c_str(), model.length()), color_model, color_model_capacity);
    if (!encapsulated && DcmXfer(object->xfer).getByteOrder() == EBO_BigEndian) {
        // DCMTK swaps by the element's VR (OW: 16-bit words, OB: not at all); values need swapping
        // by their own width.
        Uint16 bitsAllocated = 0;
        dataset->findAndGetUint16(DCM_BitsAllocated, bitsAllocated);
        const size_t width = bitsAllocated / 8;
        const size_t swapped = pixels->getVR() == EVR_OW ? 2 : 1;
        unsigned char *bytes = static_cast<unsigned char *>(buffer);
        if (width > 1 && width != swapped) {
            if (swapped == 2) {
                for (uint64_t i = 0; i + 1 < frame_bytes; i += 2) std::swap(bytes[i], bytes[i + 1]);
            }
            for (uint64_t i = 0; i + width <= frame_bytes; i += width) {
                for (size_t k = 0; k < width / 2; ++k) std::swap(bytes[i + k], bytes[i + width - 1 - k]);
            }
        }
    }
    if (planar != nullptr) {
        // Native and RLE frames keep the dataset's planar configuration; the JPEG codecs were
        // registered to produce colour-by-pixel.
        Uint16 value = 0;
        if (!encapsulated || object->xfer == EXS_RLELossless) dataset->findAndGetUint16(DCM_PlanarConfiguration, value);
        *planar = value;
    }
    set(result, CDCMTK_OK, "");
    return CDCMTK_OK;
}
