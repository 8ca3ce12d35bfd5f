package dev.venice.plugins.deadletterqueue;

import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.plugin.BackgroundTask;
import java.time.Duration;

/**
 * The background task {@code store-scan}: every {@code scan-interval} (and once at start, {@link #firstRun})
 * looks at every store's switch and wants the topic of each store with the dead-letter queue on.
 * Metadata listeners report changes of stores the server already knows; this finds the rest (a
 * store created after the server started, a store switched on before the server read it), so a
 * topic is created within one interval of the switch, before the store's first dead letter.
 * Cheap: the store names and the host's cached metadata. Runs on the plugin's scheduler; a run
 * that cannot read the metadata throws and the host runs it again after the interval.
 */
final class DeadLetterQueueTask implements BackgroundTask {
  private final StoreMetadataService metadata;
  private final DeadLetterSwitch stores;
  private final TopicProvisioner topics;
  private final Duration interval;

  DeadLetterQueueTask(StoreMetadataService metadata, DeadLetterSwitch stores,
      TopicProvisioner topics, Duration interval) {
    this.metadata = metadata;
    this.stores = stores;
    this.topics = topics;
    this.interval = interval;
  }

  @Override
  public String name() {
    return "store-scan";
  }

  @Override
  public Duration interval() {
    return interval;
  }

  /** The run at start, on the scheduler: a failure is left to the next periodic run. */
  void firstRun() {
    try {
      run();
    } catch (RuntimeException metadataAway) {
      // the host runs the task again after the interval
    }
  }

  @Override
  public void run() {
    for (String name : metadata.storeNames()) {
      metadata.store(name).filter(stores::on).map(StoreInfo::name).ifPresent(topics::want);
    }
  }

}
