package dev.venice.spi.controller;

import dev.venice.spi.Experimental;

/**
 * A conditional write of a {@link PluginStateStore} lost a race: the node was created, changed or
 * deleted by someone else since it was read (ZooKeeper's {@code NodeExists}, {@code BadVersion}
 * or {@code NoNode}). Read again and retry, or use {@link PluginStateStore#update(String,
 * java.util.function.Function)} which does.
 */
@Experimental(since = "1.6.0")
public final class StateConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message names the path and what changed */
  public StateConflictException(String message) {
    super(message);
  }
}
