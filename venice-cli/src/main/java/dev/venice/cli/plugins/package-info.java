/**
 * {@code venice plugins list} and the commands that show plugins' data ({@code dump-audit-log}),
 * through the plugins' HTTP endpoints and published schemas only: the CLI carries no server or
 * controller plugin class.
 */
package dev.venice.cli.plugins;
