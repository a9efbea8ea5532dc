#include "cdcmtk.h"
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcuid.h>

extern "C" const char *cdcmtk_version(void) { return OFFIS_DCMTK_VERSION_STRING; }
