package dev.venice.spi.host;

import dev.venice.spi.Experimental;
import dev.venice.spi.plugin.ServingState;
import java.util.function.Consumer;

/**
 * The host process's serving state machine ({@link ServingState}), for plugins that report it (a
 * health service) or act on it (a drain). Implemented by hosts; thread-safe.
 *
 * @since 1.4.0
 */
@Experimental(since = "1.4.0")
public interface ServingLifecycle {
  /** The current state. */
  ServingState state();

  /**
   * Why the process is not {@link ServingState#READY}, for an operator ("replicas bootstrapping:
   * 0 of 4 caught up", "draining"); {@code ""} when it is.
   */
  String reason();

  /**
   * Calls {@code listener} with the current state at once, then with every later state, in order,
   * each state once; never two calls at a time for one listener. Calls come from the thread that
   * changed the state: keep them short and non-blocking. A listener that throws is logged and
   * keeps its subscription.
   *
   * @return closes the subscription
   */
  Subscription subscribe(Consumer<ServingState> listener);

  /**
   * Asks the host to stop the process as a JVM shutdown (SIGTERM) would: it moves to {@link
   * ServingState#DRAINING}, runs every plugin's {@code onDrain}, then stops. Returns at once; the
   * stop runs on a host thread. A second call, or a call while stopping, does nothing.
   */
  void requestStop();
}
