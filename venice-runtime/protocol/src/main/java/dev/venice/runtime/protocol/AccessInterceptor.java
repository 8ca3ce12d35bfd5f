package dev.venice.runtime.protocol;

import dev.venice.runtime.common.plugin.SecurityHooks;
import dev.venice.runtime.common.security.CertificatePrincipals;
import dev.venice.runtime.common.security.Tls;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.plugin.RateGate;
import dev.venice.spi.plugin.TimeSource;
import dev.venice.spi.security.AccessDecision;
import dev.venice.spi.security.AccessDenial;
import dev.venice.spi.security.AccessLevel;
import dev.venice.spi.security.AccessRequest;
import dev.venice.spi.security.Principal;
import dev.venice.spi.security.Resource;
import dev.venice.spi.server.InboundRequest;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates and authorizes the calls of a gRPC port that speaks TLS: the read service of a
 * server or router ({@link #forReads}), and the plugins' services of any process ({@link
 * #forPluginServices}). The principal is the client certificate's ({@link CertificatePrincipals}),
 * else the one the {@code authorization: Bearer <token>} metadata entry vouches for (a token no
 * plugin accepts ends the call {@code UNAUTHENTICATED}), else {@link Principal#ANONYMOUS}; it is in
 * {@link #PRINCIPAL} for the rest of the call. A read is authorized when its first request message
 * arrives (it names the store): {@link AccessLevel#READ} on that store; a plugin's call when it
 * starts: {@code READ} on the cluster. A denial ends the call {@code PERMISSION_DENIED} naming the
 * operation and the resource asked for, and nothing reaches the service. With no authorizer, an
 * anonymous call ends {@code UNAUTHENTICATED} and any other is allowed at the cost of one volatile
 * read and a context value.
 */
public final class AccessInterceptor implements ServerInterceptor {
  /** The call's principal. */
  public static final Context.Key<Principal> PRINCIPAL = Context.key("venice-principal");
  private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
      Metadata.ASCII_STRING_MARSHALLER);
  private static final String BEARER = "Bearer ";
  private static final Logger LOG = LoggerFactory.getLogger(AccessInterceptor.class);

  private final Supplier<SecurityHooks> securityHooks;
  private final Consumer<AccessDenial> onDenied;
  /** Plugin services: the cluster every call needs READ on; {@code null} for the read service. */
  private final String cluster;

  private AccessInterceptor(Supplier<SecurityHooks> securityHooks,
      Consumer<AccessDenial> onDenied, String cluster) {
    this.securityHooks = Objects.requireNonNull(securityHooks, "securityHooks");
    this.onDenied = Objects.requireNonNull(onDenied, "onDenied");
    this.cluster = cluster;
  }

  /**
   * The interceptor of a read service: {@code null} (none) without TLS. Every denial is counted
   * in {@code venice.<process>.access.denied}; the first, then at most one a second, is logged and
   * handed to the plugins' {@code AccessDenialListener}s (reads can be denied by the thousand).
   *
   * @param process the process kind ({@code server}, {@code router}): the metric's and log's name
   */
  public static AccessInterceptor forReads(Tls tls, Supplier<SecurityHooks> securityHooks,
      String process, MeterRegistry registry) {
    return tls == null ? null
        : new AccessInterceptor(securityHooks, denials(securityHooks, process, registry), null);
  }

  /**
   * The interceptor of the plugins' services on a process's gRPC port: {@code null} without TLS;
   * else every call needs {@code READ} on {@code cluster} (the operation is the full method name),
   * its denials handled as {@link #forReads}'.
   */
  public static AccessInterceptor forPluginServices(Tls tls,
      Supplier<SecurityHooks> securityHooks, String cluster, String process,
      MeterRegistry registry) {
    return tls == null ? null : new AccessInterceptor(securityHooks,
        denials(securityHooks, process, registry), Objects.requireNonNull(cluster, "cluster"));
  }

  /** Counts every denial; logs and reports the first, then at most one a second. */
  private static Consumer<AccessDenial> denials(Supplier<SecurityHooks> securityHooks,
      String process, MeterRegistry registry) {
    RateGate gate = RateGate.open(Duration.ofSeconds(1), TimeSource.SYSTEM);
    AtomicLong unreported = new AtomicLong();
    Counter denied = Counter.builder("venice." + process + ".access.denied")
        .description("Operations an authorizer denied").register(registry);
    return denial -> {
      denied.increment();
      if (!gate.tryPass()) {
        unreported.incrementAndGet();
        return;
      }
      long suppressed = unreported.getAndSet(0);
      AccessRequest request = denial.request();
      LOG.info("{}: denied {} from {}: {} on {} ({}){}", process, request.principal().name(),
          denial.address(), request.operation(), request.resource(), denial.reason(),
          suppressed == 0 ? "" : "; " + suppressed + " more calls denied since the last line");
      securityHooks.get().denied(denial);
    };
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    SecurityHooks security = securityHooks.get();
    Principal principal = certified(call).orElse(null);
    if (principal == null) {
      String authorization = headers.get(AUTHORIZATION);
      if (authorization != null
          && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
        principal = security.authenticate(authorization.substring(BEARER.length()).trim())
            .orElse(null);
        if (principal == null) {
          return refused(call, Status.UNAUTHENTICATED.withDescription(
              "the bearer token was not accepted"));
        }
      } else {
        principal = Principal.ANONYMOUS;
      }
    }
    if (!security.hasAuthorizer() && !principal.authenticated()) {
      return refused(call, Status.UNAUTHENTICATED.withDescription("this port authenticates its"
          + " callers: present a client certificate or a bearer token"));
    }
    if (cluster != null && security.hasAuthorizer()) {
      AccessRequest request = new AccessRequest(principal,
          call.getMethodDescriptor().getFullMethodName(), AccessLevel.READ,
          Resource.cluster(cluster));
      if (!allowed(call, request, security)) {
        return new ServerCall.Listener<>() {};
      }
    }
    ServerCall.Listener<Q> listener = Contexts.interceptCall(
        Context.current().withValue(PRINCIPAL, principal), call, headers, next);
    return cluster == null && security.hasAuthorizer()
        ? new AuthorizingListener<>(listener, call, principal, security) : listener;
  }

  private static <Q> ServerCall.Listener<Q> refused(ServerCall<Q, ?> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }

  /**
   * Asks the authorizers; a denial closes the call {@code PERMISSION_DENIED} and is reported.
   *
   * @return whether the call may go on
   */
  private boolean allowed(ServerCall<?, ?> call, AccessRequest request, SecurityHooks security) {
    AccessDecision decision = security.authorize(request);
    if (decision.allowed()) {
      return true;
    }
    call.close(Status.PERMISSION_DENIED.withDescription("permission denied: "
        + request.principal().name() + " may not " + request.operation() + " on "
        + request.resource()), new Metadata());
    onDenied.accept(new AccessDenial(request, decision.reason(),
        String.valueOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)),
        Instant.now()));
    return false;
  }

  private static Optional<Principal> certified(ServerCall<?, ?> call) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return CertificatePrincipals.of(chain);
    } catch (SSLPeerUnverifiedException noCertificate) {
      return Optional.empty();
    }
  }

  /** The operation name of a read kind, as authorizers and audit see it. */
  static String operation(RequestKind kind) {
    return switch (kind) {
      case SINGLE_GET -> "get";
      case BATCH_GET -> "batch-get";
      case STREAMING_BATCH_GET -> "streaming-batch-get";
    };
  }

  /** Authorizes the call on its first message; a denied call hears nothing more. */
  private final class AuthorizingListener<Q, R>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final ServerCall<Q, R> call;
    private final Principal principal;
    private final SecurityHooks security;
    private boolean decided;
    private boolean denied;

    AuthorizingListener(ServerCall.Listener<Q> delegate, ServerCall<Q, R> call,
        Principal principal, SecurityHooks security) {
      super(delegate);
      this.call = call;
      this.principal = principal;
      this.security = security;
    }

    @Override
    public void onMessage(Q message) {
      if (!decided) { // listener callbacks of one call never run concurrently
        decided = true;
        decide(message);
      }
      if (!denied) {
        super.onMessage(message);
      }
    }

    private void decide(Q message) {
      InboundRequest described = RequestHookInterceptor.describe(
          call.getMethodDescriptor().getFullMethodName(), message, Map.of());
      if (described == null) {
        return; // not a read the service accepts: it refuses the call itself
      }
      denied = !allowed(call, new AccessRequest(principal, operation(described.kind()),
          AccessLevel.READ, Resource.store(described.store())), security);
    }

    @Override
    public void onHalfClose() {
      if (!denied) {
        super.onHalfClose();
      }
    }

    @Override
    public void onReady() {
      if (!denied) {
        super.onReady();
      }
    }
  }
}
