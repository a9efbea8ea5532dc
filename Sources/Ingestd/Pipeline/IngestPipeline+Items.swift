public import Evidence
import Index

/// What the pipeline stored per item beyond the index records, for the API.
extension IngestPipeline {
    /// The evidence items extracted from a report (spans, severity, source, confidence).
    public func evidenceItems(reportKey: String) async -> [EvidenceItem]? {
        (try? reportExtraction(key: reportKey))??.items
    }

    /// An instance's stored display image at `size` (resampled from the thumbnail when the
    /// thumbnail is another size), row-major in [0, 1]; nil when none is stored.
    public func displayImage(sopInstanceUID: String, size: Int) async -> [Float]? {
        guard size > 0, let thumbnail = try? store.thumbnail(sopInstanceUID: sopInstanceUID) else { return nil }
        return DisplayResampler.square(thumbnail.floatPixels, from: thumbnail.size, to: size)
    }
}
