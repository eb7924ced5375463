/// The Vlens Digital Identity HTTP client and its models.
public enum VlensAPIModule {}
