package dev.venice.spi.server;

/**
 * What a lookup produced, for {@link ReadHook#afterRead}.
 *
 * @param found whether the key exists
 * @param valueSize the serialized value's size in bytes, 0 when absent
 * @param latencyNanos time from the first before-hook to the end of the lookup
 * @param answeredByHook whether a before-hook answered, so storage was not read
 */
public record ReadOutcome(boolean found, int valueSize, long latencyNanos, boolean answeredByHook) {}
