package dev.venice.plugins.auditlog;

import dev.venice.spi.host.HostServices;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends events to the audit topic with an idempotent producer ({@code acks=all}): an event the
 * future reports sent is durable in Kafka and never duplicated by the producer's retries. Each
 * record carries the event's plain-text headers (UTF-8), so {@code kcat -f '%h %s\n'} shows who
 * tried what without decoding Avro.
 */
final class KafkaEventSink implements EventSink {
  private final String topic;
  private final KafkaProducer<byte[], byte[]> producer;

  KafkaEventSink(Map<String, String> kafka, AuditLogConfig config) {
    this.topic = config.topic();
    Map<String, Object> settings = new HashMap<>(kafka);
    settings.put(ProducerConfig.ACKS_CONFIG, "all");
    settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    settings.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
        (int) config.deliveryTimeout().toMillis());
    settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
        (int) Math.min(30_000, config.deliveryTimeout().toMillis()));
    settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, config.deliveryTimeout().toMillis());
    settings.put(ProducerConfig.CLIENT_ID_CONFIG, "venice-audit-log");
    this.producer = new KafkaProducer<>(settings, new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /**
   * The production {@link EventSink.Factory}: the host's Kafka client settings, the audit topic
   * created if missing, an idempotent producer.
   *
   * @throws IllegalStateException when the host's Kafka settings have no {@code
   *     bootstrap.servers}, or the topic cannot be created
   */
  static EventSink open(AuditLogConfig config, HostServices host)
      throws InterruptedException, TimeoutException {
    Map<String, String> kafka = kafkaSettings(host);
    ensureTopic(kafka, config);
    return new KafkaEventSink(kafka, config);
  }

  /**
   * The host's Kafka client settings, checked: they must name {@code bootstrap.servers}.
   *
   * @throws IllegalStateException naming {@code bootstrap.servers} and the process kind when they
   *     do not (a router has Kafka settings only when {@code kafka.bootstrap.servers} is in its
   *     configuration)
   */
  static Map<String, String> kafkaSettings(HostServices host) {
    Map<String, String> kafka = host.kafkaClientConfig();
    String servers = kafka.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
    if (servers == null || servers.isBlank()) {
      throw new IllegalStateException("the audit log needs a host with Kafka, but this "
          + host.processKind() + "'s Kafka client settings have no bootstrap.servers (give the "
          + host.processKind() + " kafka.bootstrap.servers in its configuration, or do not"
          + " enable plugins.audit-log on it)");
    }
    return kafka;
  }

  /** Creates the audit topic (one partition, so events keep one total order) if it is missing. */
  static void ensureTopic(Map<String, String> kafka, AuditLogConfig config)
      throws InterruptedException, TimeoutException {
    try (Admin admin = Admin.create(new HashMap<>(kafka))) {
      admin.createTopics(List.of(new NewTopic(config.topic(), 1,
          (short) config.replicationFactor()))).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create the audit topic " + config.topic() + ": "
            + e.getCause(), e.getCause());
      }
    }
  }

  @Override
  public CompletableFuture<Void> send(byte[] key, byte[] event, Map<String, String> headers) {
    CompletableFuture<Void> sent = new CompletableFuture<>();
    List<Header> recordHeaders = new ArrayList<>(headers.size());
    headers.forEach((name, value) -> recordHeaders.add(new RecordHeader(name,
        value.getBytes(StandardCharsets.UTF_8))));
    producer.send(new ProducerRecord<>(topic, null, key, event, recordHeaders),
        (metadata, error) -> {
          if (error != null) {
            sent.completeExceptionally(error);
          } else {
            sent.complete(null);
          }
        });
    return sent;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
