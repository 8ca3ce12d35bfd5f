/**
 * Who is calling and what they may do (since 1.9.0, experimental). With security on ({@code
 * ssl.enabled}), a host authenticates each caller once per connection or request: the subject of
 * its TLS client certificate, or a bearer token verified by a {@link
 * dev.venice.spi.security.TokenAuthenticator}. It then asks the plugins' {@link
 * dev.venice.spi.security.Authorizer}s before every admin mutation (controller), every push start
 * and every read (routers and servers). A host runs without an authorizer only when told to ({@code
 * security.authorizer.required=false}): then every authenticated call is allowed, anonymous ones
 * refused.
 */
package dev.venice.spi.security;
