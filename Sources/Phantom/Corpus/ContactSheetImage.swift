public import Foundation
internal import DataFormats

/// A rendered contact sheet; wraps DataFormats' PNG so that callers need not import DataFormats.
public struct ContactSheetImage: Sendable {
    let image: PNGImage

    public func write(to url: URL) throws(PhantomError) {
        do { try image.write(to: url) } catch { throw PhantomError(.io, input: url.path, "cannot write PNG: \(error)") }
    }

    public var width: Int { image.width }
    public var height: Int { image.height }
}
