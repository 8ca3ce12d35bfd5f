package dev.venice.runtime.common.admin;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict percent-decoding (RFC 3986 section 2.1) of URI path segments and query parts: every
 * {@code %} must start two hex digits and the bytes must be valid UTF-8. The JDK's {@code
 * URLDecoder} throws an unchecked exception without saying where, or replaces bad bytes silently.
 */
final class PercentDecoding {
  private PercentDecoding() {}

  /**
   * Decodes {@code raw}.
   *
   * @param plusIsSpace whether {@code +} means a space (query strings, form encoding)
   * @param what what {@code raw} is, for the message
   * @throws AdminHttpException 400 naming {@code what} when the encoding is invalid
   */
  static String decode(String raw, boolean plusIsSpace, String what) {
    if (raw.indexOf('%') < 0 && !(plusIsSpace && raw.indexOf('+') >= 0)) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int high = i + 1 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int low = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
        if (high < 0 || low < 0) {
          throw AdminHttpException.badRequest(what + " has an invalid percent-encoding at '"
              + QueryParameters.abbreviate(raw.substring(i)) + "': '%' must start two hex digits");
        }
        bytes.write(high * 16 + low);
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        bytes.write(' ');
      } else {
        int codePoint = raw.codePointAt(i);
        byte[] utf8 = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
        bytes.write(utf8, 0, utf8.length);
        i += Character.charCount(codePoint) - 1;
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw AdminHttpException.badRequest(what + " is not valid UTF-8 once percent-decoded: '"
          + QueryParameters.abbreviate(raw) + "'");
    }
  }
}
