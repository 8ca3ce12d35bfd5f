/**
 * The {@code coalescing} client decorator: concurrent single gets of the same key share one
 * in-flight request, within a window, and every caller gets the same answer. See the module's
 * README.
 */
package dev.venice.plugins.coalescing;
