package dev.venice.runtime.protocol;

import dev.venice.spi.client.RequestKind;
import dev.venice.spi.server.InboundRequest;
import dev.venice.spi.server.RequestEnd;
import dev.venice.spi.server.RequestScope;
import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Runs the plugins' request hooks around every read call of a server or router: when the request
 * message arrives it describes the call ({@link InboundRequest}: method, kind, store, version,
 * partition, key count, headers) and opens the hooks' scope; the scope's outgoing headers replace
 * {@link RequestHeaders#KEY} for the rest of the call, so the calls a router makes on its behalf
 * carry them; when the call closes (or the caller cancels) the scope ends, once.
 *
 * <p>Installed by {@link #intercept} inside {@link RequestHeaders#capture()}. With no hook on for
 * the store, a call pays a cached lookup; a process without any request hook does not install it.
 */
public final class RequestHookInterceptor implements ServerInterceptor {
  private final Function<String, Function<InboundRequest, RequestScope>> hooksForStore;

  private RequestHookInterceptor(
      Function<String, Function<InboundRequest, RequestScope>> hooksForStore) {
    this.hooksForStore = hooksForStore;
  }

  /**
   * A read service with its headers captured ({@link RequestHeaders#capture()}) and, when there are
   * request hooks, this interceptor inside that.
   *
   * @param hooksForStore the scope opener of the request hooks that are on for a store; {@code
   *     null} when the process has no request hook (the service then pays nothing for them)
   * @param access authenticates and authorizes each call before the hooks see it (a port with
   *     TLS); {@code null} without
   */
  public static ServerServiceDefinition intercept(BindableService service,
      Function<String, Function<InboundRequest, RequestScope>> hooksForStore,
      AccessInterceptor access) {
    List<ServerInterceptor> chain = new ArrayList<>(3);
    // the last interceptor runs first: headers are captured, then access is checked, then the
    // hooks open their scope (a denied call never reaches them)
    if (hooksForStore != null) {
      chain.add(new RequestHookInterceptor(hooksForStore));
    }
    if (access != null) {
      chain.add(access);
    }
    chain.add(RequestHeaders.capture());
    return ServerInterceptors.intercept(service, chain);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata metadata,
      ServerCallHandler<Q, R> next) {
    ScopedCall<Q, R> scoped = new ScopedCall<>(call);
    return new ScopedListener<>(next.startCall(scoped, metadata), scoped,
        call.getMethodDescriptor().getFullMethodName());
  }

  /**
   * The call's description from its (first) request message; {@code null} for a message we do not
   * know, and for a bidirectional stream whose first message has no header (the service refuses
   * it with {@code INVALID_ARGUMENT}).
   *
   * <p>A {@code BidiStreamingBatchGet}'s keys keep arriving after it opens, so its key count is
   * not known then: it reports the keys of the first message (0 when that message carries only
   * the header), and its partition is the one every key of the first message names, else -1.
   */
  static InboundRequest describe(String method, Object message, Map<String, String> headers) {
    if (message instanceof StreamingKeyRequest first) {
      if (!first.hasHeader()) {
        return null;
      }
      return new InboundRequest(method, RequestKind.STREAMING_BATCH_GET,
          first.getHeader().getStore(), first.getHeader().getVersion(),
          singlePartition(first.getKeysList()), first.getKeysCount(), headers);
    }
    if (message instanceof GetRequest get) {
      return new InboundRequest(method, RequestKind.SINGLE_GET, get.getStore(), get.getVersion(),
          get.getPartition(), 1, headers);
    }
    if (message instanceof BatchGetRequest batch) {
      RequestKind kind = method.endsWith("/StreamingBatchGet") ? RequestKind.STREAMING_BATCH_GET
          : RequestKind.BATCH_GET;
      return new InboundRequest(method, kind, batch.getStore(), batch.getVersion(),
          singlePartition(batch.getKeysList()), batch.getKeysCount(), headers);
    }
    return null;
  }

  /** The partition every key names, or -1 (none named, or several). */
  private static int singlePartition(List<KeyRequest> keys) {
    int partition = -1;
    for (KeyRequest key : keys) {
      if (key.getPartition() < 0 || (partition >= 0 && key.getPartition() != partition)) {
        return -1;
      }
      partition = key.getPartition();
    }
    return partition;
  }

  /** The call, ending its scope when it closes. */
  private static final class ScopedCall<Q, R>
      extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    /** Whether the scope's end was delivered (exactly once). */
    private final AtomicBoolean scopeEnded = new AtomicBoolean();
    /** The call's end, once it ended; {@code null} while it runs. */
    private volatile Status endedWith;
    private volatile RequestScope scope = RequestScope.NONE;

    ScopedCall(ServerCall<Q, R> call) {
      super(call);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      end(status);
      super.close(status, trailers);
    }

    /** Keeps the call's scope; one opened after the call already ended is ended at once. */
    void open(RequestScope opened) {
      scope = opened;
      Status already = endedWith;
      if (already != null && scopeEnded.compareAndSet(false, true)) {
        opened.onEnd(endOf(already));
      }
    }

    void end(Status status) {
      if (endedWith == null) {
        endedWith = status; // read by open(): a scope opened from now on ends at once
      }
      RequestScope s = scope;
      if (s != RequestScope.NONE && scopeEnded.compareAndSet(false, true)) {
        s.onEnd(endOf(status));
      }
    }

    private static RequestEnd endOf(Status status) {
      return new RequestEnd(status.getCode().value(), status.getCode().name(),
          status.getDescription() == null ? "" : status.getDescription());
    }
  }

  /** Opens the scope on the first message and runs the rest of the call with its headers. */
  private final class ScopedListener<Q, R>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final ScopedCall<Q, R> call;
    private final String method;
    private boolean opened;
    /** Whether a scope refused the call: it was closed, nothing more reaches the handler. */
    private boolean refused;
    /** The call's context with the scope's outgoing headers; {@code null} when there are none. */
    private Context withHeaders;

    ScopedListener(ServerCall.Listener<Q> delegate, ScopedCall<Q, R> call, String method) {
      super(delegate);
      this.call = call;
      this.method = method;
    }

    @Override
    public void onMessage(Q message) {
      if (!opened) { // listener callbacks of one call never run concurrently
        opened = true;
        open(message);
      }
      if (!refused) {
        inScope(() -> super.onMessage(message));
      }
    }

    private void open(Q message) {
      Map<String, String> headers = RequestHeaders.KEY.get();
      InboundRequest request = describe(method, message, headers);
      if (request == null) {
        return;
      }
      RequestScope scope = hooksForStore.apply(request.store()).apply(request);
      call.open(scope);
      Optional<String> refusal = scope.refusal();
      if (refusal.isPresent()) {
        refused = true;
        call.close(Status.UNAVAILABLE.withDescription(refusal.get()), new Metadata());
        return;
      }
      Map<String, String> outgoing = scope.outgoingHeaders();
      if (!outgoing.isEmpty()) {
        Map<String, String> merged = new HashMap<>(headers);
        merged.putAll(outgoing);
        withHeaders = Context.current().withValue(RequestHeaders.KEY, Map.copyOf(merged));
      }
    }

    @Override
    public void onHalfClose() {
      if (!refused) {
        inScope(super::onHalfClose);
      }
    }

    @Override
    public void onReady() {
      if (!refused) {
        inScope(super::onReady);
      }
    }

    @Override
    public void onCancel() {
      // a deadline that expired is a cancel too: say which, as the caller saw it
      Throwable cause = Context.current().cancellationCause();
      call.end(cause == null ? Status.CANCELLED : Status.fromThrowable(cause));
      inScope(super::onCancel);
    }

    @Override
    public void onComplete() {
      inScope(super::onComplete);
    }

    private void inScope(Runnable callback) {
      Context context = withHeaders;
      if (context == null) {
        callback.run();
        return;
      }
      Context previous = context.attach();
      try {
        callback.run();
      } finally {
        context.detach(previous);
      }
    }
  }
}
