/// A Vlens Digital Identity simulator, faithful to the documented contract.
public enum VlensSimulatorModule {}
