// DICOM reading and frame decoding over DCMTK, behind the pure C header cdcmtk_read.h.
#include "cdcmtk_read.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmimage/diregist.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <zlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <new>
#include <utility>
#include <string>
#include <vector>

struct cdcmtk_object {
    /// For buffer input: an anonymous in-memory file holding the bytes (see cdcmtk_open_buffer).
    int memoryFile = -1;
    DcmFileFormat file;
    E_TransferSyntax xfer = EXS_Unknown;
    /// Top-level elements by tag, built on the first lookup: the Swift side reads ~25 attributes
    /// per object, and DCMTK's own search walks its element list from the start every time.
    std::vector<std::pair<uint32_t, DcmElement *>> index;
    bool indexed = false;
    /// -1 until RLE fragments are checked, then 1 (valid) or 0 (refused).
    int rleValid = -1;
    /// Set when the input was a deflated dataset that the shim inflated itself.
    std::string declaredTransferSyntax;

    cdcmtk_object() = default;
    cdcmtk_object(const cdcmtk_object &) = delete;
    cdcmtk_object &operator=(const cdcmtk_object &) = delete;
    ~cdcmtk_object() {
        if (memoryFile >= 0) close(memoryFile);
    }
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

DcmElement *find(const cdcmtk_object *constObject, uint16_t group, uint16_t element) {
    if (constObject == nullptr) return nullptr;
    cdcmtk_object *object = const_cast<cdcmtk_object *>(constObject);
    DcmDataset *dataset = object->file.getDataset();
    if (dataset == nullptr) return nullptr;
    if (!object->indexed) {
        object->indexed = true;
        DcmObject *current = nullptr;
        try {
            while ((current = dataset->nextInContainer(current)) != nullptr) {
                const DcmTagKey key = current->getTag();
                object->index.emplace_back((uint32_t(key.getGroup()) << 16) | key.getElement(), static_cast<DcmElement *>(current));
            }
        } catch (...) {
            object->index.clear();  // out of memory: behave as if the dataset were empty
        }
        std::sort(object->index.begin(), object->index.end(),
                  [](const std::pair<uint32_t, DcmElement *> &a, const std::pair<uint32_t, DcmElement *> &b) { return a.first < b.first; });
    }
    const uint32_t key = (uint32_t(group) << 16) | element;
    auto it = std::lower_bound(object->index.begin(), object->index.end(), key,
                               [](const std::pair<uint32_t, DcmElement *> &a, uint32_t k) { return a.first < k; });
    if (it == object->index.end() || it->first != key) return nullptr;
    return it->second;
}

DcmPixelData *pixel_data(cdcmtk_object *object) {
    DcmElement *element = find(object, 0x7FE0, 0x0010);
    if (element == nullptr || element->ident() != EVR_PixelData) return nullptr;
    return static_cast<DcmPixelData *>(element);
}

const char *const kDeflatedUID = "1.2.840.10008.1.2.1.99";

/// Whether an explicit VR has a 4-byte length, the way DCMTK decides it: the standard long VRs,
/// and any unknown VR made of two upper-case letters.
bool long_length_vr(unsigned char c0, unsigned char c1) {
    static const char *const shortVRs[] = {"AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO", "LT",
                                           "PN", "SH", "SL", "SS", "ST", "TM", "UI", "UL", "US"};
    if (!(c0 >= 'A' && c0 <= 'Z' && c1 >= 'A' && c1 <= 'Z')) return false;
    for (const char *vr : shortVRs) {
        if (vr[0] == c0 && vr[1] == c1) return false;
    }
    return true;
}



/// Random access to an input's bytes for the pre-parse checks below.
struct MemoryWindow {
    const unsigned char *bytes;
    uint64_t length;
    uint64_t size() const { return length; }
    /// [pos, pos + n), or nullptr past the end.
    const unsigned char *at(uint64_t pos, size_t n) { return pos + n <= length ? bytes + pos : nullptr; }
};

/// The same over a file, through one buffer refilled with pread: element headers cluster at the
/// start of a file and after its pixel data, so a walk costs a few reads, and unlike a mapping it
/// needs no munmap (whose TLB shootdown is costly in VMs).
struct FileWindow {
    int fd;
    uint64_t length;
    std::vector<unsigned char> buffer;
    uint64_t start = 0;
    size_t filled = 0;
    uint64_t size() const { return length; }
    const unsigned char *at(uint64_t pos, size_t n) {
        if (pos + n > length) return nullptr;
        if (pos >= start && pos + n <= start + filled) return buffer.data() + (pos - start);
        const size_t want = static_cast<size_t>(std::min<uint64_t>(length - pos, std::max<size_t>(n, 4096)));
        if (buffer.size() < want) buffer.resize(want);
        size_t got = 0;
        while (got < want) {
            const ssize_t r = pread(fd, buffer.data() + got, want - got, static_cast<off_t>(pos + got));
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            got += static_cast<size_t>(r);
        }
        start = pos;
        filled = got;
        return got >= n ? buffer.data() : nullptr;
    }
};

/// Walks the explicit-VR little-endian group 0002 of a Part-10 input. Returns the offset of the
/// dataset and whether the declared transfer syntax is deflated; false when there is no meta header.
template <class Window>
bool meta_header(Window &w, uint64_t *datasetOffset, bool *deflated, std::string *transferSyntax = nullptr) {
    *deflated = false;
    const unsigned char *magic = w.at(128, 4);
    if (magic == nullptr || std::memcmp(magic, "DICM", 4) != 0) return false;
    uint64_t pos = 132;
    while (const unsigned char *b = w.at(pos, 8)) {
        const unsigned group = b[0] | (b[1] << 8);
        const unsigned element = b[2] | (b[3] << 8);
        if (group != 0x0002) break;
        uint64_t length;
        size_t header;
        if (long_length_vr(b[4], b[5])) {
            b = w.at(pos, 12);
            if (b == nullptr) return false;
            length = uint64_t(b[8]) | (uint64_t(b[9]) << 8) | (uint64_t(b[10]) << 16) | (uint64_t(b[11]) << 24);
            header = 12;
        } else {
            length = b[6] | (b[7] << 8);
            header = 8;
        }
        if (pos + header + length > w.size()) return false;
        if (element == 0x0010) {
            const unsigned char *value = w.at(pos + header, static_cast<size_t>(length));
            if (value == nullptr) return false;
            std::string uid(reinterpret_cast<const char *>(value), static_cast<size_t>(length));
            while (!uid.empty() && (uid.back() == 0 || uid.back() == ' ')) uid.pop_back();
            *deflated = uid == kDeflatedUID;
            if (transferSyntax != nullptr) *transferSyntax = uid;
        }
        pos += header + length;
    }
    *datasetOffset = pos;
    return true;
}

/// Deepest sequence/item nesting accepted. DCMTK parses nested sequences recursively, so a few
/// kilobytes of nested undefined-length sequences would otherwise exhaust the thread's stack.
constexpr size_t kMaxNesting = 128;

/// Walks element headers only (values are skipped by length) and reports whether sequences and
/// items nest deeper than kMaxNesting. Lengths that run past the input simply end the walk:
/// DCMTK reports those as truncation.
template <class Window>
bool nests_too_deep(Window &w, uint64_t pos, bool explicitVR, bool bigEndian) {
    struct Level {
        uint64_t end;  // UINT64_MAX for undefined length
        bool pixelFragments;
    };
    std::vector<Level> stack;
    auto u16 = [&](const unsigned char *b) -> uint32_t { return bigEndian ? (b[0] << 8) | b[1] : b[0] | (b[1] << 8); };
    auto u32 = [&](const unsigned char *b) -> uint32_t {
        return bigEndian ? (uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) | b[3]
                         : uint32_t(b[0]) | (uint32_t(b[1]) << 8) | (uint32_t(b[2]) << 16) | (uint32_t(b[3]) << 24);
    };
    const uint32_t undefined = 0xFFFFFFFF;
    while (const unsigned char *b = w.at(pos, 8)) {
        while (!stack.empty() && pos >= stack.back().end) stack.pop_back();
        const uint32_t group = u16(b), element = u16(b + 2);
        if (group == 0xFFFE) {
            const uint32_t length = u32(b + 4);
            pos += 8;
            if (element == 0xE000) {
                if (!stack.empty() && stack.back().pixelFragments) {
                    if (length == undefined) return false;
                    pos += length;
                } else {
                    stack.push_back({length == undefined ? UINT64_MAX : pos + length, false});
                }
            } else if (!stack.empty()) {
                stack.pop_back();  // item or sequence delimiter
            }
        } else {
            uint32_t length;
            size_t header;
            bool sequence = false;
            if (explicitVR) {
                const char v0 = static_cast<char>(b[4]), v1 = static_cast<char>(b[5]);
                if (long_length_vr(b[4], b[5])) {
                    b = w.at(pos, 12);
                    if (b == nullptr) return false;
                    length = u32(b + 8);
                    header = 12;
                } else {
                    length = u16(b + 6);
                    header = 8;
                }
                sequence = (v0 == 'S' && v1 == 'Q') || length == undefined;
            } else {
                length = u32(b + 4);
                header = 8;
                // Implicit VR: undefined length, or a value that starts with an item tag.
                const unsigned char *value = length >= 8 && length != undefined ? w.at(pos + 8, 4) : nullptr;
                sequence = length == undefined || (value != nullptr && u16(value) == 0xFFFE && u16(value + 2) == 0xE000);
            }
            pos += header;
            if (sequence) {
                const bool pixels = group == 0x7FE0 && element == 0x0010;
                stack.push_back({length == undefined ? UINT64_MAX : pos + length, pixels});
            } else {
                pos += length;
            }
        }
        if (stack.size() > kMaxNesting) return true;
    }
    return false;
}

/// Checks an input's nesting before DCMTK parses it (see nests_too_deep).
template <class Window>
bool refuse_deep_nesting(Window &w, cdcmtk_result *result) {
    uint64_t offset = 0;
    bool deflated = false;
    std::string uid;
    bool explicitVR;
    bool bigEndian = false;
    if (meta_header(w, &offset, &deflated, &uid)) {
        explicitVR = uid != "1.2.840.10008.1.2";
        bigEndian = uid == "1.2.840.10008.1.2.2";
    } else {
        const unsigned char *magic = w.at(128, 4);
        offset = magic != nullptr && std::memcmp(magic, "DICM", 4) == 0 ? 132 : 0;
        const unsigned char *vr = w.at(offset + 4, 2);
        explicitVR = vr != nullptr && std::isupper(vr[0]) && std::isupper(vr[1]);
    }
    if (nests_too_deep(w, offset, explicitVR, bigEndian)) {
        set(result, CDCMTK_CORRUPT, "sequences nest deeper than " + std::to_string(kMaxNesting) + " levels");
        return true;
    }
    return false;
}

/// Inflates a deflated dataset (raw deflate as the standard says, zlib-wrapped as some writers do)
/// into at most max_bytes.
int inflate_dataset(const unsigned char *in, size_t n, uint64_t maxBytes, std::vector<unsigned char> &out, std::string &why) {
    for (int windowBits : {-MAX_WBITS, MAX_WBITS + 32}) {
        out.clear();
        z_stream z;
        std::memset(&z, 0, sizeof(z));
        if (inflateInit2(&z, windowBits) != Z_OK) {
            why = "zlib initialisation failed";
            return CDCMTK_IO;
        }
        z.next_in = const_cast<Bytef *>(in);
        z.avail_in = static_cast<uInt>(n > 0x7FFFFFFF ? 0x7FFFFFFF : n);
        int rc = Z_OK;
        unsigned char chunk[65536];
        while (rc == Z_OK) {
            z.next_out = chunk;
            z.avail_out = sizeof(chunk);
            rc = inflate(&z, Z_NO_FLUSH);
            const size_t produced = sizeof(chunk) - z.avail_out;
            if (out.size() + produced > maxBytes) {
                inflateEnd(&z);
                why = "inflated dataset exceeds " + std::to_string(maxBytes) + " bytes";
                return CDCMTK_OVER_LIMIT;
            }
            out.insert(out.end(), chunk, chunk + produced);
            if (rc == Z_BUF_ERROR && z.avail_in == 0) break;  // input ended early
        }
        inflateEnd(&z);
        if (rc == Z_STREAM_END) return CDCMTK_OK;
        if (rc == Z_BUF_ERROR || (rc == Z_OK && z.avail_in == 0)) {
            if (!out.empty()) {
                why = "deflated dataset ends before its end marker";
                return CDCMTK_TRUNCATED;
            }
        }
    }
    why = "deflated dataset is not a valid deflate stream";
    return CDCMTK_CORRUPT;
}

/// Copies bytes into an anonymous in-memory file owned by object; returns its /proc path.
bool memory_file(cdcmtk_object *object, const unsigned char *bytes, size_t length, std::string &path, cdcmtk_result *result) {
    object->memoryFile = memfd_create("cdcmtk-buffer", MFD_CLOEXEC);
    if (object->memoryFile < 0) {
        set(result, CDCMTK_IO, std::string("memfd_create: ") + std::strerror(errno));
        return false;
    }
    while (length > 0) {
        ssize_t n = write(object->memoryFile, bytes, length);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            set(result, CDCMTK_IO, std::string("buffering input: ") + std::strerror(errno));
            return false;
        }
        bytes += n;
        length -= static_cast<size_t>(n);
    }
    path = "/proc/self/fd/" + std::to_string(object->memoryFile);
    return true;
}

