/// Pure C interface for a DICOM Storage SCP (C-STORE + C-ECHO) over DCMTK's dcmnet.
///
/// The shim owns its threads: `max_associations` acceptor threads sharing the listening socket,
/// each negotiating and serving one association at a time. Each received
/// dataset is streamed bit-preserving into a Part-10 temp file in the spool directory and handed
/// to the store callback on the association's thread; the C-STORE response carries the status the
/// callback returns, so success is only sent after the callback made the data durable.
#ifndef CDCMTK_SCP_H
#define CDCMTK_SCP_H

#include <stddef.h>
#include <stdint.h>

#include "cdcmtk_read.h"

#ifdef __cplusplus
extern "C" {
#endif

/// DIMSE statuses the store callback may return.
enum {
    CDCMTK_SCP_STATUS_SUCCESS = 0x0000,
    CDCMTK_SCP_STATUS_OUT_OF_RESOURCES = 0xA700,
    CDCMTK_SCP_STATUS_CANNOT_UNDERSTAND = 0xC000
};

/// Association events reported to the event callback (never with patient data).
typedef enum {
    CDCMTK_SCP_EVENT_ACCEPTED = 1,
    CDCMTK_SCP_EVENT_REJECTED = 2,
    CDCMTK_SCP_EVENT_RELEASED = 3,
    CDCMTK_SCP_EVENT_ABORTED = 4,
    CDCMTK_SCP_EVENT_ERROR = 5
} cdcmtk_scp_event;

typedef struct {
    /// IPv4 address to bind, e.g. "127.0.0.1" or "0.0.0.0".
    const char *bind_address;
    /// TCP port; 0 picks a free one (read it back with cdcmtk_scp_port).
    int port;
    /// Our AE title; associations calling another title are rejected.
    const char *ae_title;
    /// Calling AE titles allowed to associate; none means any.
    const char *const *allowed_calling_ae_titles;
    size_t allowed_calling_ae_title_count;
    /// Largest PDU we receive (4096 ... 131072).
    uint32_t max_pdu;
    /// Seconds to wait for association negotiation messages.
    int acse_timeout_seconds;
    /// Seconds an association may stay idle, and the limit for each DIMSE read.
    int dimse_timeout_seconds;
    /// Concurrent associations (acceptor threads); further connections wait in the listen backlog.
    int max_associations;
    /// Directory for the temp files holding received datasets (same file system as the destination).
    const char *spool_directory;
} cdcmtk_scp_config;

/// One received dataset, valid only during the store callback.
typedef struct {
    /// A complete Part-10 file in the spool directory. The callback may move it away; whatever is
    /// left at this path after the callback returns is deleted.
    const char *file_path;
    const char *sop_class_uid;
    const char *sop_instance_uid;
    const char *transfer_syntax_uid;
    const char *calling_ae_title;
    uint64_t byte_count;
} cdcmtk_scp_instance;

/// Makes the instance durable and returns the DIMSE status for the C-STORE response.
typedef uint16_t (*cdcmtk_scp_store_fn)(void *context, const cdcmtk_scp_instance *instance);
/// Reports an association event; `detail` is a short reason without patient data.
typedef void (*cdcmtk_scp_event_fn)(void *context, int event, const char *calling_ae_title, const char *detail);

typedef struct cdcmtk_scp cdcmtk_scp;

/// Binds and listens. Returns NULL with `result` set when the address or port cannot be used.
cdcmtk_scp *cdcmtk_scp_open(const cdcmtk_scp_config *config, cdcmtk_scp_store_fn store, cdcmtk_scp_event_fn event,
                            void *context, cdcmtk_result *result);

/// The port actually bound.
int cdcmtk_scp_port(const cdcmtk_scp *scp);

/// Starts the accept thread. Returns CDCMTK_OK or an error status with `result` set.
int cdcmtk_scp_start(cdcmtk_scp *scp, cdcmtk_result *result);

/// Stops accepting, lets in-flight stores finish, aborts idle associations and joins every
/// thread. Idempotent; callbacks are not called after it returns.
void cdcmtk_scp_stop(cdcmtk_scp *scp);

/// Stops (if needed) and frees.
void cdcmtk_scp_close(cdcmtk_scp *scp);

#ifdef __cplusplus
}
#endif

#endif
