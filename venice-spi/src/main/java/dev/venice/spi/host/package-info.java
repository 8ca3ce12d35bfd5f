/**
 * Read-only services a host offers its plugins: store metadata, routing and storage statistics.
 * Not every process has every service; {@link dev.venice.spi.host.HostServices} returns them as
 * {@link java.util.Optional}s.
 */
package dev.venice.spi.host;
