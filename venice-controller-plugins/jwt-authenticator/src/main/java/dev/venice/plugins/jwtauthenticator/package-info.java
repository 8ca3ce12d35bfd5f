/**
 * The {@code jwt-authenticator} plugin (controllers, servers, routers): verifies bearer tokens
 * that are signed JWTs (RS256 or ES256, with Nimbus JOSE + JWT) against a configured public key
 * or JWK set, checks their expiry, issuer and audience on the host's clock, and names their
 * principal and groups. See the module's README.
 */
package dev.venice.plugins.jwtauthenticator;
