/// Who is on the other end of a Unix-socket connection, from `SO_PEERCRED`.
public struct PeerCredentials: Sendable, Equatable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }
}

/// Which peers may use the API. The socket's file mode is the first gate; this is the second, so a
/// permissive mode or a shared group cannot let in a uid that was not meant to be.
public struct PeerPolicy: Sendable, Equatable {
    public var allowedUIDs: Set<UInt32>
    public var allowedGIDs: Set<UInt32>

    /// - Parameter daemonUID: the daemon's own uid, always allowed (as is root).
    public init(allowedUIDs: [Int], allowedGIDs: [Int], daemonUID: UInt32) {
        self.allowedUIDs = Set(allowedUIDs.compactMap { UInt32(exactly: $0) }).union([0, daemonUID])
        self.allowedGIDs = Set(allowedGIDs.compactMap { UInt32(exactly: $0) })
    }

    public func allows(_ peer: PeerCredentials) -> Bool {
        allowedUIDs.contains(peer.uid) || allowedGIDs.contains(peer.gid)
    }
}
