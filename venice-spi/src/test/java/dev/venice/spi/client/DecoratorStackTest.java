package dev.venice.spi.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class DecoratorStackTest {
  /** A client of our own interface that answers every key with the key itself. */
  static final class EchoClient implements StoreClient<String, String> {
    final List<String> calls;

    EchoClient(List<String> calls) {
      this.calls = calls;
    }

    @Override
    public String storeName() {
      return "users";
    }

    @Override
    public CompletableFuture<String> get(String key, RequestContext context) {
      calls.add("client");
      return CompletableFuture.completedFuture(key);
    }

    @Override
    public CompletableFuture<Map<String, String>> batchGet(Set<String> keys, RequestContext c) {
      return CompletableFuture.completedFuture(Map.of());
    }

    @Override
    public CompletableFuture<Void> streamingBatchGet(
        Set<String> keys, RequestContext context, StreamingCallback<String, String> callback) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {}
  }

  /** Records the order in which decorators see a call. */
  record Recording(String name, int order, List<String> calls)
      implements StoreClientDecorator, ReplicaDispatchDecorator {
    @Override
    public <K, V> StoreClient<K, V> decorate(StoreClient<K, V> client) {
      return new ForwardingStoreClient<>(client) {
        @Override
        public CompletableFuture<V> get(K key, RequestContext context) {
          calls.add(name);
          return super.get(key, context);
        }
      };
    }

    @Override
    public ReplicaDispatcher decorate(ReplicaDispatcher next, String store) {
      return request -> {
        calls.add(name + "@" + store);
        return next.dispatch(request);
      };
    }
  }

  @Test
  void theFirstDecoratorAddedIsOutermost() {
    List<String> calls = new ArrayList<>();
    DecoratorStack stack = DecoratorStack.builder()
        .decorate((StoreClientDecorator) new Recording("outer", 900, calls))
        .decorate((StoreClientDecorator) new Recording("inner", 100, calls))
        .build();
    assertEquals("k", stack.decorateClient(new EchoClient(calls)).get("k").join());
    assertEquals(List.of("outer", "inner", "client"), calls);
  }

  @Test
  void defaultOrderSortsByOrderThenName() {
    List<String> calls = new ArrayList<>();
    Recording timeout = new Recording("timeout", DecoratorOrder.TIMEOUT, calls);
    Recording rateLimit = new Recording("rate-limit", DecoratorOrder.RATE_LIMIT, calls);
    Recording hedging = new Recording("hedging", DecoratorOrder.HEDGING, calls);
    Recording adaptive = new Recording("adaptive", DecoratorOrder.ADAPTIVE_SELECTION, calls);
    DecoratorStack stack = DecoratorStack.inDefaultOrder(List.of(timeout, rateLimit),
        List.of(hedging, adaptive));
    stack.decorateClient(new EchoClient(calls)).get("k").join();
    Replica replica = new Replica("host_1", "host", 1);
    ReplicaRequest request = new ReplicaRequest("users", 1, 0, RequestKind.SINGLE_GET,
        List.of(new byte[] {1}), RequestContext.of("users"), List.of(replica));
    stack.decorateDispatcher(r -> CompletableFuture.completedFuture(
        new ReplicaResponse(r.candidates().get(0), List.of())), "users").dispatch(request).join();
    assertEquals(List.of("rate-limit", "timeout", "client", "adaptive@users", "hedging@users"),
        calls);
    assertEquals("store [rate-limit, timeout], replica [adaptive, hedging]", stack.toString());
  }

  @Test
  void anEmptyStackChangesNothing() {
    EchoClient client = new EchoClient(new ArrayList<>());
    assertSame(client, DecoratorStack.empty().decorateClient(client));
    ReplicaDispatcher dispatcher = r -> null;
    assertSame(dispatcher, DecoratorStack.empty().decorateDispatcher(dispatcher, "users"));
  }

  @Test
  void requestContextKeepsTheEarliestDeadlineAndLowerCaseHeaders() {
    Instant soon = Instant.parse("2026-01-01T00:00:01Z");
    Instant later = soon.plusSeconds(5);
    RequestContext context = RequestContext.of("users").withDeadline(soon).withDeadline(later)
        .withHeader("TraceParent", "00-abc-def-01");
    assertEquals(soon, context.deadline().orElseThrow());
    assertEquals("00-abc-def-01", context.header("traceparent").orElseThrow());
    assertEquals(Map.of("traceparent", "00-abc-def-01"), context.headers());
  }
}
