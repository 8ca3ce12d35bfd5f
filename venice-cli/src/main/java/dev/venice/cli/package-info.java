/**
 * The {@code venice} command line: {@link dev.venice.cli.Venice} and its sub-commands, grouped by
 * audience (cluster, stores, plugins).
 */
package dev.venice.cli;
