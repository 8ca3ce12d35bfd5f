/**
 * HTTP endpoints a plugin contributes to its host's admin port, under {@code /plugins/<id>/}.
 */
package dev.venice.spi.http;
