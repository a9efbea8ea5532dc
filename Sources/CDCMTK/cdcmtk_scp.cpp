// DICOM Storage SCP over DCMTK dcmnet, behind the pure C header cdcmtk_scp.h.
//
// dcmnet's own acceptor binds INADDR_ANY and leaves Nagle's algorithm on (unless the TCP_NODELAY
// environment variable is set). So the shim opens the listening socket itself (bound to the
// configured address), installs it in a requestor-only network key promoted to acceptor, and
// hands every accepted connection to dcmnet through a transport layer that sets TCP_NODELAY.
#include "cdcmtk_scp.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcostrmf.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dcmlayer.h>
#include <dcmtk/dcmnet/dcmtrans.h>
#include <dcmtk/dcmnet/dicom.h>
#include <dcmtk/dcmnet/dimse.h>
#include <dcmtk/dcmnet/dul.h>
#include <dcmtk/dcmnet/dulstruc.h>
#include <dcmtk/oflog/oflog.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <chrono>
#include <condition_variable>
#include <set>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

void set_result(cdcmtk_result *result, int status, const std::string &message) {
    if (result == nullptr) return;
    result->status = status;
    std::snprintf(result->message, sizeof(result->message), "%s", message.c_str());
}

/// Transfer syntaxes accepted for storage: those the DICOM module decodes (keep in step with
/// DICOM's TransferSyntax.native and .decodableEncapsulated), plus JPEG 2000 (the pipeline
/// quarantines it as unsupported rather than losing it).
const char *const kTransferSyntaxes[] = {
    "1.2.840.10008.1.2.4.50",    // JPEG baseline
    "1.2.840.10008.1.2.4.51",    // JPEG extended
    "1.2.840.10008.1.2.4.53",    // JPEG spectral selection, non-hierarchical (retired)
    "1.2.840.10008.1.2.4.55",    // JPEG full progression, non-hierarchical (retired)
    "1.2.840.10008.1.2.4.57",    // JPEG lossless
    "1.2.840.10008.1.2.4.70",    // JPEG lossless SV1
    "1.2.840.10008.1.2.4.80",    // JPEG-LS lossless
    "1.2.840.10008.1.2.4.81",    // JPEG-LS near-lossless
    "1.2.840.10008.1.2.5",       // RLE lossless
    "1.2.840.10008.1.2.4.90",    // JPEG 2000 lossless (accepted; the pipeline quarantines it)
    "1.2.840.10008.1.2.4.91",    // JPEG 2000
    "1.2.840.10008.1.2.1.99",    // deflated explicit LE
    "1.2.840.10008.1.2.1",       // explicit LE
    "1.2.840.10008.1.2",         // implicit LE
    "1.2.840.10008.1.2.2",       // explicit BE (retired, still sent by old modalities)
};
const int kTransferSyntaxCount = sizeof(kTransferSyntaxes) / sizeof(kTransferSyntaxes[0]);
const char *const kUncompressed[] = {"1.2.840.10008.1.2.1", "1.2.840.10008.1.2", "1.2.840.10008.1.2.2"};

bool listed(const char *const *list, int count, const char *uid) {
    for (int i = 0; i < count; ++i) if (std::strcmp(list[i], uid) == 0) return true;
    return false;
}

/// Accepts every proposed storage or verification context with the first transfer syntax *the
/// SCU* listed that we support: an SCU lists what its data already is first, so nothing is
/// transcoded (dcmnet's own helper would impose our order instead).
bool acceptContexts(T_ASC_Parameters *params) {
    int count = ASC_countPresentationContexts(params);
    for (int i = 0; i < count; ++i) {
        T_ASC_PresentationContext pc;
        if (ASC_getPresentationContext(params, i, &pc).bad()) return false;
        bool verification = std::strcmp(pc.abstractSyntax, UID_VerificationSOPClass) == 0;
        bool storage = listed(dcmAllStorageSOPClassUIDs, numberOfDcmAllStorageSOPClassUIDs, pc.abstractSyntax);
        OFCondition cond = EC_Normal;
        if (!verification && !storage) {
            cond = ASC_refusePresentationContext(params, pc.presentationContextID, ASC_P_ABSTRACTSYNTAXNOTSUPPORTED);
        } else {
            const char *chosen = nullptr;
            for (int t = 0; t < pc.transferSyntaxCount && chosen == nullptr; ++t) {
                const char *proposed = pc.proposedTransferSyntaxes[t];
                bool supported = verification ? listed(kUncompressed, 3, proposed) : listed(kTransferSyntaxes, kTransferSyntaxCount, proposed);
                if (supported) chosen = proposed;
            }
            cond = chosen ? ASC_acceptPresentationContext(params, pc.presentationContextID, chosen)
                          : ASC_refusePresentationContext(params, pc.presentationContextID, ASC_P_TRANSFERSYNTAXESNOTSUPPORTED);
        }
        if (cond.bad()) return false;
    }
    return true;
}

