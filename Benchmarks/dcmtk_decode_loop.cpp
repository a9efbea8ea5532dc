// The reference for `ingestctl bench decode`: DCMTK called directly, the fastest way it offers.
// For every file and pass: loadFile, then DcmPixelData::getUncompressedFrame for every frame into
// one reused buffer. Prints the same JSON fields as `ingestctl bench decode --json`.
//
// Build: g++ -O2 -std=c++17 dcmtk_decode_loop.cpp -ldcmjpeg -lijg8 -lijg12 -lijg16 -ldcmjpls \
//          -ldcmtkcharls -ldcmimage -ldcmimgle -ldcmdata -loflog -lofstd   (make bench-decode)
// Usage: dcmtk-decode-loop [--repeat R] FILE...
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmimage/diregist.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

int main(int argc, char **argv) {
    int repeat = 1;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
            repeat = std::atoi(argv[++i]);
        } else if (std::strcmp(argv[i], "--json") != 0) {
            files.emplace_back(argv[i]);
        }
    }
    if (files.empty() || repeat < 1) {
        std::fprintf(stderr, "usage: dcmtk-decode-loop [--repeat R] FILE...\n");
        return 2;
    }
    OFLog::configure(OFLogger::FATAL_LOG_LEVEL);
    DJDecoderRegistration::registerCodecs(EDC_photometricInterpretation, EUC_default, EPC_colorByPixel);
    DJLSDecoderRegistration::registerCodecs(EJLSUC_default, EJLSPC_colorByPixel);
    DcmRLEDecoderRegistration::registerCodecs();

    std::vector<unsigned char> buffer;
    long decoded = 0, failed = 0, frames = 0;
    double pixels = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int pass = 0; pass < repeat; ++pass) {
        for (const std::string &path : files) {
            bool ok = false;
            DcmFileFormat file;
            if (file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect).good()) {
                DcmDataset *dataset = file.getDataset();
                DcmElement *element = nullptr;
                Uint32 frameSize = 0;
                if (dataset->findAndGetElement(DCM_PixelData, element).good() && element != nullptr &&
                    element->getUncompressedFrameSize(dataset, frameSize).good() && frameSize > 0) {
                    Sint32 count = 1;
                    dataset->findAndGetSint32(DCM_NumberOfFrames, count);
                    if (count < 1) count = 1;
                    Uint16 rows = 0, columns = 0;
                    dataset->findAndGetUint16(DCM_Rows, rows);
                    dataset->findAndGetUint16(DCM_Columns, columns);
                    const Uint32 bufferSize = frameSize + (frameSize & 1);
                    if (buffer.size() < bufferSize) buffer.resize(bufferSize);
                    DcmPixelData *pixelData = static_cast<DcmPixelData *>(element);
                    Uint32 startFragment = 0;
                    ok = true;
                    for (Sint32 f = 0; f < count && ok; ++f) {
                        OFString model;
                        ok = pixelData->getUncompressedFrame(dataset, f, startFragment, buffer.data(), bufferSize, model).good();
                        if (ok && pass == 0) {
                            pixels += double(rows) * columns;
                            ++frames;
                        }
                    }
                }
            }
            if (pass == 0) (ok ? decoded : failed) += 1;
        }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double attempted = double(files.size()) * repeat;
    std::printf("{\"decoded\":%ld,\"failed\":%ld,\"files\":%zu,\"files_per_s\":%.3f,\"frames\":%ld,"
                "\"mpixels_per_s\":%.3f,\"repeat\":%d,\"seconds\":%.6f,\"tool\":\"dcmtk-loop\"}\n",
                decoded, failed, files.size(), attempted / seconds, frames, pixels * repeat / seconds / 1e6, repeat, seconds);
    return 0;
}
