package dev.venice.spi.security;

import dev.venice.spi.Experimental;
import java.util.Objects;

/**
 * What an operation acts on: a whole cluster (creating a store, cluster settings) or one store.
 *
 * @param type cluster or store
 * @param name the cluster's or the store's name
 * @since 1.9.0
 */
@Experimental(since = "1.9.0")
public record Resource(Type type, String name) {
  /** The kinds of resource. */
  public enum Type {
    /** A Venice cluster. */
    CLUSTER,
    /** A store. */
    STORE
  }

  /** Checks the fields. */
  public Resource {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
  }

  /** The cluster {@code name}. */
  public static Resource cluster(String name) {
    return new Resource(Type.CLUSTER, name);
  }

  /** The store {@code name}. */
  public static Resource store(String name) {
    return new Resource(Type.STORE, name);
  }

  /** {@code store demo-users} or {@code cluster venice}, as messages name it. */
  @Override
  public String toString() {
    return (type == Type.STORE ? "store " : "cluster ") + name;
  }
}