/// Open association sockets, so a stop can cut the ones that outlive its grace period.
struct ConnectionRegistry {
    std::mutex lock;
    std::set<int> sockets;

    void add(int fd) {
        std::lock_guard<std::mutex> guard(lock);
        sockets.insert(fd);
    }
    void remove(int fd) {
        std::lock_guard<std::mutex> guard(lock);
        sockets.erase(fd);
    }
    /// Wakes every thread blocked reading an association; the fds stay owned by dcmnet.
    void shutdownAll() {
        std::lock_guard<std::mutex> guard(lock);
        for (int fd : sockets) (void)shutdown(fd, SHUT_RDWR);
    }
};

/// A dcmnet TCP connection that leaves the registry before its socket is closed (under the
/// registry lock, so a stop never shuts down a reused descriptor).
class TrackedConnection : public DcmTCPConnection {
public:
    TrackedConnection(DcmNativeSocketType fd, ConnectionRegistry *registry) : DcmTCPConnection(fd), fd_(fd), registry_(registry) {
        registry_->add(fd_);
    }
    ~TrackedConnection() override { leave(); }
    void close() override {
        leave();
        DcmTCPConnection::close();
    }
    void closeTransportConnection() override {
        leave();
        DcmTCPConnection::closeTransportConnection();
    }

private:
    void leave() {
        if (fd_ >= 0) registry_->remove(fd_);
        fd_ = -1;
    }
    int fd_;
    ConnectionRegistry *registry_;
};

/// Every accepted connection gets TCP_NODELAY: a C-STORE response is one small PDU, and with
/// Nagle on each one waits for the peer's delayed ACK (~40 ms per store on Linux).
class NoDelayTransportLayer : public DcmTransportLayer {
public:
    explicit NoDelayTransportLayer(ConnectionRegistry *registry) : registry_(registry) {}
    DcmTransportConnection *createConnection(DcmNativeSocketType openSocket, OFBool useSecureLayer) override {
        if (useSecureLayer) return nullptr;
        int one = 1;
        (void)setsockopt(openSocket, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        return new TrackedConnection(openSocket, registry_);
    }

private:
    ConnectionRegistry *registry_;
};

std::string trimmed(const char *s) {
    std::string v(s ? s : "");
    size_t b = v.find_first_not_of(' ');
    size_t e = v.find_last_not_of(' ');
    return b == std::string::npos ? std::string() : v.substr(b, e - b + 1);
}

}  // namespace

struct cdcmtk_scp {
    std::string bindAddress;
    int port = 0;
    std::string aeTitle;
    std::vector<std::string> allowedCalling;
    uint32_t maxPDU = 65536;
    int acseTimeout = 30;
    int dimseTimeout = 60;
    int maxAssociations = 16;
    std::string spool;

    cdcmtk_scp_store_fn store = nullptr;
    cdcmtk_scp_event_fn event = nullptr;
    void *context = nullptr;

    int listenSocket = -1;
    /// One network per acceptor thread, all around the same listening socket: each thread polls
    /// it, accepts (non-blocking, so losers of a race just poll again), negotiates and serves
    /// its association. A client that connects and stays silent holds one thread for at most
    /// the ACSE timeout instead of stalling every other SCU.
    std::vector<T_ASC_Network *> networks;
    ConnectionRegistry registry;

    std::atomic<bool> stopping{false};
    std::atomic<bool> started{false};
    std::atomic<bool> stopped{false};
    std::atomic<uint64_t> sequence{0};
    std::vector<std::thread> acceptors;
    std::mutex runningLock;
    std::condition_variable runningChanged;
    int running = 0;

    void notify(int kind, const char *calling, const std::string &detail) {
        if (event) event(context, kind, calling ? calling : "", detail.c_str());
    }

