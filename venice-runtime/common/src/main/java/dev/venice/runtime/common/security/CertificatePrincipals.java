package dev.venice.runtime.common.security;

import dev.venice.spi.security.Principal;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * The principal a TLS client certificate names: its subject's common name ({@code CN}), or its
 * whole RFC 2253 distinguished name when it has none, with its organizational units ({@code OU})
 * as groups.
 */
public final class CertificatePrincipals {
  private CertificatePrincipals() {}

  /**
   * The principal of the first (leaf) certificate of a verified peer chain.
   *
   * @return empty when there is no certificate (the peer presented none)
   */
  public static Optional<Principal> of(Certificate[] chain) {
    if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return Optional.empty();
    }
    return Optional.of(of(leaf.getSubjectX500Principal()));
  }

  /** The principal of a certificate subject. */
  public static Principal of(X500Principal subject) {
    String dn = subject.getName(X500Principal.RFC2253);
    String commonName = null;
    Set<String> units = new LinkedHashSet<>();
    try {
      for (Rdn rdn : new LdapName(dn).getRdns()) { // RDNs come most significant first
        if (rdn.getType().equalsIgnoreCase("CN")) {
          commonName = rdn.getValue().toString();
        } else if (rdn.getType().equalsIgnoreCase("OU")) {
          units.add(rdn.getValue().toString());
        }
      }
    } catch (InvalidNameException e) {
      // the JDK printed this name itself, so it parses; fall back to the whole name regardless
    }
    return Principal.authenticated(commonName == null || commonName.isBlank() ? dn : commonName,
        units);
  }
}
