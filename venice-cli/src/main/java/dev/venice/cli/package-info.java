/**
 * The {@code venice} command line: {@link dev.venice.cli.Venice}, the options and output every
 * command shares, and one sub-package per feature area: {@code cluster} (local clusters and the
 * quickstart), {@code store} (stores, schemas, pushes and reads) and {@code plugins} (what plugins
 * run and show; a command reads a plugin's data through the plugin's HTTP endpoint or the schema it
 * publishes, never through its classes). A new feature's commands go in a sub-package of their own.
 */
package dev.venice.cli;