    void acceptLoop(T_ASC_Network *network);
    void serve(T_ASC_Association *assoc);
    bool negotiate(T_ASC_Association *assoc, std::string &calling);
    void handleStore(T_ASC_Association *assoc, T_ASC_PresentationContextID presID, T_DIMSE_C_StoreRQ &request,
                     const std::string &calling, bool &keepGoing);
};

void cdcmtk_scp::acceptLoop(T_ASC_Network *network) {
    while (!stopping.load()) {
        T_ASC_Association *assoc = nullptr;
        // Polls the listening socket for at most a second so a stop request is seen promptly.
        OFCondition cond = ASC_receiveAssociation(network, &assoc, OFstatic_cast(long, maxPDU), nullptr, nullptr, OFFalse,
                                                  DUL_NOBLOCK, 1);
        if (cond == DUL_NOASSOCIATIONREQUEST || (cond.bad() && (assoc == nullptr || assoc->DULassociation == nullptr))) {
            // Nothing to accept, or another acceptor won the race for this connection.
            if (assoc) ASC_destroyAssociation(&assoc);
            continue;
        }
        if (cond.bad()) {
            // A connection that closed or spoke garbage before its A-ASSOCIATE-RQ.
            ASC_dropAssociation(assoc);
            ASC_destroyAssociation(&assoc);
            if (!stopping.load()) notify(CDCMTK_SCP_EVENT_ERROR, "", std::string("association request failed: ") + cond.text());
            continue;
        }
        if (stopping.load()) {
            T_ASC_RejectParameters rej = {ASC_RESULT_REJECTEDTRANSIENT, ASC_SOURCE_SERVICEPROVIDER_PRESENTATION_RELATED,
                                          ASC_REASON_SP_PRES_TEMPORARYCONGESTION};
            ASC_rejectAssociation(assoc, &rej);
            ASC_dropAssociation(assoc);
            ASC_destroyAssociation(&assoc);
            break;
        }
        serve(assoc);
    }
    std::lock_guard<std::mutex> guard(runningLock);
    running -= 1;
    runningChanged.notify_all();
}

bool cdcmtk_scp::negotiate(T_ASC_Association *assoc, std::string &calling) {
    char callingTitle[64] = {0}, calledTitle[64] = {0}, context[DUL_LEN_NAME + 1] = {0};
    ASC_getAPTitles(assoc->params, callingTitle, sizeof(callingTitle), calledTitle, sizeof(calledTitle), nullptr, 0);
    calling = trimmed(callingTitle);
    std::string called = trimmed(calledTitle);

    auto reject = [&](T_ASC_RejectParametersReason reason, const char *why) {
        T_ASC_RejectParameters rej = {ASC_RESULT_REJECTEDPERMANENT, ASC_SOURCE_SERVICEUSER, reason};
        ASC_rejectAssociation(assoc, &rej);
        notify(CDCMTK_SCP_EVENT_REJECTED, calling.c_str(), why);
        return false;
    };

    ASC_getApplicationContextName(assoc->params, context, sizeof(context));
    if (std::strcmp(context, UID_StandardApplicationContext) != 0) {
        return reject(ASC_REASON_SU_APPCONTEXTNAMENOTSUPPORTED, "application context not supported");
    }
    if (called != aeTitle) {
        return reject(ASC_REASON_SU_CALLEDAETITLENOTRECOGNIZED, "called AE title not recognized");
    }
    if (!allowedCalling.empty()) {
        bool allowed = false;
        for (auto &t : allowedCalling) if (t == calling) allowed = true;
        if (!allowed) return reject(ASC_REASON_SU_CALLINGAETITLENOTRECOGNIZED, "calling AE title not allowed");
    }

    if (!acceptContexts(assoc->params)) {
        return reject(ASC_REASON_SU_NOREASON, "presentation context negotiation failed");
    }
    // Our implementation identity answers with our own AE title.
    ASC_setAPTitles(assoc->params, nullptr, nullptr, aeTitle.c_str());
    OFCondition cond = ASC_acknowledgeAssociation(assoc);
    if (cond.bad()) {
        notify(CDCMTK_SCP_EVENT_ERROR, calling.c_str(), std::string("cannot acknowledge association: ") + cond.text());
        return false;
    }
    notify(CDCMTK_SCP_EVENT_ACCEPTED, calling.c_str(), "");
    return true;
}

