/**
 * The {@code rate-limiter} client decorator: a per-store token bucket (rate and burst, one token
 * per key read) in front of the store client; a request over the rate fails at once with {@code
 * QuotaExceededException}, without a network call. {@link
 * dev.venice.plugins.ratelimiter.RateLimitingStoreClient} can also be built by hand around any
 * store client. See the module's README.
 */
package dev.venice.plugins.ratelimiter;
