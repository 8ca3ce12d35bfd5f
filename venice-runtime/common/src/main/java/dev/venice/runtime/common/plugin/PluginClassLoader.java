package dev.venice.runtime.common.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;

/**
 * The class loader of one plugin directory. It sees the JDK, the SPI and the logging and metrics
 * APIs the SPI exposes (all from the host, so types match across the boundary) and, for everything
 * else, only the plugin's own jars: two plugins can bundle different versions of one library.
 */
final class PluginClassLoader extends URLClassLoader {
  /** Packages shared with the host: the SPI and the APIs that appear in its signatures. */
  static final List<String> HOST_PACKAGES =
      List.of("dev.venice.spi.", "org.slf4j.", "io.micrometer.");

  static {
    registerAsParallelCapable();
  }

  private final ClassLoader hostLoader;

  PluginClassLoader(String name, List<Path> jars, ClassLoader hostLoader) {
    super(name, toUrls(jars), ClassLoader.getPlatformClassLoader());
    this.hostLoader = hostLoader;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    synchronized (getClassLoadingLock(name)) {
      Class<?> loaded = findLoadedClass(name);
      if (loaded == null) {
        loaded = isHostClass(name) ? hostLoader.loadClass(name) : loadFromJdkOrPlugin(name);
      }
      if (resolve) {
        resolveClass(loaded);
      }
      return loaded;
    }
  }

  private Class<?> loadFromJdkOrPlugin(String name) throws ClassNotFoundException {
    try {
      return getParent().loadClass(name);
    } catch (ClassNotFoundException notJdk) {
      return findClass(name);
    }
  }

  static boolean isHostClass(String name) {
    for (String prefix : HOST_PACKAGES) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static URL[] toUrls(List<Path> jars) {
    return jars.stream().map(jar -> {
      try {
        return jar.toUri().toURL();
      } catch (MalformedURLException e) {
        throw new UncheckedIOException(new IOException("bad plugin jar path " + jar, e));
      }
    }).toArray(URL[]::new);
  }
}
