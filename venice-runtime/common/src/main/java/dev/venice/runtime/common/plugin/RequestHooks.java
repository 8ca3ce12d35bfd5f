package dev.venice.runtime.common.plugin;

import dev.venice.spi.plugin.RateGate;
import dev.venice.spi.plugin.TimeSource;
import dev.venice.spi.server.InboundRequest;
import dev.venice.spi.server.RequestEnd;
import dev.venice.spi.server.RequestHook;
import dev.venice.spi.server.RequestScope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The started plugins' request hooks, as the server and router gRPC read services call them: one
 * scope per call combining every hook's. A hook that throws counts as {@link RequestScope#NONE}
 * (its plugin's guard records it); a scope whose methods throw is skipped for that method, logged
 * at most every 10 s.
 */
public final class RequestHooks {
  private static final Logger LOG = LoggerFactory.getLogger(RequestHooks.class);
  private static final RateGate SCOPE_FAILURES =
      RateGate.open(Duration.ofSeconds(10), TimeSource.SYSTEM);

  private final Hooks<RequestHook> hooks;

  RequestHooks(Hooks<RequestHook> hooks) {
    this.hooks = hooks;
  }

  /** The hooks of the plugins that are on for {@code store}; a cached lookup. */
  public RequestHooks forStore(String store) {
    return hooks.forStore(store, this, RequestHooks::new);
  }

  /**
   * What a read service's interceptor needs: the scope opener of the hooks on for a store, or
   * {@code null} when no plugin added a request hook (the interceptor is then not installed).
   */
  public Function<String, Function<InboundRequest, RequestScope>> opener() {
    return isEmpty() ? null : store -> forStore(store)::open;
  }

  /** Whether no plugin added a request hook: the read services then skip them entirely. */
  public boolean isEmpty() {
    return hooks.isEmpty();
  }

  /**
   * Opens every hook's scope for {@code request}.
   *
   * @return one scope: the hooks' outgoing headers merged in plugin order (a later plugin's value
   *     wins), and an end that reaches every hook's scope; {@link RequestScope#NONE} when no hook
   *     kept anything
   */
  public RequestScope open(InboundRequest request) {
    List<RequestScope> scopes = new ArrayList<>();
    for (Hooks.Decision<RequestScope> opened : hooks.all("request.open", request,
        RequestHook::onRequest, RequestScope.NONE)) {
      if (opened.value() != null && opened.value() != RequestScope.NONE) {
        scopes.add(opened.value());
      }
    }
    return scopes.isEmpty() ? RequestScope.NONE : new Combined(List.copyOf(scopes));
  }

  private static void failed(String what, RuntimeException e) {
    if (SCOPE_FAILURES.tryPass()) {
      LOG.warn("a plugin's request scope threw in {} (further failures for 10 s not logged): {}",
          what, e.toString());
    }
  }

  /** The hooks' scopes as one, each method contained per scope. */
  private record Combined(List<RequestScope> scopes) implements RequestScope {
    @Override
    public Optional<String> refusal() {
      for (RequestScope scope : scopes) {
        try {
          Optional<String> refusal = scope.refusal();
          if (refusal.isPresent()) {
            return refusal;
          }
        } catch (RuntimeException e) {
          failed("refusal", e);
        }
      }
      return Optional.empty();
    }

    @Override
    public Map<String, String> outgoingHeaders() {
      Map<String, String> merged = new HashMap<>();
      for (RequestScope scope : scopes) {
        try {
          merged.putAll(scope.outgoingHeaders());
        } catch (RuntimeException e) {
          failed("outgoingHeaders", e);
        }
      }
      return merged;
    }

    @Override
    public void onEnd(RequestEnd end) {
      for (RequestScope scope : scopes) {
        try {
          scope.onEnd(end);
        } catch (RuntimeException e) {
          failed("onEnd", e);
        }
      }
    }
  }
}
