package dev.venice.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class VersionsTest {
  private static boolean in(String range, String version) {
    return VersionRange.parse(range).contains(SemanticVersion.parse(version));
  }

  @Test
  void spiVersionConstantMatchesTheMavenVersion() throws Exception {
    Properties props = new Properties();
    try (InputStream in = getClass().getResourceAsStream("/spi-version.properties")) {
      props.load(in);
    }
    assertEquals(SemanticVersion.parse(props.getProperty("spi.version")), SpiVersion.CURRENT);
  }

  @Test
  void comparesNumerically() {
    assertTrue(SemanticVersion.parse("1.10.0").compareTo(SemanticVersion.parse("1.9.9")) > 0);
    assertEquals(SemanticVersion.parse("1"), SemanticVersion.parse("1.0.0-SNAPSHOT"));
    assertEquals("1.2.3-rc1", SemanticVersion.parse("1.2.3-rc1").toString());
  }

  @Test
  void intervals() {
    assertTrue(in("[1.0,2.0)", "1.0.0"));
    assertTrue(in("[1.0,2.0)", "1.99.3"));
    assertFalse(in("[1.0,2.0)", "2.0.0"));
    assertFalse(in("(1.0,2.0]", "1.0"));
    assertTrue(in("(1.0,2.0]", "2.0"));
    assertTrue(in("[1.2,)", "7.0"));
    assertTrue(in("(,1.5]", "0.1"));
    assertTrue(in("[1.0.0]", "1.0.0"));
    assertFalse(in("[1.0.0]", "1.0.1"));
  }

  @Test
  void aBareVersionMeansSameMajorOrLater() {
    assertTrue(in("1.3", "1.3.0"));
    assertTrue(in("1.3", "1.9"));
    assertFalse(in("1.3", "1.2.9"));
    assertFalse(in("1.3", "2.0"));
  }

  @Test
  void malformedInputIsNamed() {
    for (String bad : new String[] {"", "[", "[1.0", "[2.0,1.0]", "(1.0)", "abc", "[a,b)", "1..2"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> VersionRange.parse(bad), bad);
      assertTrue(e.getMessage().startsWith("'" + bad + "' is not a version range"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> SemanticVersion.parse("v1"));
  }
}
