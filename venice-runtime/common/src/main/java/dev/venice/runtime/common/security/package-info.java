/**
 * TLS and principals: the {@code ssl.*} keys every process reads ({@link
 * dev.venice.runtime.common.security.TlsSettings}), the key material they load ({@link
 * dev.venice.runtime.common.security.Tls}) and the principal a client certificate names ({@link
 * dev.venice.runtime.common.security.CertificatePrincipals}).
 */
package dev.venice.runtime.common.security;
