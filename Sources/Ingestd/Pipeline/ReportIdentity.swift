import Index

/// Which stored report an arriving one is. A report is keyed by its accession (`acc:…`) when it
/// carries one, else by the digest of its normalised text (`sha256:…`); the same report can
/// arrive in two formats, a plain-text export without the accession and an HL7/JSON message
/// with it, and must still be stored once. The digest of the normalised text ties the copies:
///
/// - without an accession, any report already stored with the same text is this report;
/// - with accession A, a report stored under `acc:A`, or claimed by A earlier, is this report;
///   otherwise a same-text report stored *without* an accession, and not yet claimed by another
///   accession, is this report, now claimed by A (so a study with A pairs with it);
/// - two reports with different accessions are different reports even with identical text
///   (normal studies often share the wording).
enum ReportIdentity: Equatable {
    /// Not stored yet: store under the arriving key.
    case new
    /// Stored under this key already.
    case duplicate(of: String)
    /// Stored under this `sha256:` key without an accession; the arriving copy names it.
    case claimed(String, accession: String)

    static func resolve(key: String, digest: String, accession: String?, in tx: inout StoreTransaction) throws(IndexError) -> ReportIdentity {
        if try tx.get(.reports, Array(key.utf8)) != nil { return .duplicate(of: key) }
        let sameText = try tx.pairingLookup(.reportByDigest(digest))
        guard let accession else { return sameText.map { .duplicate(of: $0) } ?? .new }
        if let claimed = try tx.pairingLookup(.reportByAccession(accession)) { return .duplicate(of: claimed) }
        if let sameText, sameText.hasPrefix("sha256:"), try tx.pairingLookup(.accessionOfReport(sameText)) == nil {
            return .claimed(sameText, accession: accession)
        }
        return .new
    }

    /// Records the identity notes the next copy will look up (inside the storing transaction).
    static func note(_ identity: ReportIdentity, key: String, digest: String, in tx: inout StoreTransaction) throws(IndexError) {
        switch identity {
        case .new:
            if try tx.pairingLookup(.reportByDigest(digest)) == nil { tx.setPairingLookup(.reportByDigest(digest), key) }
        case .claimed(let existing, let accession):
            tx.setPairingLookup(.reportByAccession(accession), existing)
            tx.setPairingLookup(.accessionOfReport(existing), accession)
        case .duplicate:
            break
        }
    }
}