void cdcmtk_scp::serve(T_ASC_Association *assoc) {
    std::string calling;
    if (!negotiate(assoc, calling)) {
        ASC_dropAssociation(assoc);
        ASC_destroyAssociation(&assoc);
        return;
    }
    bool keepGoing = true;
    int idle = 0;
    while (keepGoing) {
        // Wait in one-second slices so an idle association notices a stop request.
        if (!ASC_dataWaiting(assoc, 1)) {
            idle += 1;
            if (stopping.load() || idle >= dimseTimeout) {
                ASC_abortAssociation(assoc);
                notify(CDCMTK_SCP_EVENT_ABORTED, calling.c_str(), stopping.load() ? "shutting down" : "idle timeout");
                break;
            }
            continue;
        }
        idle = 0;
        T_DIMSE_Message msg;
        T_ASC_PresentationContextID presID = 0;
        OFCondition cond = DIMSE_receiveCommand(assoc, DIMSE_NONBLOCKING, dimseTimeout, &presID, &msg, nullptr);
        if (cond == DUL_PEERREQUESTEDRELEASE) {
            ASC_acknowledgeRelease(assoc);
            notify(CDCMTK_SCP_EVENT_RELEASED, calling.c_str(), "");
            break;
        }
        if (cond == DUL_PEERABORTEDASSOCIATION) {
            notify(CDCMTK_SCP_EVENT_ABORTED, calling.c_str(), "peer aborted");
            break;
        }
        if (cond.bad()) {
            ASC_abortAssociation(assoc);
            notify(CDCMTK_SCP_EVENT_ABORTED, calling.c_str(), std::string("DIMSE error: ") + cond.text());
            break;
        }
        switch (msg.CommandField) {
        case DIMSE_C_ECHO_RQ:
            cond = DIMSE_sendEchoResponse(assoc, presID, &msg.msg.CEchoRQ, STATUS_Success, nullptr);
            if (cond.bad()) keepGoing = false;
            break;
        case DIMSE_C_STORE_RQ:
            handleStore(assoc, presID, msg.msg.CStoreRQ, calling, keepGoing);
            break;
        default:
            // Only C-STORE and C-ECHO are offered; anything else is a protocol violation.
            notify(CDCMTK_SCP_EVENT_ABORTED, calling.c_str(), "unsupported DIMSE command");
            keepGoing = false;
            break;
        }
        if (!keepGoing) {
            ASC_abortAssociation(assoc);
        }
    }
    ASC_dropSCPAssociation(assoc);
    ASC_destroyAssociation(&assoc);
}

void cdcmtk_scp::handleStore(T_ASC_Association *assoc, T_ASC_PresentationContextID presID, T_DIMSE_C_StoreRQ &request,
                             const std::string &calling, bool &keepGoing) {
    T_DIMSE_C_StoreRSP response;
    std::memset(&response, 0, sizeof(response));
    response.MessageIDBeingRespondedTo = request.MessageID;
    response.DataSetType = DIMSE_DATASET_NULL;
    OFStandard::strlcpy(response.AffectedSOPClassUID, request.AffectedSOPClassUID, sizeof(response.AffectedSOPClassUID));
    OFStandard::strlcpy(response.AffectedSOPInstanceUID, request.AffectedSOPInstanceUID, sizeof(response.AffectedSOPInstanceUID));
    response.opts = O_STORE_AFFECTEDSOPCLASSUID | O_STORE_AFFECTEDSOPINSTANCEUID;
    if (request.opts & O_STORE_RQ_BLANK_PADDING) response.opts |= O_STORE_RSP_BLANK_PADDING;

    char name[64];
    std::snprintf(name, sizeof(name), "/.cstore-%ld-%llu.part", OFstatic_cast(long, getpid()),
                  OFstatic_cast(unsigned long long, sequence.fetch_add(1)));
    std::string path = spool + name;

    DcmOutputFileStream *stream = nullptr;
    OFCondition cond = DIMSE_createFilestream(OFFilename(path.c_str()), &request, assoc, presID, OFTrue, &stream);
    if (cond.bad() || stream == nullptr) {
        delete stream;
        // Still read the dataset off the wire so the association stays in step.
        DIC_UL bytes = 0, pdvs = 0;
        cond = DIMSE_ignoreDataSet(assoc, DIMSE_NONBLOCKING, dimseTimeout, &bytes, &pdvs);
        unlink(path.c_str());
        notify(CDCMTK_SCP_EVENT_ERROR, calling.c_str(), "cannot create a spool file");
        if (cond.bad()) {
            keepGoing = false;
            return;
        }
        response.DimseStatus = STATUS_STORE_Refused_OutOfResources;
        if (DIMSE_sendStoreResponse(assoc, presID, &request, &response, nullptr).bad()) keepGoing = false;
        return;
    }
    T_ASC_PresentationContextID dataPresID = presID;
    cond = DIMSE_receiveDataSetInFile(assoc, DIMSE_NONBLOCKING, dimseTimeout, &dataPresID, stream, nullptr, nullptr);
    bool streamOK = stream->good();
    delete stream;
    if (cond.bad() || dataPresID != presID) {
        unlink(path.c_str());
        notify(CDCMTK_SCP_EVENT_ERROR, calling.c_str(), std::string("dataset not received: ") + cond.text());
        keepGoing = false;
        return;
    }

    uint16_t status = STATUS_STORE_Refused_OutOfResources;
    if (streamOK) {
        T_ASC_PresentationContext pc;
        std::string xfer;
        if (ASC_findAcceptedPresentationContext(assoc->params, presID, &pc).good()) xfer = pc.acceptedTransferSyntax;
        struct stat st;
        uint64_t size = stat(path.c_str(), &st) == 0 ? OFstatic_cast(uint64_t, st.st_size) : 0;
        cdcmtk_scp_instance instance = {path.c_str(), request.AffectedSOPClassUID, request.AffectedSOPInstanceUID,
                                        xfer.c_str(), calling.c_str(), size};
        status = store ? store(context, &instance) : OFstatic_cast(uint16_t, STATUS_STORE_Refused_OutOfResources);
    } else {
        notify(CDCMTK_SCP_EVENT_ERROR, calling.c_str(), "spool file write failed");
    }
    unlink(path.c_str());
    response.DimseStatus = status;
    if (DIMSE_sendStoreResponse(assoc, presID, &request, &response, nullptr).bad()) keepGoing = false;
}

