package dev.venice.cli;

/** A failure the CLI reports as one line, with exit status 1. */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message the line printed to the user */
  public CliException(String message) {
    super(message);
  }
}
