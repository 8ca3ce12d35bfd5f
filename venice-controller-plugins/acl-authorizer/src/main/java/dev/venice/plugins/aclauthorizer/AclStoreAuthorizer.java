package dev.venice.plugins.aclauthorizer;

import dev.venice.spi.security.AccessDecision;
import dev.venice.spi.security.AccessRequest;
import dev.venice.spi.security.Authorizer;
import dev.venice.spi.security.Principal;
import dev.venice.spi.security.Resource;
import java.util.Set;
import java.util.TreeSet;

/**
 * The plugin's {@link Authorizer}: allows a super user or a member of a super group, else what the
 * current {@link AclCache} snapshot grants ({@link AclTable#allows}), and denies everything else,
 * the anonymous principal included unless {@code user:anonymous} is granted. An allowed call costs
 * a few hash lookups on immutable maps, a counter increment and no allocation; a denial builds its
 * reason ({@code no READ grant on store b for user:alice or groups [readers]}). Thread-safe.
 */
final class AclStoreAuthorizer implements Authorizer {
  private final AclCache acls;
  private final Set<String> superUsers;
  private final Set<String> superGroups;
  private final AclAuthorizerMetrics metrics;

  AclStoreAuthorizer(AclCache acls, AclAuthorizerConfig config, AclAuthorizerMetrics metrics) {
    this.acls = acls;
    this.superUsers = config.superUsers();
    this.superGroups = config.superGroups();
    this.metrics = metrics;
  }

  @Override
  public AccessDecision authorize(AccessRequest request) {
    Principal principal = request.principal();
    if (isSuper(principal)
        || acls.current().allows(principal, request.level(), request.resource())) {
      metrics.allowed();
      return AccessDecision.ALLOW;
    }
    metrics.denied();
    return AccessDecision.deny(reason(request));
  }

  private boolean isSuper(Principal principal) {
    if (superUsers.contains(principal.name())) {
      return true;
    }
    if (superGroups.isEmpty()) {
      return false;
    }
    for (String group : principal.groups()) {
      if (superGroups.contains(group)) {
        return true;
      }
    }
    return false;
  }

  /** {@code no WRITE grant on store b for user:alice or groups [a, b]}, groups sorted. */
  static String reason(AccessRequest request) {
    Resource resource = request.resource();
    Principal principal = request.principal();
    return "no " + request.level() + " grant on "
        + (resource.type() == Resource.Type.STORE ? "store " + resource.name() : "cluster")
        + " for " + AclEntry.USER + principal.name()
        + (principal.groups().isEmpty() ? "" : " or groups " + new TreeSet<>(principal.groups()));
  }
}