/// Opens a deflated Part-10 input. DCMTK would read it through an inflating stream, which
/// allocates every element's declared length before checking it; inflating here first lets the
/// dataset be read as an explicit-VR little-endian file, where large values are checked against
/// the bytes that exist.
cdcmtk_object *open_deflated(const unsigned char *bytes, size_t length, uint64_t datasetOffset, uint64_t maxBytes, cdcmtk_result *result) {
    std::vector<unsigned char> inflated;
    std::string why;
    int status;
    try {
        status = inflate_dataset(bytes + datasetOffset, length - datasetOffset, maxBytes, inflated, why);
    } catch (...) {
        status = CDCMTK_OVER_LIMIT;
        why = "out of memory while inflating";
    }
    if (status != CDCMTK_OK) {
        set(result, status, why);
        return nullptr;
    }
    cdcmtk_object *object = new (std::nothrow) cdcmtk_object();
    if (object == nullptr) {
        set(result, CDCMTK_OVER_LIMIT, "out of memory");
        return nullptr;
    }
    MemoryWindow inflatedWindow{inflated.data(), inflated.size()};
    if (nests_too_deep(inflatedWindow, 0, true, false)) {
        set(result, CDCMTK_CORRUPT, "sequences nest deeper than " + std::to_string(kMaxNesting) + " levels");
        delete object;
        return nullptr;
    }
    object->declaredTransferSyntax = kDeflatedUID;
    std::string path;
    if (!memory_file(object, inflated.data(), inflated.size(), path, result)) {
        delete object;
        return nullptr;
    }
    OFCondition cond;
    try {
        cond = object->file.loadFile(OFFilename(path.c_str()), EXS_LittleEndianExplicit, EGL_noChange, DCM_MaxReadLength, ERM_dataset);
    } catch (const std::bad_alloc &) {
        cond = EC_MemoryExhausted;
    } catch (...) {
        // No C++ exception may cross the C boundary into Swift.
        cond = EC_CorruptedData;
    }
    return finish_open(object, cond, result);
}

