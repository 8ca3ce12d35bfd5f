package dev.venice.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks SPI that no shipped plugin has exercised yet. It follows the SPI's versioning like the rest,
 * but may still change in a minor release (the change is then named in the release notes, and the
 * build's compatibility check is told about it explicitly). Prefer stable API where both fit.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
public @interface Experimental {
  /** The SPI version that introduced the element, e.g. {@code 1.1.0}. */
  String since();
}
