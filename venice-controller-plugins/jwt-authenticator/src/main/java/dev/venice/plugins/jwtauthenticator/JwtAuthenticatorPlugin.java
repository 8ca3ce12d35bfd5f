package dev.venice.plugins.jwtauthenticator;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Set;

/**
 * The {@code jwt-authenticator} plugin, wiring only: its descriptor, its keys ({@link
 * JwtAuthenticatorConfig}) and, at start on controllers, servers and routers, the {@link
 * JwtTokenAuthenticator} built from the configured public key file (read once, at start), the
 * context's clock, the {@link VerifiedTokenCache} on that clock and {@link
 * JwtAuthenticatorMetrics}. A start without the issuer or the audience, without a key source, or
 * with a file that is missing or holds no usable public key, fails naming the key (and the file).
 * Hosts ask it only with security on ({@code ssl.enabled}), for requests with a bearer token and
 * no client certificate; it holds no thread and nothing to close.
 */
public final class JwtAuthenticatorPlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("jwt-authenticator", "1.0.0", "[1.9,2.0)",
        "bearer tokens that are signed JWTs (RS256, ES256), verified against a configured public"
            + " key or JWK set, as authenticated principals with their groups",
        Set.of(ProcessKind.CONTROLLER, ProcessKind.SERVER, ProcessKind.ROUTER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return JwtAuthenticatorConfig.KEYS;
  }

  /**
   * Refuses both key sources at once and blank claim names ({@link
   * JwtAuthenticatorConfig#validate}).
   */
  @Override
  public void validate(PluginConfig config) throws ConfigException {
    JwtAuthenticatorConfig.validate(config);
  }

  /**
   * Reads the verification keys and adds the authenticator.
   *
   * @throws ConfigException naming {@code issuer} or {@code audience} when unset, or the key and
   *     the file when no key source is set or its file is missing or holds no usable public key
   */
  @Override
  public void start(PluginContext context, Extensions extensions) {
    JwtAuthenticatorConfig config = JwtAuthenticatorConfig.from(context.config());
    VerifiedTokenCache cache = new VerifiedTokenCache(config.cacheTtl(), config.cacheMaxTokens(),
        context.time());
    extensions.addTokenAuthenticator(new JwtTokenAuthenticator(config.verificationKeys(), config,
        new JwtAuthenticatorMetrics(context.meterRegistry(), context.metricPrefix(), cache),
        cache, context.time()));
  }
}
