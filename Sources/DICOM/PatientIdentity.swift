/// Patient identifiers read from an object, held in memory for matching only.
///
/// Printing, interpolating, dumping or mirroring this value shows a redacted placeholder, so a
/// stray `print(header)` or log statement cannot leak PHI.
public struct PatientIdentity: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var patientID: String
    public var patientName: String

    public init(patientID: String, patientName: String) {
        self.patientID = patientID
        self.patientName = patientName
    }

    public var description: String { "PatientIdentity(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
