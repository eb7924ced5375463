/// The vlens-worker assembly: services, configuration, metrics.
public enum WorkerModule {}
