public import Foundation
public import DataFormats

/// An in-memory set of equally sized grayscale images with one binary label each, loaded from
/// a MedMNIST-style `.npz` split or a folder of PNGs with one sub-folder per class.
public struct LabeledImageSet: Sendable {
    public var width: Int
    public var height: Int
    /// `count · height · width` intensities in [0, 1].
    public var pixels: [Float]
    public var labels: [Float]

    public var count: Int { labels.count }

    /// `{split}_images` (N×H×W, uint8 or float) and `{split}_labels` (N or N×1; label > 0 is positive).
    public static func npz(_ archive: NPZArchive, split: String, name: String) throws(LearnerError) -> LabeledImageSet {
        guard let images = archive["\(split)_images"], let labels = archive["\(split)_labels"] else {
            throw LearnerError(.data, input: name, "no \(split)_images / \(split)_labels arrays")
        }
        guard images.shape.count == 3 || (images.shape.count == 4 && images.shape[3] == 1) else {
            throw LearnerError(.data, input: name, "\(split)_images must be N×H×W grayscale, got \(images.shape)")
        }
        let n = images.shape[0], h = images.shape[1], w = images.shape[2]
        guard n > 0, h > 0, w > 0, labels.count == n else {
            throw LearnerError(.data, input: name, "\(split): \(n) images but \(labels.count) labels")
        }
        var px = images.floats()
        let scale: Float = images.dtype == .uint8 ? 1 / 255 : (images.dtype == .uint16 ? 1 / 65535 : 1)
        if scale != 1 { for i in px.indices { px[i] *= scale } }
        return LabeledImageSet(width: w, height: h, pixels: px, labels: labels.floats().map { $0 > 0 ? 1 : 0 })
    }

    /// PNGs under `directory/<class>/`, class folders sorted by name: the label is the folder's
    /// leading integer (`0_normal`, `1_abnormal`), else 0 for a folder named like "normal" and 1
    /// for any other. Images are converted to luminance and must all have one size.
    public static func folder(_ directory: URL) throws(LearnerError) -> LabeledImageSet {
        let fm = FileManager.default
        let classes: [String]
        do {
            classes = try fm.contentsOfDirectory(atPath: directory.path).filter { name in
                var isDir: ObjCBool = false
                return !name.hasPrefix(".") && fm.fileExists(atPath: directory.appendingPathComponent(name).path, isDirectory: &isDir) && isDir.boolValue
            }.sorted()
        } catch {
            throw LearnerError(.data, input: directory.path, "cannot list class folders")
        }
        guard !classes.isEmpty else { throw LearnerError(.data, input: directory.path, "no class sub-folders") }
        var set = LabeledImageSet(width: 0, height: 0, pixels: [], labels: [])
        for cls in classes {
            let label: Float
            if let prefix = cls.split(separator: "_").first, let v = Int(prefix) { label = v > 0 ? 1 : 0 } else {
                label = cls.lowercased().contains("normal") && !cls.lowercased().contains("abnormal") ? 0 : 1
            }
            let dir = directory.appendingPathComponent(cls)
            let files = ((try? fm.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.lowercased().hasSuffix(".png") }.sorted()
            for f in files {
                let png: PNGImage
                do { png = try PNGImage(contentsOf: dir.appendingPathComponent(f)) } catch {
                    throw LearnerError(.data, input: "\(cls)/\(f)", error.message)
                }
                if set.width == 0 { set.width = png.width; set.height = png.height }
                guard png.width == set.width, png.height == set.height else {
                    throw LearnerError(.data, input: "\(cls)/\(f)", "size \(png.width)×\(png.height) differs from \(set.width)×\(set.height)")
                }
                set.pixels += png.luminance()
                set.labels.append(label)
            }
        }
        guard set.count > 0 else { throw LearnerError(.data, input: directory.path, "no PNG images") }
        return set
    }

    /// Image `i` as a data-path sample.
    public func sample(_ i: Int) -> ImageSample {
        let n = width * height
        return ImageSample(width: width, height: height, pixels: Array(pixels[(i * n)..<((i + 1) * n)]), labels: [labels[i]])
    }
}