/// What to do with an input before DCMTK sees it.
enum class Route { dcmtk, deflated, refused };

/// Checks nesting depth and finds deflated inputs (see open_deflated). An input whose meta region
/// mentions the deflated UID without a parseable meta header declaring it is refused: DCMTK might
/// still find the UID and read through its inflating stream.
template <class Window>
Route route(Window &w, uint64_t *datasetOffset, cdcmtk_result *result) {
    bool deflated = false;
    std::string uid;
    const bool parsed = meta_header(w, datasetOffset, &deflated, &uid);
    // DCMTK takes the transfer syntax from the group 0002 elements it reads, which end where the
    // walk above ends; without a parseable meta header, the first 64 KiB are searched instead.
    const uint64_t region = std::min<uint64_t>(parsed ? *datasetOffset : 65536, w.size());
    const unsigned char *head = w.at(0, static_cast<size_t>(region));
    if (head != nullptr && memmem(head, static_cast<size_t>(region), kDeflatedUID, std::strlen(kDeflatedUID)) != nullptr && !deflated) {
        set(result, CDCMTK_CORRUPT, "meta header mentions the deflated transfer syntax but does not declare it");
        return Route::refused;
    }
    if (deflated) return Route::deflated;
    return refuse_deep_nesting(w, result) ? Route::refused : Route::dcmtk;
}

