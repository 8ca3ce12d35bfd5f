/**
 * The {@code read-timeout} client decorator: a per-store read timeout from the store's metadata
 * ({@code plugins.read-timeout.read-timeout-ms}) that fails the call with {@code
 * RequestTimeoutException} and cancels the in-flight call. See the module's README.
 */
package dev.venice.plugins.readtimeout;
