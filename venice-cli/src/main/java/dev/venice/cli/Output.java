package dev.venice.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;

/** Prints a result as JSON ({@code --json}) or as text. */
public final class Output {
  public static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private Output() {}

  public static void print(PrintWriter out, GlobalOptions options, Object json, String text) {
    if (options.json) {
      try {
        out.println(JSON.writeValueAsString(json));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot print the result as JSON: " + e.getMessage(), e);
      }
    } else {
      out.println(text);
    }
    out.flush();
  }

  /** {@code value} as JSON on one line (JSON lines, for output that streams). */
  public static String jsonLine(Object value) {
    try {
      return JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
