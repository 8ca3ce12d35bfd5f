package dev.venice.runtime.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a Da Vinci client's data directory ({@code <dir>/davinci.lock}, an OS file
 * lock, so it also holds against other processes and is released if the process dies). Without
 * it, a second client on the same directory would take a first one's copies for leftovers of an
 * earlier run and delete them.
 */
final class DataDirectoryLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Creates the directory when missing and locks it.
   *
   * @throws IllegalStateException naming the directory when another client holds it
   * @throws UncheckedIOException when the directory or lock file cannot be created
   */
  static DataDirectoryLock acquire(Path dir) {
    FileChannel channel = null;
    try {
      Files.createDirectories(dir);
      channel = FileChannel.open(dir.resolve("davinci.lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw new OverlappingFileLockException(); // held by another process
      }
      return new DataDirectoryLock(channel, lock);
    } catch (OverlappingFileLockException held) {
      closeQuietly(channel);
      throw new IllegalStateException("the Da Vinci data directory " + dir + " is in use by"
          + " another Da Vinci client (it holds " + dir.resolve("davinci.lock") + "); give each"
          + " client a directory of its own");
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot lock the Da Vinci data directory " + dir + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel releases it too
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing held any more
      }
    }
  }
}
