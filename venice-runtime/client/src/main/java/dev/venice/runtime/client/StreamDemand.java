package dev.venice.runtime.client;

import java.util.function.IntConsumer;

/**
 * Demand for the values of one streaming batch get, handed down to its gRPC calls so that a slow
 * reader slows the network instead of filling a buffer: each call the fast client opens for the
 * request {@linkplain #attach attaches} with its inbound flow control switched to manual, and
 * reads only the messages the demand grants it. {@link StreamingBatchGetPublisher} is the one
 * implementation; without it, calls use gRPC's automatic flow control (one message at a time,
 * after the callback returns).
 *
 * <p>The demand reaches the fast client bound to the subscribing thread ({@link #bind}), so it
 * passes store-level decorators that call their delegate on the caller's thread (those that wrap
 * the callback included); a decorator that hops threads first leaves the request on automatic
 * flow control.
 */
interface StreamDemand {
  /**
   * A gRPC call starts delivering into this request.
   *
   * @param request asks the call for {@code n} more messages; called outside any lock of the
   *     demand, from any thread
   * @return what the call reports back: one {@link Credit#received()} per message, {@link
   *     Credit#done()} when it ends (however it ends)
   */
  Credit attach(IntConsumer request);

  /** One call's side of the demand. Thread-safe. */
  interface Credit {
    /** One message granted to the call has arrived and been handed on. */
    void received();

    /** The call ended; its ungranted credit goes back to the others. */
    void done();
  }

  /** Runs {@code send} with {@code demand} bound to this thread for the fast client to take. */
  static void bind(StreamDemand demand, Runnable send) {
    StreamDemand outer = Binding.CURRENT.get();
    Binding.CURRENT.set(demand);
    try {
      send.run();
    } finally {
      Binding.CURRENT.set(outer);
    }
  }

  /** The demand bound to this thread, unbound so no other request takes it; {@code null} if none. */
  static StreamDemand take() {
    StreamDemand demand = Binding.CURRENT.get();
    if (demand != null) {
      Binding.CURRENT.set(null);
    }
    return demand;
  }

  /** Holder of the thread binding (interfaces cannot have private static fields). */
  final class Binding {
    private static final ThreadLocal<StreamDemand> CURRENT = new ThreadLocal<>();

    private Binding() {}
  }
}
