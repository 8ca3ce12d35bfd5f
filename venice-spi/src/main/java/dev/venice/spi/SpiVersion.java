package dev.venice.spi;

/**
 * The version of this SPI. A host compares it with each plugin's declared range
 * ({@link dev.venice.spi.plugin.PluginDescriptor#spiVersionRange()}); because plugins see the
 * host's copy of this class, the value a plugin reads at run time is the host's.
 */
public final class SpiVersion {
  /** The SPI version this jar implements; kept equal to the Maven version by a unit test. */
  public static final SemanticVersion CURRENT = SemanticVersion.parse("1.9.0");

  private SpiVersion() {}
}
