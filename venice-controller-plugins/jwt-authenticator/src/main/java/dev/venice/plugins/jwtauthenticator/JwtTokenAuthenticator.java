package dev.venice.plugins.jwtauthenticator;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObject;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.plugin.TimeSource;
import dev.venice.spi.security.Principal;
import dev.venice.spi.security.TokenAuthenticator;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies bearer tokens that are signed JWTs (JWS compact serialization, RFC 7515/7519) with
 * Nimbus JOSE + JWT and names their principal. A token is accepted when, in this order: its
 * algorithm is RS256 or ES256 ({@code none} and HMAC are refused); a configured key of that type
 * (and with the token's {@code kid}, when both have one) verifies its signature; its payload is a
 * claims set; {@code exp} is present and, with the clock skew, after now; {@code nbf}, when
 * present, is, with the clock skew, not after now; {@code iss} equals the configured issuer and
 * {@code aud} contains the configured audience; the principal claim is a non-blank string and the
 * groups claim, when present, an array of strings.
 *
 * <p>An accepted token is remembered in a {@link VerifiedTokenCache} until its {@code exp} (at
 * most {@code cache-ttl}): the same token again is answered from the cache, without parsing or
 * verifying it. A token that is not a JWS (an opaque token, a JWE) gives {@link
 * Optional#empty()}, so another authenticator may try; a JWS that fails a check throws a {@link
 * SecurityException} naming the check (never the token) and is not cached. Now is the injected
 * {@link TimeSource}'s wall clock. Thread-safe and without I/O: the keys and their verifiers are
 * built once.
 */
final class JwtTokenAuthenticator implements TokenAuthenticator {
  private static final int MAX_QUOTED = 100;

  private final List<Candidate> keys;
  private final JwtAuthenticatorConfig settings;
  private final JwtAuthenticatorMetrics metrics;
  private final VerifiedTokenCache cache;
  private final TimeSource time;

  /** What a verified token gave: its principal, and its {@code exp}, until which it is cached. */
  private record Verified(Principal principal, Instant exp) {}

  /** A configured key and its signature verifier. */
  private record Candidate(JWK key, JWSVerifier verifier) {
    /** Whether this key may have signed a token with {@code alg} and key id {@code kid}. */
    boolean fits(JWSAlgorithm alg, String kid) {
      boolean type = JWSAlgorithm.RS256.equals(alg) ? key instanceof RSAKey : key instanceof ECKey;
      return type
          && (key.getKeyID() == null || kid == null || key.getKeyID().equals(kid))
          && (key.getAlgorithm() == null || key.getAlgorithm().equals(alg))
          && (key.getKeyUse() == null || KeyUse.SIGNATURE.equals(key.getKeyUse()));
    }
  }

  /**
   * @param keys the public keys tokens may be signed with: RSA, or EC on P-256 (from {@link
   *     JwtAuthenticatorConfig#verificationKeys()}), at least one
   * @param settings the issuer, audience, clock skew and claim names
   * @param metrics counts accepted and rejected tokens and cache hits
   * @param cache the verified tokens, on the same clock as {@code time}
   * @param time the clock {@code exp} and {@code nbf} are checked against
   * @throws ConfigException when Nimbus cannot build a verifier for a key (an EC key off P-256)
   */
  JwtTokenAuthenticator(List<JWK> keys, JwtAuthenticatorConfig settings,
      JwtAuthenticatorMetrics metrics, VerifiedTokenCache cache, TimeSource time) {
    List<Candidate> candidates = new ArrayList<>();
    for (JWK key : keys) {
      try {
        candidates.add(new Candidate(key, key instanceof RSAKey rsa ? new RSASSAVerifier(rsa)
            : new ECDSAVerifier((ECKey) key)));
      } catch (JOSEException e) {
        throw new ConfigException("plugins.jwt-authenticator", "plugins.jwt-authenticator:"
            + " cannot verify signatures with key " + describe(key) + ": " + e.getMessage());
      }
    }
    this.keys = List.copyOf(candidates);
    this.settings = Objects.requireNonNull(settings, "settings");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.cache = Objects.requireNonNull(cache, "cache");
    this.time = Objects.requireNonNull(time, "time");
  }

  /**
   * The principal a valid JWS names.
   *
   * @param token the bearer token, without {@code Bearer }
   * @return the principal ({@code principal-claim} as name, {@code groups-claim} as groups), or
   *     empty when the token is not a JWS (not a JOSE object, or an encrypted JWE)
   * @throws SecurityException naming the failed check, e.g. {@code bad signature}, {@code expired
   *     at 2026-01-01T00:00:00Z}, {@code wrong issuer 'x'}, {@code missing sub claim}
   */
  @Override
  public Optional<Principal> authenticate(String token) {
    String stripped = token.strip();
    Principal cached = cache.get(stripped);
    if (cached != null) {
      metrics.cacheHit();
      metrics.accepted();
      return Optional.of(cached);
    }
    JOSEObject parsed;
    try {
      parsed = JOSEObject.parse(stripped);
    } catch (ParseException notJose) {
      return Optional.empty();
    }
    if (parsed instanceof JWEObject) {
      return Optional.empty();
    }
    try {
      Verified verified = verify(parsed);
      cache.put(stripped, verified.principal(), verified.exp());
      metrics.accepted();
      return Optional.of(verified.principal());
    } catch (SecurityException e) {
      metrics.rejected();
      throw e;
    }
  }

  private Verified verify(JOSEObject parsed) {
    if (!(parsed instanceof JWSObject jws)) {
      throw refused("unsecured token (alg none): only RS256 and ES256 signatures are accepted");
    }
    JWSAlgorithm alg = jws.getHeader().getAlgorithm();
    if (!JWSAlgorithm.RS256.equals(alg) && !JWSAlgorithm.ES256.equals(alg)) {
      throw refused("algorithm " + alg + " is not accepted: only RS256 and ES256");
    }
    checkSignature(jws, alg);
    JWTClaimsSet claims = claims(jws);
    checkTimes(claims);
    checkIssuerAndAudience(claims);
    return new Verified(Principal.authenticated(name(claims), groups(claims)),
        claims.getExpirationTime().toInstant());
  }

  private void checkSignature(JWSObject jws, JWSAlgorithm alg) {
    String kid = jws.getHeader().getKeyID();
    boolean tried = false;
    for (Candidate candidate : keys) {
      if (!candidate.fits(alg, kid)) {
        continue;
      }
      tried = true;
      try {
        if (jws.verify(candidate.verifier())) {
          return;
        }
      } catch (JOSEException e) {
        throw refused("its signature cannot be checked: " + e.getMessage());
      }
    }
    String kidText = kid == null ? "" : " (kid " + quoted(kid) + ")";
    throw refused(tried ? "bad signature: no configured " + alg + " key verifies it" + kidText
        : "no configured key for " + alg + kidText);
  }

  private static JWTClaimsSet claims(JWSObject jws) {
    Map<String, Object> json = jws.getPayload().toJSONObject();
    if (json == null) {
      throw refused("its payload is not a JSON claims set");
    }
    try {
      return JWTClaimsSet.parse(json);
    } catch (ParseException e) {
      throw refused("malformed claims: " + e.getMessage());
    }
  }

  private void checkTimes(JWTClaimsSet claims) {
    Instant now = time.now();
    String skew = ConfigKey.format(settings.clockSkew());
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw refused("missing exp claim: tokens must expire");
    }
    if (!now.isBefore(exp.toInstant().plus(settings.clockSkew()))) {
      throw refused("expired at " + exp.toInstant() + " (now " + now + ", clock skew " + skew
          + ")");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.isBefore(nbf.toInstant().minus(settings.clockSkew()))) {
      throw refused("not valid before " + nbf.toInstant() + " (now " + now + ", clock skew "
          + skew + ")");
    }
  }

  private void checkIssuerAndAudience(JWTClaimsSet claims) {
    String issuer = settings.issuer();
    if (!issuer.equals(claims.getIssuer())) {
      throw refused("wrong issuer " + quoted(claims.getIssuer()) + " (expected "
          + quoted(issuer) + ")");
    }
    String audience = settings.audience();
    if (!claims.getAudience().contains(audience)) {
      throw refused("audience " + quoted(String.valueOf(claims.getAudience()))
          + " does not contain " + quoted(audience));
    }
  }

  private String name(JWTClaimsSet claims) {
    String claim = settings.principalClaim();
    Object name = claims.getClaim(claim);
    if (name == null) {
      throw refused("missing " + claim + " claim (the principal's name)");
    }
    if (!(name instanceof String text) || text.isBlank()) {
      throw refused("claim " + claim + " is not a non-blank string");
    }
    return text;
  }

  private Set<String> groups(JWTClaimsSet claims) {
    String claim = settings.groupsClaim();
    List<String> groups;
    try {
      groups = claims.getStringListClaim(claim);
    } catch (ParseException e) {
      throw refused("claim " + claim + " is not an array of strings");
    }
    if (groups == null) {
      return Set.of();
    }
    if (groups.contains(null)) {
      throw refused("claim " + claim + " holds a null");
    }
    return Set.copyOf(groups);
  }

  private static SecurityException refused(String reason) {
    return new SecurityException("JWT refused: " + reason);
  }

  /** A claim or header value for a message: quoted, control characters replaced, shortened. */
  private static String quoted(String value) {
    if (value == null) {
      return "none";
    }
    String shown = value.length() > MAX_QUOTED ? value.substring(0, MAX_QUOTED) + "..." : value;
    return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
  }

  private static String describe(JWK key) {
    return key.getKeyType() + (key.getKeyID() == null ? "" : " kid " + key.getKeyID());
  }
}
