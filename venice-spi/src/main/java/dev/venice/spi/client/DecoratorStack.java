package dev.venice.spi.client;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * An ordered stack of store-level and replica-level decorators. Decorators run in the order they
 * are added: the first added is the outermost and sees each call first.
 *
 * <pre>{@code
 * DecoratorStack stack = DecoratorStack.builder()
 *     .decorate(rateLimiter)      // store level, outermost
 *     .decorate(timeouts)         // store level
 *     .decorate(hedging)          // replica level
 *     .build();
 * StoreClient<String, User> client = stack.decorateClient(fastClient);
 * }</pre>
 *
 * <p>{@link #inDefaultOrder} builds the stack the runtime uses for decorators switched on by
 * configuration, sorted by {@link StoreClientDecorator#order()} / {@link
 * ReplicaDispatchDecorator#order()} (ties by name).
 */
public final class DecoratorStack {
  private static final DecoratorStack EMPTY = new DecoratorStack(List.of(), List.of());

  private final List<StoreClientDecorator> storeDecorators;
  private final List<ReplicaDispatchDecorator> replicaDecorators;

  private DecoratorStack(
      List<StoreClientDecorator> storeDecorators, List<ReplicaDispatchDecorator> replicaDecorators) {
    this.storeDecorators = List.copyOf(storeDecorators);
    this.replicaDecorators = List.copyOf(replicaDecorators);
  }

  /** A stack with no decorators: clients and dispatchers are returned unchanged. */
  public static DecoratorStack empty() {
    return EMPTY;
  }

  /** A builder for an explicit order. */
  public static Builder builder() {
    return new Builder();
  }

  /** A stack of the given decorators in their default order. */
  public static DecoratorStack inDefaultOrder(
      List<StoreClientDecorator> store, List<ReplicaDispatchDecorator> replica) {
    List<StoreClientDecorator> s = new ArrayList<>(store);
    s.sort(Comparator.comparingInt(StoreClientDecorator::order)
        .thenComparing(StoreClientDecorator::name));
    List<ReplicaDispatchDecorator> r = new ArrayList<>(replica);
    r.sort(Comparator.comparingInt(ReplicaDispatchDecorator::order)
        .thenComparing(ReplicaDispatchDecorator::name));
    return new DecoratorStack(s, r);
  }

  /** Wraps {@code client} in the store-level decorators, the first one outermost. */
  public <K, V> StoreClient<K, V> decorateClient(StoreClient<K, V> client) {
    StoreClient<K, V> result = client;
    for (int i = storeDecorators.size() - 1; i >= 0; i--) {
      result = Objects.requireNonNull(storeDecorators.get(i).decorate(result),
          () -> "decorator returned null");
    }
    return result;
  }

  /** Wraps {@code dispatcher} in the replica-level decorators, the first one outermost. */
  public ReplicaDispatcher decorateDispatcher(ReplicaDispatcher dispatcher, String store) {
    ReplicaDispatcher result = dispatcher;
    for (int i = replicaDecorators.size() - 1; i >= 0; i--) {
      result = Objects.requireNonNull(replicaDecorators.get(i).decorate(result, store),
          () -> "decorator returned null");
    }
    return result;
  }

  /** The store-level decorators, outermost first. */
  public List<StoreClientDecorator> storeDecorators() {
    return storeDecorators;
  }

  /** The replica-level decorators, outermost first. */
  public List<ReplicaDispatchDecorator> replicaDecorators() {
    return replicaDecorators;
  }

  /** Whether the stack has no decorator at all. */
  public boolean isEmpty() {
    return storeDecorators.isEmpty() && replicaDecorators.isEmpty();
  }

  @Override
  public String toString() {
    return "store " + storeDecorators.stream().map(StoreClientDecorator::name).toList()
        + ", replica " + replicaDecorators.stream().map(ReplicaDispatchDecorator::name).toList();
  }

  /** Builds a stack in an explicit order: the first decorator added is the outermost. */
  public static final class Builder {
    private final List<StoreClientDecorator> store = new ArrayList<>();
    private final List<ReplicaDispatchDecorator> replica = new ArrayList<>();

    private Builder() {}

    /** Adds a store-level decorator inside those added before it. */
    public Builder decorate(StoreClientDecorator decorator) {
      store.add(Objects.requireNonNull(decorator, "decorator"));
      return this;
    }

    /** Adds a replica-level decorator inside those added before it. */
    public Builder decorate(ReplicaDispatchDecorator decorator) {
      replica.add(Objects.requireNonNull(decorator, "decorator"));
      return this;
    }

    /** The stack. */
    public DecoratorStack build() {
      return new DecoratorStack(store, replica);
    }
  }
}