extern "C" {

cdcmtk_scp *cdcmtk_scp_open(const cdcmtk_scp_config *config, cdcmtk_scp_store_fn store, cdcmtk_scp_event_fn event,
                            void *context, cdcmtk_result *result) {
    if (config == nullptr || store == nullptr || config->ae_title == nullptr || config->spool_directory == nullptr) {
        set_result(result, CDCMTK_IO, "missing configuration");
        return nullptr;
    }
    cdcmtk_initialize();
    dcmDisableGethostbyaddr.set(OFTrue);

    auto scp = std::make_unique<cdcmtk_scp>();
    scp->bindAddress = config->bind_address ? config->bind_address : "127.0.0.1";
    scp->aeTitle = trimmed(config->ae_title);
    for (size_t i = 0; i < config->allowed_calling_ae_title_count; ++i) {
        if (config->allowed_calling_ae_titles[i]) scp->allowedCalling.push_back(trimmed(config->allowed_calling_ae_titles[i]));
    }
    scp->maxPDU = config->max_pdu < ASC_MINIMUMPDUSIZE ? ASC_MINIMUMPDUSIZE
                  : config->max_pdu > ASC_MAXIMUMPDUSIZE ? ASC_MAXIMUMPDUSIZE : config->max_pdu;
    scp->acseTimeout = config->acse_timeout_seconds > 0 ? config->acse_timeout_seconds : 30;
    scp->dimseTimeout = config->dimse_timeout_seconds > 0 ? config->dimse_timeout_seconds : 60;
    scp->maxAssociations = config->max_associations > 0 ? config->max_associations : 16;
    scp->spool = config->spool_directory;
    scp->store = store;
    scp->event = event;
    scp->context = context;

    struct sockaddr_in address;
    std::memset(&address, 0, sizeof(address));
    address.sin_family = AF_INET;
    address.sin_port = htons(OFstatic_cast(uint16_t, config->port));
    std::string host = scp->bindAddress == "localhost" ? "127.0.0.1" : scp->bindAddress;
    if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
        set_result(result, CDCMTK_IO, "bind address is not an IPv4 address: " + scp->bindAddress);
        return nullptr;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        set_result(result, CDCMTK_IO, std::string("socket: ") + std::strerror(errno));
        return nullptr;
    }
    int one = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, reinterpret_cast<struct sockaddr *>(&address), sizeof(address)) != 0) {
        set_result(result, CDCMTK_IO, "cannot bind " + host + ":" + std::to_string(config->port) + ": " + std::strerror(errno));
        close(fd);
        return nullptr;
    }
    // Non-blocking: if a connection vanishes between poll() and accept(), dcmnet's accept() must
    // fail instead of blocking the accept thread.
    (void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    if (listen(fd, 64) != 0) {
        set_result(result, CDCMTK_IO, std::string("listen: ") + std::strerror(errno));
        close(fd);
        return nullptr;
    }
    socklen_t length = sizeof(address);
    getsockname(fd, reinterpret_cast<struct sockaddr *>(&address), &length);
    scp->port = ntohs(address.sin_port);

    // A requestor network creates no listening socket of its own (dcmnet's would bind every
    // interface); promote it to acceptor around ours. cdcmtk_scp_close demotes it again before
    // dropping it, so the shared socket is closed once, by us.
    scp->listenSocket = fd;
    for (int i = 0; i < scp->maxAssociations; ++i) {
        T_ASC_Network *network = nullptr;
        OFCondition cond = ASC_initializeNetwork(NET_REQUESTOR, 0, scp->acseTimeout, &network);
        if (cond.bad() || network == nullptr) {
            set_result(result, CDCMTK_IO, std::string("cannot initialize the DICOM network: ") + cond.text());
            cdcmtk_scp_close(scp.release());
            return nullptr;
        }
        PRIVATE_NETWORKKEY *key = reinterpret_cast<PRIVATE_NETWORKKEY *>(network->network);
        key->applicationFunction |= DICOM_APPLICATION_ACCEPTOR;
        key->networkSpecific.TCP.listenSocket = fd;
        key->networkSpecific.TCP.port = scp->port;
        network->role = NET_ACCEPTOR;
        network->acceptorPort = scp->port;
        ASC_setTransportLayer(network, new NoDelayTransportLayer(&scp->registry), 1);
        scp->networks.push_back(network);
    }

    set_result(result, CDCMTK_OK, "");
    return scp.release();
}