/// DCMTK 3.6.7's RLE decoder trusts the segment offsets in each frame's RLE header: an offset
/// past the end of the fragment makes it read wild memory (found by fuzzing; see
/// Tests/DICOMTests/Fixtures). PS3.5 G.2 puts each frame in exactly one fragment that starts with
/// a 64-byte header of at most 15 ascending offsets, so every fragment is checked against that.
bool rle_fragments_valid(DcmPixelData *pixels, Uint32 frames, std::string &why) {
    E_TransferSyntax repType = EXS_Unknown;
    const DcmRepresentationParameter *repParam = nullptr;
    pixels->getOriginalRepresentationKey(repType, repParam);
    DcmPixelSequence *sequence = nullptr;
    if (pixels->getEncapsulatedRepresentation(repType, repParam, sequence).bad() || sequence == nullptr) {
        why = "RLE pixel data has no fragments";
        return false;
    }
    const unsigned long items = sequence->card();
    if (items != static_cast<unsigned long>(frames) + 1) {
        why = "RLE pixel data has " + std::to_string(items > 0 ? items - 1 : 0) + " fragments for " +
              std::to_string(frames) + " frames (one per frame required)";
        return false;
    }
    for (unsigned long i = 1; i < items; ++i) {
        DcmPixelItem *item = nullptr;
        Uint8 *data = nullptr;
        if (sequence->getItem(item, i).bad() || item == nullptr || item->getUint8Array(data).bad() || data == nullptr) {
            why = "unreadable RLE fragment " + std::to_string(i);
            return false;
        }
        const Uint32 length = item->getLength();
        auto le32 = [&](size_t p) { return uint32_t(data[p]) | (uint32_t(data[p + 1]) << 8) | (uint32_t(data[p + 2]) << 16) | (uint32_t(data[p + 3]) << 24); };
        if (length < 64) {
            why = "RLE fragment " + std::to_string(i) + " is shorter than its header";
            return false;
        }
        const uint32_t segments = le32(0);
        if (segments < 1 || segments > 15) {
            why = "RLE fragment " + std::to_string(i) + " declares " + std::to_string(segments) + " segments";
            return false;
        }
        uint32_t previous = 64;
        for (uint32_t k = 0; k < segments; ++k) {
            const uint32_t offset = le32(4 + 4 * k);
            if (offset < previous || offset > length) {
                why = "RLE fragment " + std::to_string(i) + " has segment offset " + std::to_string(offset) + " outside its " + std::to_string(length) + " bytes";
                return false;
            }
            previous = offset;
        }
    }
    return true;
}

}  // namespace

