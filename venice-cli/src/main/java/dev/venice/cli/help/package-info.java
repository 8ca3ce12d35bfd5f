/**
 * The commands that explain the CLI itself, read from picocli's model of the command tree:
 * {@code venice help}, {@code venice search} (commands by keyword) and {@code venice completion}
 * (picocli's shell completion script).
 */
package dev.venice.cli.help;
