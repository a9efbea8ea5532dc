internal import Foundation

/// Active processor count, read once.
enum ProcessInfoCores {
    static let count = ProcessInfo.processInfo.activeProcessorCount
}
