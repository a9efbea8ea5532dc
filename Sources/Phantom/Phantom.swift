/// Placeholder until the Phantom issue lands.
public enum PhantomModule {}
