/// Transfer syntaxes, grouped by what free DCMTK can decode.
public enum TransferSyntax {
    public static let implicitVRLittleEndian = "1.2.840.10008.1.2"
    public static let explicitVRLittleEndian = "1.2.840.10008.1.2.1"
    public static let deflatedExplicitVRLittleEndian = "1.2.840.10008.1.2.1.99"
    public static let explicitVRBigEndian = "1.2.840.10008.1.2.2"
    public static let rleLossless = "1.2.840.10008.1.2.5"
    public static let jpegBaseline = "1.2.840.10008.1.2.4.50"
    public static let jpegExtended = "1.2.840.10008.1.2.4.51"
    public static let jpegLossless = "1.2.840.10008.1.2.4.57"
    public static let jpegLosslessSV1 = "1.2.840.10008.1.2.4.70"
    public static let jpegLSLossless = "1.2.840.10008.1.2.4.80"
    public static let jpegLSNearLossless = "1.2.840.10008.1.2.4.81"

    /// Uncompressed encodings.
    public static let native: Set<String> = [
        implicitVRLittleEndian, explicitVRLittleEndian, deflatedExplicitVRLittleEndian, explicitVRBigEndian,
    ]

    /// Encapsulated encodings with a decoder in free DCMTK (IJG JPEG processes 1, 2/4, 6/8
    /// (retired spectral selection and progressive), 14, 14 SV1; CharLS; RLE).
    public static let decodableEncapsulated: Set<String> = [
        rleLossless, jpegBaseline, jpegExtended, "1.2.840.10008.1.2.4.53", "1.2.840.10008.1.2.4.55",
        jpegLossless, jpegLosslessSV1, jpegLSLossless, jpegLSNearLossless,
    ]

    /// Whether pixel values decoded from `uid` may differ from the encoder's input.
    public static func isLossy(_ uid: String) -> Bool {
        [jpegBaseline, jpegExtended, "1.2.840.10008.1.2.4.53", "1.2.840.10008.1.2.4.55", jpegLSNearLossless,
         "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.203"].contains(uid)
    }
}
