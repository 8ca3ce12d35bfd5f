package dev.venice.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * HTTP/1.1 written byte for byte on a socket, as a careless script would send it: any method,
 * target, header and body, even ones the JDK's client refuses to send (bad percent-encoding, a
 * body on a GET, a wrong Content-Length). Each request uses a new connection closed after the
 * answer, which is read whole. Over TLS when given an SSL context (an {@code https} admin port).
 */
final class RawHttp {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An answer: status, headers (lower-case names) and body. */
  record Answer(int status, Map<String, String> headers, String body) {
    /** The body as JSON, or null when it is not JSON. */
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        return null;
      }
    }

    /** Whether the body is our error shape {@code {"error": text, "errorType": text}}. */
    boolean isJsonError() {
      JsonNode json = json();
      return json != null && json.path("error").isTextual() && !json.path("error").asText()
          .isBlank() && json.path("errorType").isTextual();
    }

    @Override
    public String toString() {
      return status + " " + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
    }
  }

  private final String host;
  private final int port;
  private final Duration timeout;
  private final SSLContext tls;
  private final String claimedPrincipal;

  RawHttp(String baseUrl, Duration timeout) {
    this(baseUrl, timeout, null, "fuzz");
  }

  /**
   * @param tls the client's key material for an {@code https} port; {@code null}: plain
   * @param claimedPrincipal sent as {@code X-Venice-Principal} on every request
   */
  RawHttp(String baseUrl, Duration timeout, SSLContext tls, String claimedPrincipal) {
    URI uri = URI.create(baseUrl);
    this.host = uri.getHost();
    this.port = uri.getPort();
    this.timeout = timeout;
    this.tls = tls;
    this.claimedPrincipal = claimedPrincipal;
  }

  /**
   * Sends one request.
   *
   * @param contentType the Content-Type header, or null for none
   * @param body the body, or null for none (a Content-Length is always sent)
   */
  Answer send(String method, String target, String contentType, byte[] body) throws IOException {
    StringBuilder head = new StringBuilder(method).append(' ').append(target)
        .append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port)
        .append("\r\nConnection: close\r\nX-Venice-Principal: ").append(claimedPrincipal)
        .append("\r\n");
    if (contentType != null) {
      head.append("Content-Type: ").append(contentType).append("\r\n");
    }
    byte[] payload = body == null ? new byte[0] : body;
    head.append("Content-Length: ").append(payload.length).append("\r\n\r\n");
    try (Socket socket = tls == null ? new Socket(host, port)
        : tls.getSocketFactory().createSocket(host, port)) {
      socket.setSoTimeout((int) timeout.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(payload);
      out.flush();
      InputStream in = socket.getInputStream();
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** A JSON body with {@code Content-Type: application/json}. */
  Answer json(String method, String target, String body) throws IOException {
    return send(method, target, "application/json", body.getBytes(StandardCharsets.UTF_8));
  }

  private static Answer parse(String response) throws IOException {
    int lineEnd = response.indexOf("\r\n");
    int headEnd = response.indexOf("\r\n\r\n");
    if (lineEnd < 0 || headEnd < 0) {
      throw new IOException("not an HTTP response: " + response);
    }
    String[] statusLine = response.substring(0, lineEnd).split(" ", 3);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line : response.substring(lineEnd + 2, headEnd).split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim());
      }
    }
    String body = response.substring(headEnd + 4);
    String length = headers.get("content-length");
    if (length != null && body.getBytes(StandardCharsets.UTF_8).length
        != Integer.parseInt(length)) {
      throw new IOException("truncated response: Content-Length " + length + " but "
          + body.getBytes(StandardCharsets.UTF_8).length + " bytes: " + response);
    }
    return new Answer(Integer.parseInt(statusLine[1]), headers, body);
  }
}
