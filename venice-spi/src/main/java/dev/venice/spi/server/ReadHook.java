package dev.venice.spi.server;

/**
 * Called around every key lookup on a server (and on a router's read path). Both methods run on
 * the request thread: keep them short and non-blocking.
 */
public interface ReadHook {
  /**
   * Before the storage lookup. Return {@link ReadDecision#PROCEED} to go on, or an answer to skip
   * storage. Hooks run in plugin order; the first answer wins and later before-hooks are skipped.
   */
  default ReadDecision beforeRead(ReadRequest request) {
    return ReadDecision.PROCEED;
  }

  /** After the lookup (or the hook's answer): observe the key, value size and latency. */
  default void afterRead(ReadRequest request, ReadOutcome outcome) {}
}
