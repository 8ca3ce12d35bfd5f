package dev.venice.spi.server;

/**
 * What a {@link ReadHook} decides before the storage lookup: go on to storage, or answer now.
 * Use the constants and factories; the host compares {@link #PROCEED} by identity.
 */
public final class ReadDecision {
  /** Go on with the storage lookup. */
  public static final ReadDecision PROCEED = new ReadDecision(false, -1, null);
  /** Answer "the key does not exist" without touching storage (e.g. a Bloom filter miss). */
  public static final ReadDecision ABSENT = new ReadDecision(true, -1, null);

  private final boolean answered;
  private final int schemaId;
  private final byte[] value;

  private ReadDecision(boolean answered, int schemaId, byte[] value) {
    this.answered = answered;
    this.schemaId = schemaId;
    this.value = value;
  }

  /**
   * Answer with a value without touching storage.
   *
   * @param schemaId the id of the value schema {@code value} was written with (a registered id of
   *     the store, 1 or more)
   * @param value the Avro binary encoding of the value, uncompressed, exactly as a client's reader
   *     decodes it
   * @throws IllegalArgumentException when {@code schemaId} is below 1 or {@code value} is null
   * @since 1.1.0
   */
  public static ReadDecision answer(int schemaId, byte[] value) {
    if (schemaId < 1 || value == null) {
      throw new IllegalArgumentException("a read hook's answer needs a value schema id of 1 or more"
          + " and a value (was " + schemaId + ", " + (value == null ? "null" : "a value") + ");"
          + " answer ABSENT for a missing key");
    }
    return new ReadDecision(true, schemaId, value);
  }

  /**
   * Answer with {@code value} in the server's storage layout: a 4-byte big-endian value schema id,
   * then the Avro binary value, uncompressed; {@code null} answers {@link #ABSENT}.
   *
   * @throws IllegalArgumentException when {@code value} is shorter than the 4-byte schema id
   * @deprecated since 1.1.0: the layout is the runtime's, not the SPI's; use {@link #answer(int,
   *     byte[])}
   */
  @Deprecated
  public static ReadDecision answer(byte[] value) {
    if (value == null) {
      return ABSENT;
    }
    if (value.length < Integer.BYTES) {
      throw new IllegalArgumentException("a stored value starts with a 4-byte schema id; got "
          + value.length + " bytes");
    }
    int schemaId = ((value[0] & 0xff) << 24) | ((value[1] & 0xff) << 16) | ((value[2] & 0xff) << 8)
        | (value[3] & 0xff);
    return answer(schemaId, java.util.Arrays.copyOfRange(value, Integer.BYTES, value.length));
  }

  /** Whether the hook answered, so the storage lookup is skipped. */
  public boolean answered() {
    return answered;
  }

  /**
   * The answered value's schema id; {@code -1} for "absent" or when the hook did not answer.
   *
   * @since 1.1.0
   */
  public int schemaId() {
    return schemaId;
  }

  /**
   * The answered value (Avro binary, without a schema id); {@code null} for "absent" or when the
   * hook did not answer.
   */
  public byte[] value() {
    return value;
  }
}
