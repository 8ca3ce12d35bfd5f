package dev.venice.spi.security;

import dev.venice.spi.Experimental;
import java.util.Objects;
import java.util.Set;

/**
 * The caller a host authenticated.
 *
 * <p>From a TLS client certificate (mutual TLS): {@code name} is the subject's common name
 * ({@code CN}), or its whole RFC 2253 distinguished name when it has none, and {@code groups} are its
 * organizational units ({@code OU}), the X.509 convention Kafka's and Venice's certificate-based
 * principals build on. From a bearer token: what the {@link TokenAuthenticator} says.
 *
 * @param name the principal's name, never blank
 * @param groups the groups it belongs to (access granted to a group is granted to it)
 * @param authenticated false only for {@link #ANONYMOUS}
 * @since 1.9.0
 */
@Experimental(since = "1.9.0")
public record Principal(String name, Set<String> groups, boolean authenticated) {
  /** A caller nothing vouches for: security is off, or it presented no credential. */
  public static final Principal ANONYMOUS = new Principal("anonymous", Set.of(), false);

  /** Checks and copies. */
  public Principal {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a principal needs a name");
    }
    groups = Set.copyOf(groups);
  }

  /** An authenticated principal named {@code name}, member of {@code groups}. */
  public static Principal authenticated(String name, Set<String> groups) {
    return new Principal(name, groups, true);
  }
}
