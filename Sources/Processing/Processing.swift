/// The key-ordered concurrent processing engine.
public enum ProcessingModule {}
