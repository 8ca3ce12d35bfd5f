package dev.venice.spi.config;

/**
 * A configuration value that is unknown, missing or malformed. The message always names the full
 * key (for example {@code plugins.hedging.delay}), the offending value and what is allowed.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String key;

  /**
   * @param key the full configuration key at fault
   * @param message what is wrong and what is allowed
   */
  public ConfigException(String key, String message) {
    super(message);
    this.key = key;
  }

  /** The full configuration key at fault. */
  public String key() {
    return key;
  }
}
