package dev.venice.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads option values that may be given inline or as {@code @file}. */
public final class Inputs {
  private Inputs() {}

  /** The text itself, or the content of the file when it starts with {@code @}. */
  public static String textOrFile(String option, String value) {
    if (!value.startsWith("@")) {
      return value;
    }
    Path file = Path.of(value.substring(1));
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new CliException(option + ": cannot read " + file + ": " + e.getMessage());
    }
  }
}
