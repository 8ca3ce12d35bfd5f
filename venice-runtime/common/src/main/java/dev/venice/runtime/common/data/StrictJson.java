package dev.venice.runtime.common.data;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON reader for input people and scripts type: admin request bodies, push input lines,
 * keys given on the command line. Strict where a lenient reader would silently drop data: exactly
 * one JSON value with nothing after it ({@code {...} garbage} and {@code {...}{...}} are errors,
 * not the first object), and no field named twice. Jackson's default limits on nesting depth,
 * number and string length apply.
 */
public final class StrictJson {
  /** The strict mapper; thread-safe. */
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private StrictJson() {}
}