extern "C" void cdcmtk_initialize(void) {
    static std::once_flag once;
    std::call_once(once, [] {
        OFLog::configure(OFLogger::FATAL_LOG_LEVEL);
        // Colour-by-pixel output so every codec hands back interleaved samples.
        DJDecoderRegistration::registerCodecs(EDC_photometricInterpretation, EUC_default, EPC_colorByPixel);
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
    if (info.st_size == 0) {
        set(result, CDCMTK_NOT_DICOM, "empty file");
        return nullptr;
    }
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        set(result, CDCMTK_IO, std::string("cannot open: ") + std::strerror(errno));
        return nullptr;
    }
    FileWindow window{fd, static_cast<uint64_t>(info.st_size), {}};
    Route decision = Route::refused;
    cdcmtk_object *deflatedObject = nullptr;
    try {
        const unsigned char *head = window.at(0, static_cast<size_t>(std::min<uint64_t>(window.size(), 132)));
        if (head == nullptr || !looks_like_dicom(head, static_cast<size_t>(std::min<uint64_t>(window.size(), 132)))) {
            set(result, CDCMTK_NOT_DICOM, "no DICM prefix and no DICOM tag at the start");
        } else {
            uint64_t datasetOffset = 0;
            decision = route(window, &datasetOffset, result);
            if (decision == Route::deflated) {
                // Inflated in memory: read the whole (size-checked) file.
                const unsigned char *whole = window.at(0, static_cast<size_t>(window.size()));
                if (whole == nullptr) {
                    set(result, CDCMTK_IO, "read error");
                } else {
                    deflatedObject = open_deflated(whole, static_cast<size_t>(window.size()), datasetOffset, max_bytes, result);
                }
            }
        }
    } catch (...) {
        decision = Route::refused;
        set(result, CDCMTK_OVER_LIMIT, "out of memory while checking the input");
    }
    close(fd);
    if (decision != Route::dcmtk) return deflatedObject;
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
    } catch (...) {
        // No C++ exception may cross the C boundary into Swift.
        cond = EC_CorruptedData;
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
    uint64_t datasetOffset = 0;
    MemoryWindow window{static_cast<const unsigned char *>(bytes), length};
    switch (route(window, &datasetOffset, result)) {
        case Route::refused: return nullptr;
        case Route::deflated: return open_deflated(static_cast<const unsigned char *>(bytes), length, datasetOffset, max_bytes, result);
        case Route::dcmtk: break;
    }
    cdcmtk_object *object = new (std::nothrow) cdcmtk_object();
    if (object == nullptr) {
        set(result, CDCMTK_OVER_LIMIT, "out of memory");
        return nullptr;
    }
    // DCMTK allocates an element's declared length up front when it reads from a memory stream,
    // so a 300-byte input claiming a 4 GB element would allocate 4 GB. Reading from a file, it
    // instead checks large values against the bytes left and loads them lazily. The buffer is
    // therefore handed to DCMTK as an anonymous in-memory file.
    std::string path;
    if (!memory_file(object, static_cast<const unsigned char *>(bytes), length, path, result)) {
        delete object;
        return nullptr;
    }
    OFCondition cond;
    try {
        cond = object->file.loadFile(OFFilename(path.c_str()), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect);
    } catch (const std::bad_alloc &) {
        cond = EC_MemoryExhausted;
    } catch (...) {
        // No C++ exception may cross the C boundary into Swift.
        cond = EC_CorruptedData;
    }
    return finish_open(object, cond, result);
}

extern "C" void cdcmtk_close(cdcmtk_object *object) { delete object; }

extern "C" void cdcmtk_transfer_syntax(const cdcmtk_object *object, char *out, size_t capacity) {
    if (object == nullptr) return copy_string("", out, capacity);
    if (!object->declaredTransferSyntax.empty()) return copy_string(object->declaredTransferSyntax, out, capacity);
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
    if (object->xfer == EXS_RLELossless && object->rleValid != 1) {
        std::string why;
        if (object->rleValid == 0 || !rle_fragments_valid(pixels, [&] {
                Sint32 n = 1;
                dataset->findAndGetSint32(DCM_NumberOfFrames, n);
                return static_cast<Uint32>(n < 1 ? 1 : n);
            }(), why)) {
            object->rleValid = 0;
            set(result, CDCMTK_CORRUPT, why.empty() ? "invalid RLE fragments" : why);
            return CDCMTK_CORRUPT;
        }
        object->rleValid = 1;
    }
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
    } catch (...) {
        // No C++ exception may cross the C boundary into Swift.
        cond = EC_CorruptedData;
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
