import Glibc
public import HummingbirdCore
public import Logging
public import NIOCore

/// Hummingbird's HTTP/1 child channel behind a peer-credential gate: a connection from a peer the
/// ``PeerPolicy`` does not allow is closed before a byte of HTTP is read.
public struct PeerCheckedHTTP1Channel: ServerChildChannel {
    public typealias Value = HTTP1Channel.Value

    let inner: HTTP1Channel
    let policy: PeerPolicy

    public init(inner: HTTP1Channel, policy: PeerPolicy) {
        self.inner = inner
        self.policy = policy
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(PeerRefused(reason: "socket options unavailable"))
        }
        let credentials: EventLoopFuture<RawPeerCredentials> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        let policy = self.policy
        let inner = self.inner
        return credentials.flatMap { raw in
            let peer = PeerCredentials(pid: raw.pid, uid: raw.uid, gid: raw.gid)
            guard policy.allows(peer) else {
                logger.notice("api.peer.refused", metadata: ["peer.uid": "\(peer.uid)", "peer.gid": "\(peer.gid)"])
                return channel.close().flatMapThrowing { throw PeerRefused(reason: "uid \(peer.uid) not allowed") }
            }
            return inner.setup(channel: channel, logger: logger)
        }
    }

    public func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// Layout of Linux `struct ucred` (pid_t, uid_t, gid_t), read through `getsockopt(SO_PEERCRED)`.
struct RawPeerCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

struct PeerRefused: Error, CustomStringConvertible {
    var reason: String
    var description: String { "peer refused: \(reason)" }
}
