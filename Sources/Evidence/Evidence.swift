/// Placeholder until the Evidence issue lands.
public enum EvidenceModule {}
