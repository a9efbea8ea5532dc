import Glibc

/// Sets the API socket's mode and group after bind.
enum SocketPermissions {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func apply(path: String, mode: UInt16, group: String?) throws {
        if let group {
            let gid: gid_t
            if let numeric = UInt32(group) {
                gid = numeric
            } else if let entry = getgrnam(group) {
                gid = entry.pointee.gr_gid
            } else {
                throw Failure(description: "socket group \(group) does not exist")
            }
            guard chown(path, uid_t.max, gid) == 0 else { throw Failure(description: "chown socket: errno \(errno)") }
        }
        guard chmod(path, mode_t(mode)) == 0 else { throw Failure(description: "chmod socket: errno \(errno)") }
    }
}
