package dev.venice.spi.server;

/**
 * What a {@link ReadHook} decides before the storage lookup: go on to storage, or answer now.
 * Use the constants and factories; the host compares {@link #PROCEED} by identity.
 */
public final class ReadDecision {
  /** Go on with the storage lookup. */
  public static final ReadDecision PROCEED = new ReadDecision(false, null);
  /** Answer "the key does not exist" without touching storage (e.g. a Bloom filter miss). */
  public static final ReadDecision ABSENT = new ReadDecision(true, null);

  private final boolean answered;
  private final byte[] value;

  private ReadDecision(boolean answered, byte[] value) {
    this.answered = answered;
    this.value = value;
  }

  /** Answer with {@code value} (serialized as stored) without touching storage. */
  public static ReadDecision answer(byte[] value) {
    return value == null ? ABSENT : new ReadDecision(true, value);
  }

  /** Whether the hook answered, so the storage lookup is skipped. */
  public boolean answered() {
    return answered;
  }

  /** The answered value, {@code null} for "absent" (or when the hook did not answer). */
  public byte[] value() {
    return value;
  }
}