int cdcmtk_scp_port(const cdcmtk_scp *scp) { return scp ? scp->port : 0; }

int cdcmtk_scp_start(cdcmtk_scp *scp, cdcmtk_result *result) {
    if (scp == nullptr || scp->stopped.load() || scp->started.exchange(true)) {
        set_result(result, CDCMTK_IO, "the SCP cannot be started twice");
        return CDCMTK_IO;
    }
    try {
        for (T_ASC_Network *network : scp->networks) {
            {
                std::lock_guard<std::mutex> guard(scp->runningLock);
                scp->running += 1;
            }
            scp->acceptors.emplace_back([scp, network]() { scp->acceptLoop(network); });
        }
    } catch (...) {
        {
            std::lock_guard<std::mutex> guard(scp->runningLock);
            scp->running -= 1;
        }
        set_result(result, CDCMTK_IO, "cannot start the acceptor threads");
        cdcmtk_scp_stop(scp);
        return CDCMTK_IO;
    }
    set_result(result, CDCMTK_OK, "");
    return CDCMTK_OK;
}

void cdcmtk_scp_stop(cdcmtk_scp *scp) {
    if (scp == nullptr || scp->stopped.exchange(true)) return;
    scp->stopping.store(true);
    {
        // In-flight stores get a grace period to finish and be answered; idle associations
        // notice the stop within a second and abort themselves.
        std::unique_lock<std::mutex> guard(scp->runningLock);
        scp->runningChanged.wait_for(guard, std::chrono::seconds(5), [scp]() { return scp->running == 0; });
    }
    // Whatever still blocks (a silent client mid-negotiation, a stalled transfer) is cut.
    scp->registry.shutdownAll();
    for (auto &thread : scp->acceptors) {
        if (thread.joinable()) thread.join();
    }
}

void cdcmtk_scp_close(cdcmtk_scp *scp) {
    if (scp == nullptr) return;
    cdcmtk_scp_stop(scp);
    for (T_ASC_Network *network : scp->networks) {
        PRIVATE_NETWORKKEY *key = reinterpret_cast<PRIVATE_NETWORKKEY *>(network->network);
        key->applicationFunction &= ~DICOM_APPLICATION_ACCEPTOR;  // the listening socket is ours to close
        key->networkSpecific.TCP.listenSocket = -1;
        ASC_dropNetwork(&network);  // deletes the transport layer it owns
    }
    scp->networks.clear();
    if (scp->listenSocket >= 0) close(scp->listenSocket);
    delete scp;
}

}  // extern "C"
