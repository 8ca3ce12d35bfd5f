package dev.venice.runtime.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.venice.runtime.common.admin.AdminHandler;
import dev.venice.runtime.common.admin.AdminHttpServer;
import dev.venice.runtime.common.admin.AdminRequest;
import dev.venice.runtime.common.admin.AdminResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The warnings plugins' before-hooks gave the admin mutation this thread is answering ({@code
 * AdminVerdict.proceedWithWarning}): {@link StoreService} adds them as it asks the hooks, and
 * {@link #collect} adds them to a successful JSON answer as {@code "warnings": ["<plugin>:
 * <warning>", ...]} (a dry run's answer too, so a tool can ask for confirmation first). A mutation
 * runs on the request's thread, so a thread-local list is the request's own.
 */
final class AdminWarnings {
  private static final ThreadLocal<List<String>> CURRENT = new ThreadLocal<>();

  private AdminWarnings() {}

  /** Keeps {@code warnings} for the answer of the request being handled (none: ignored). */
  static void add(List<String> warnings) {
    List<String> current = CURRENT.get();
    if (current != null) {
      current.addAll(warnings);
    }
  }

  /** Runs {@code handler}; a 2xx JSON object answer gets the request's warnings, if any. */
  static AdminResponse collect(AdminHandler handler, AdminRequest request) throws Exception {
    List<String> warnings = new ArrayList<>();
    List<String> outer = CURRENT.get();
    CURRENT.set(warnings);
    AdminResponse response;
    try {
      response = handler.handle(request);
    } finally {
      CURRENT.set(outer);
    }
    if (warnings.isEmpty() || response.status() / 100 != 2
        || !response.contentType().equals(AdminResponse.JSON_TYPE)) {
      return response;
    }
    JsonNode body;
    try {
      body = AdminHttpServer.JSON.readTree(response.body());
    } catch (IOException e) {
      return response;
    }
    if (!(body instanceof ObjectNode object)) {
      return response;
    }
    object.putPOJO("warnings", List.copyOf(warnings));
    AdminResponse withWarnings = AdminResponse.json(response.status(), object);
    for (var header : response.headers().entrySet()) {
      withWarnings = withWarnings.withHeader(header.getKey(), header.getValue());
    }
    return withWarnings;
  }
}
