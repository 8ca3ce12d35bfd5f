package dev.venice.runtime.protocol;

import dev.venice.spi.rpc.RpcCall;
import dev.venice.spi.rpc.RpcMethod;
import dev.venice.spi.rpc.RpcService;
import dev.venice.spi.rpc.RpcStatus;
import io.grpc.MethodDescriptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.grpc.util.MutableHandlerRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the plugins' {@link RpcService}s on a process's gRPC server: each becomes a grpc-java
 * service whose messages pass as bytes (the plugin encodes them), so plugins never share gRPC or
 * protobuf classes with the host.
 */
public final class PluginRpcServices {
  private static final Logger LOG = LoggerFactory.getLogger(PluginRpcServices.class);

  private PluginRpcServices() {}

  /**
   * Adds every plugin's services to {@code registry}, except one whose name the process serves
   * itself ({@code reserved}), which is logged and skipped.
   *
   * @param byPlugin services by plugin id
   * @param reserved the full names of the process's own services
   * @param access authenticates and authorizes every call ({@link
   *     AccessInterceptor#forPluginServices}); {@code null} on a port without TLS
   */
  public static void addTo(MutableHandlerRegistry registry, Map<String, List<RpcService>> byPlugin,
      Set<String> reserved, AccessInterceptor access) {
    byPlugin.forEach((plugin, services) -> services.forEach(service -> {
      if (reserved.contains(service.name())) {
        LOG.error("plugin {}: RPC service {} not added: the process serves it itself", plugin,
            service.name());
      } else {
        registry.addService(access == null ? definition(service)
            : ServerInterceptors.intercept(definition(service), access));
        LOG.info("plugin {}: serving RPC service {} ({})", plugin, service.name(),
            service.methods().stream().map(RpcMethod::name).collect(Collectors.joining(", ")));
      }
    }));
  }

  /** {@code service} as a grpc-java service definition. */
  public static ServerServiceDefinition definition(RpcService service) {
    ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(service.name());
    for (RpcMethod method : service.methods()) {
      MethodDescriptor<byte[], byte[]> descriptor = MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(method.type() == RpcMethod.Type.UNARY ? MethodDescriptor.MethodType.UNARY
              : MethodDescriptor.MethodType.SERVER_STREAMING)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(service.name(),
              method.name()))
          .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
      if (method.type() == RpcMethod.Type.UNARY) {
        builder.addMethod(descriptor, ServerCalls.asyncUnaryCall((request, observer) ->
            method.handler().handle(request, new ObserverCall(observer))));
      } else {
        builder.addMethod(descriptor, ServerCalls.asyncServerStreamingCall((request, observer) ->
            method.handler().handle(request, new ObserverCall(observer))));
      }
    }
    return builder.build();
  }

  /** A call answered through grpc-java's observer; methods serialized, no-ops once it ended. */
  private static final class ObserverCall implements RpcCall {
    private final ServerCallStreamObserver<byte[]> observer;
    private boolean done;
    private Runnable onCancel;

    ObserverCall(StreamObserver<byte[]> observer) {
      this.observer = (ServerCallStreamObserver<byte[]>) observer;
      this.observer.setOnCancelHandler(this::cancelled);
    }

    @Override
    public synchronized void send(byte[] message) {
      if (!done && !observer.isCancelled()) {
        observer.onNext(message);
      }
    }

    @Override
    public synchronized void complete() {
      if (!done) {
        done = true;
        if (!observer.isCancelled()) {
          observer.onCompleted();
        }
      }
    }

    @Override
    public synchronized void fail(RpcStatus status, String description) {
      if (status == RpcStatus.OK) {
        throw new IllegalArgumentException("fail needs an error status, not OK");
      }
      if (!done) {
        done = true;
        if (!observer.isCancelled()) {
          observer.onError(Status.fromCodeValue(status.code()).withDescription(description)
              .asRuntimeException());
        }
      }
    }

    @Override
    public synchronized boolean isDone() {
      return done;
    }

    @Override
    public void onCancel(Runnable action) {
      boolean runNow;
      synchronized (this) {
        runNow = done && onCancel == CANCELLED;
        if (!runNow) {
          onCancel = action;
        }
      }
      if (runNow) {
        action.run();
      }
    }

    private void cancelled() {
      Runnable action;
      synchronized (this) {
        done = true;
        action = onCancel;
        onCancel = CANCELLED;
      }
      if (action != null && action != CANCELLED) {
        action.run();
      }
    }

    private static final Runnable CANCELLED = () -> { };
  }

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
}
