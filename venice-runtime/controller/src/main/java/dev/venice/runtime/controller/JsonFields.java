package dev.venice.runtime.controller;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.runtime.common.admin.AdminHttpException;
import dev.venice.runtime.common.admin.AdminRequest;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads the fields of a JSON request body with the checks the admin API promises: malformed JSON,
 * unknown fields, wrong types and out-of-range values are each a 400 naming the field.
 */
final class JsonFields {
  private final JsonNode body;
  private final String prefix;

  private JsonFields(JsonNode body, String prefix) {
    this.body = body;
    this.prefix = prefix;
  }

  /**
   * The fields of a request's JSON body (see {@link AdminRequest#jsonObject()} for the strict
   * parsing rules); no body at all has no fields.
   *
   * @throws AdminHttpException 400 naming every field outside {@code allowed}
   */
  static JsonFields of(AdminRequest request, Set<String> allowed) {
    return of(request.jsonObject(), allowed, "");
  }

  /** The fields of a nested object, e.g. {@code hybrid}; messages name {@code hybrid.<field>}. */
  JsonFields nested(String name, Set<String> allowed) {
    return of(body.get(name), allowed, prefix + name + ".");
  }

  private static JsonFields of(JsonNode node, Set<String> allowed, String prefix) {
    if (!node.isObject()) {
      throw AdminHttpException.badRequest((prefix.isEmpty() ? "the body" : "field "
          + prefix.substring(0, prefix.length() - 1)) + " must be a JSON object, not "
          + node.getNodeType());
    }
    Set<String> unknown = new TreeSet<>();
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        unknown.add(prefix + name);
      }
    }
    if (!unknown.isEmpty()) {
      throw AdminHttpException.badRequest("unknown field" + (unknown.size() > 1 ? "s " : " ")
          + String.join(", ", unknown) + "; allowed: " + new TreeSet<>(allowed).stream()
          .collect(Collectors.joining(", ")));
    }
    return new JsonFields(node, prefix);
  }

  /** The whole object. */
  JsonNode body() {
    return body;
  }

  boolean has(String name) {
    return body.has(name);
  }

  boolean isNull(String name) {
    return body.has(name) && body.get(name).isNull();
  }

  JsonNode node(String name) {
    return body.get(name);
  }

  String requiredText(String name) {
    return text(name).orElseThrow(() -> AdminHttpException.badRequest("field " + prefix + name
        + " is required"));
  }

  Optional<String> text(String name) {
    JsonNode value = body.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw AdminHttpException.badRequest("field " + prefix + name + ": expected a string, got "
          + value.getNodeType() + " " + abbreviate(value));
    }
    return Optional.of(value.asText());
  }

  /** A JSON boolean ({@code true} or {@code false}; a string or number is refused). */
  Optional<Boolean> bool(String name) {
    JsonNode value = body.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isBoolean()) {
      throw AdminHttpException.badRequest("field " + prefix + name + ": expected true or false,"
          + " got " + value.getNodeType() + " " + abbreviate(value));
    }
    return Optional.of(value.booleanValue());
  }

  Optional<Integer> integer(String name, int min, int max) {
    return longValue(name, min, max).map(Long::intValue);
  }

  Optional<Long> longValue(String name, long min, long max) {
    JsonNode value = body.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.canConvertToLong() || !value.isIntegralNumber()
        || value.asLong() < min || value.asLong() > max) {
      throw AdminHttpException.badRequest("field " + prefix + name + ": expected an integer from " + min
          + " to " + max + ", got " + abbreviate(value));
    }
    return Optional.of(value.asLong());
  }

  /** A finite JSON number from {@code min} to {@code max}. */
  Optional<Double> number(String name, double min, double max) {
    JsonNode value = body.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isNumber() || !Double.isFinite(value.asDouble()) || value.asDouble() < min
        || value.asDouble() > max) {
      throw AdminHttpException.badRequest("field " + prefix + name + ": expected a number from "
          + min + " to " + max + ", got " + abbreviate(value));
    }
    return Optional.of(value.asDouble());
  }

  /** A string that is one of {@code allowed}. */
  Optional<String> oneOf(String name, Set<String> allowed) {
    Optional<String> text = text(name);
    if (text.isPresent() && !allowed.contains(text.get())) {
      throw AdminHttpException.badRequest("field " + prefix + name + ": expected one of "
          + String.join(", ", new java.util.TreeSet<>(allowed)) + ", got "
          + abbreviate(body.get(name)));
    }
    return text;
  }

  <E extends Enum<E>> Optional<E> enumeration(String name, Class<E> type) {
    Optional<String> text = text(name);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(text.get())) {
        return Optional.of(constant);
      }
    }
    throw AdminHttpException.badRequest("field " + prefix + name + ": expected one of "
        + Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "))
        + ", got " + abbreviate(body.get(name)));
  }

  static String abbreviate(Object value) {
    String text = String.valueOf(value);
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
