package dev.venice.spi.host;

/** A registration that can be cancelled; closing it twice is harmless. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
  /** Cancels the registration. */
  @Override
  void close();
}
