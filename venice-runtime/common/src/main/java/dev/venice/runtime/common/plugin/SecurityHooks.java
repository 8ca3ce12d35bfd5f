package dev.venice.runtime.common.plugin;

import dev.venice.spi.security.AccessDecision;
import dev.venice.spi.security.AccessDenial;
import dev.venice.spi.security.AccessDenialListener;
import dev.venice.spi.security.AccessRequest;
import dev.venice.spi.security.Authorizer;
import dev.venice.spi.security.Principal;
import dev.venice.spi.security.TokenAuthenticator;
import java.util.Optional;

/**
 * The started plugins' authorizers, token authenticators and access-denial listeners. Unlike the other hooks they apply to
 * every store (a per-store switch never turns access control off), and they fail closed: an
 * authorizer that throws, returns nothing or is stopping denies; an authenticator that throws
 * refuses the token.
 */
public final class SecurityHooks {
  private final Hooks<Authorizer> authorizers;
  private final Hooks<TokenAuthenticator> authenticators;
  private final Hooks<AccessDenialListener> denialListeners;

  SecurityHooks(Hooks<Authorizer> authorizers, Hooks<TokenAuthenticator> authenticators,
      Hooks<AccessDenialListener> denialListeners) {
    this.authorizers = authorizers;
    this.authenticators = authenticators;
    this.denialListeners = denialListeners;
  }

  /** Tells every {@link AccessDenialListener} of {@code denial}, containing what each throws. */
  public void denied(AccessDenial denial) {
    denialListeners.each("access-denied", denial, null,
        (listener, d, unused) -> listener.onDenied(d));
  }

  /** Whether any plugin authorizes; with none, every call is allowed. */
  public boolean hasAuthorizer() {
    return !authorizers.isEmpty();
  }

  /**
   * The first denial of the authorizers, in plugin order, its reason prefixed with the plugin id;
   * {@link AccessDecision#ALLOW} when all allow (or there is none). Thread-safe; allocation-free
   * when every authorizer allows with {@link AccessDecision#ALLOW}.
   */
  public AccessDecision authorize(AccessRequest request) {
    for (Hooks.Guarded<Authorizer> entry : authorizers.entries()) {
      String pluginId = entry.guard().pluginId();
      if (entry.guard().isStopping()) {
        return AccessDecision.deny(pluginId + ": the authorizer is stopping");
      }
      AccessDecision decision = entry.guard().apply("authorize", entry.hook(), request,
          Authorizer::authorize, null);
      if (decision == null) {
        return AccessDecision.deny(pluginId + ": the authorizer failed (see its error count)");
      }
      if (!decision.allowed()) {
        return AccessDecision.deny(pluginId + ": " + decision.reason());
      }
    }
    return AccessDecision.ALLOW;
  }

  /**
   * The principal a bearer token vouches for: the first authenticator that recognises it decides.
   *
   * @return the principal, or empty when no authenticator recognises the token, or one found it
   *     invalid (the reason is in that plugin's log and error count)
   */
  public Optional<Principal> authenticate(String token) {
    for (Hooks.Guarded<TokenAuthenticator> entry : authenticators.entries()) {
      if (entry.guard().isStopping()) {
        continue;
      }
      Optional<Principal> principal = entry.guard().apply("authenticate", entry.hook(), token,
          TokenAuthenticator::authenticate, null);
      if (principal == null) {
        return Optional.empty(); // the authenticator refused the token: no other may accept it
      }
      if (principal.isPresent()) {
        return principal;
      }
    }
    return Optional.empty();
  }
}
