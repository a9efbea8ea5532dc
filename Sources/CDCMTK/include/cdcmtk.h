/// Pure C interface over DCMTK. The only C++ in the project lives behind this header.
#ifndef CDCMTK_H
#define CDCMTK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// DCMTK's version string, e.g. "3.6.7". Proves the library links.
const char *cdcmtk_version(void);

#ifdef __cplusplus
}
#endif

#endif
