package dev.iotp.peers;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.Stores;

/**
 * The Kafka Streams twin of iotp's stats topology (streams/test-utils/stats-topology.ts): per device
 * key, 1-minute tumbling windows (grace 5 s) of count/min/max/mean of `temperature`, final results
 * only (suppressed until the window closes), JSON results, one stream thread, in-memory window store,
 * exactly_once_v2.
 *
 * <p>Input values are Avro in the Confluent wire format (magic byte 0, 4-byte schema id, Avro binary);
 * Confluent's serde is not on Maven Central, so the 5-byte header is skipped and the body read with
 * Apache Avro's GenericDatumReader and the schema file (schemas/environment.avsc, the writer schema).
 *
 * <pre>
 *   java -cp 'app.jar:lib/*' dev.iotp.peers.StatsApp run --bootstrap HOST:PORT --input TOPIC \
 *     --schema schemas/environment.avsc --state-dir DIR --pass APP_ID:OUTPUT_TOPIC [--pass ...]
 *   java -cp 'app.jar:lib/*' dev.iotp.peers.StatsApp delete-groups --bootstrap HOST:PORT GROUP...
 * </pre>
 *
 * <p>{@code run} runs the passes one after the other in this JVM (the second pass runs JIT-warm),
 * each with its own application id over the same input. Protocol on stdout/stdin, driven by the
 * harness: {@code RUNNING <appId>} once the instance runs, {@code FIRST <appId> <epochMs>} when the
 * first input value is read; the harness writes a line to stdin when the pass is done (its committed
 * offsets reached the end of the input), then {@code CLOSED <appId>} and the next pass starts.
 */
public final class StatsApp {
  private StatsApp() {}

  /** Running count/min/max/sum; 28 bytes as in iotp's statsSerde (uint32 count, float64 min, max, sum). */
  record Stats(long count, double min, double max, double sum) {
    static final Stats EMPTY = new Stats(0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0);

    Stats add(double v) {
      if (count == 0) return new Stats(1, v, v, v);
      return new Stats(count + 1, Math.min(min, v), Math.max(max, v), sum + v);
    }
  }

  static final Serde<Stats> STATS_SERDE =
      Serdes.serdeFrom(
          (Serializer<Stats>)
              (topic, s) -> {
                ByteBuffer b = ByteBuffer.allocate(28);
                b.putInt((int) s.count()).putDouble(s.min()).putDouble(s.max()).putDouble(s.sum());
                return b.array();
              },
          (Deserializer<Stats>)
              (topic, bytes) -> {
                if (bytes == null || bytes.length != 28)
                  throw new IllegalArgumentException("stats serde: expected 28 bytes");
                ByteBuffer b = ByteBuffer.wrap(bytes);
                return new Stats(Integer.toUnsignedLong(b.getInt()), b.getDouble(), b.getDouble(), b.getDouble());
              });

  /** Confluent wire format -> GenericRecord with the given writer schema; notes the first read. */
  static final class ConfluentAvroDeserializer implements Deserializer<GenericRecord> {
    private final GenericDatumReader<GenericRecord> reader;
    private final String appId;
    private BinaryDecoder decoder;
    private volatile boolean first = true;

    ConfluentAvroDeserializer(Schema schema, String appId) {
      this.reader = new GenericDatumReader<>(schema);
      this.appId = appId;
    }

    @Override
    public GenericRecord deserialize(String topic, byte[] bytes) {
      if (first) {
        first = false;
        say("FIRST " + appId + " " + System.currentTimeMillis());
      }
      if (bytes == null || bytes.length < 5 || bytes[0] != 0)
        throw new IllegalArgumentException("not Confluent wire format");
      decoder = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, decoder);
      try {
        return reader.read(null, decoder);
      } catch (IOException e) {
        throw new IllegalArgumentException("Avro decoding failed", e);
      }
    }
  }

  static String json(String deviceId, long start, long end, Stats s) {
    // deviceIds are [A-Za-z0-9-]: no escaping needed for the bench's keys; quote anything else.
    String id = deviceId.replace("\\", "\\\\").replace("\"", "\\\"");
    return String.format(
        Locale.ROOT,
        "{\"deviceId\":\"%s\",\"windowStart\":%d,\"windowEnd\":%d,\"count\":%d,\"min\":%s,\"max\":%s,\"mean\":%s}",
        id,
        start,
        end,
        s.count(),
        Double.toString(s.min()),
        Double.toString(s.max()),
        Double.toString(s.sum() / s.count()));
  }

  static Topology topology(String input, String output, Schema schema, String appId) {
    StreamsBuilder builder = new StreamsBuilder();
    Duration size = Duration.ofMinutes(1);
    Duration grace = Duration.ofSeconds(5);
    Deserializer<GenericRecord> avro = new ConfluentAvroDeserializer(schema, appId);
    Serde<GenericRecord> values =
        Serdes.serdeFrom(
            (Serializer<GenericRecord>)
                (topic, v) -> {
                  throw new UnsupportedOperationException("the input is read only");
                },
            avro);
    builder.stream(input, Consumed.with(Serdes.String(), values))
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(size, grace))
        .aggregate(
            () -> Stats.EMPTY,
            (key, value, stats) -> {
              Object t = value.get("temperature");
              return stats.add(t == null ? 0 : ((Number) t).doubleValue());
            },
            Materialized.<String, Stats>as(
                    Stores.inMemoryWindowStore("stats", size.plus(grace), size, false))
                .withKeySerde(Serdes.String())
                .withValueSerde(STATS_SERDE))
        .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
        .toStream()
        .map((w, s) -> KeyValue.pair(w.key(), json(w.key(), w.window().start(), w.window().end(), s)))
        .to(output, Produced.with(Serdes.String(), Serdes.String()));
    return builder.build();
  }

  static synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  static String flag(List<String> args, String name, String fallback) {
    int i = args.indexOf(name);
    if (i >= 0 && i + 1 < args.size()) return args.get(i + 1);
    if (fallback == null) throw new IllegalArgumentException("missing " + name);
    return fallback;
  }

  static List<String> flags(List<String> args, String name) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.size() - 1; i++) if (args.get(i).equals(name)) out.add(args.get(i + 1));
    return out;
  }

  static void run(List<String> args) throws Exception {
    String bootstrap = flag(args, "--bootstrap", null);
    String input = flag(args, "--input", null);
    Schema schema = new Schema.Parser().parse(new File(flag(args, "--schema", null)));
    Path stateRoot = Path.of(flag(args, "--state-dir", null));
    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String pass : flags(args, "--pass")) {
      String appId = pass.substring(0, pass.indexOf(':'));
      String output = pass.substring(pass.indexOf(':') + 1);
      Properties p = new Properties();
      p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
      p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
      p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
      p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(stateRoot.resolve(appId)).toString());
      p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
      KafkaStreams streams = new KafkaStreams(topology(input, output, schema, appId), p);
      CountDownLatch running = new CountDownLatch(1);
      streams.setStateListener(
          (now, before) -> {
            if (now == KafkaStreams.State.RUNNING) running.countDown();
            if (now == KafkaStreams.State.ERROR) say("ERROR " + appId + " the instance went to ERROR");
          });
      streams.setUncaughtExceptionHandler(
          e -> {
            say("ERROR " + appId + " " + e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                .SHUTDOWN_CLIENT;
          });
      streams.start();
      if (running.await(120, TimeUnit.SECONDS)) say("RUNNING " + appId);
      String line = stdin.readLine(); // the harness saw the pass done (or gave up)
      // Leave the group (as iotp's close does), so the group can be deleted right after the run.
      streams.close(
          CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
              .withTimeout(Duration.ofSeconds(60)));
      streams.cleanUp();
      say("CLOSED " + appId + (line == null ? " stdin-closed" : ""));
      if (line == null) break;
    }
  }

  static void deleteGroups(List<String> args) throws Exception {
    String bootstrap = flag(args, "--bootstrap", null);
    List<String> groups = new ArrayList<>(args.subList(args.indexOf("--bootstrap") + 2, args.size()));
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      for (String g : groups) {
        // A member that did not leave keeps the group non-empty until its session times out.
        long deadline = System.currentTimeMillis() + 90_000;
        for (; ; ) {
          try {
            admin.deleteConsumerGroups(List.of(g)).all().get(30, TimeUnit.SECONDS);
            say("DELETED " + g);
            break;
          } catch (Exception e) {
            boolean notEmpty = String.valueOf(e.getMessage()).contains("not empty");
            if (!notEmpty || System.currentTimeMillis() > deadline) {
              say("NOT-DELETED " + g + " " + e.getMessage());
              break;
            }
            Thread.sleep(5_000);
          }
        }
      }
    }
  }

  public static void main(String[] argv) throws Exception {
    List<String> args = Arrays.asList(argv);
    if (args.isEmpty()) throw new IllegalArgumentException("usage: run ... | delete-groups ...");
    switch (args.get(0)) {
      case "run" -> run(args.subList(1, args.size()));
      case "delete-groups" -> deleteGroups(args.subList(1, args.size()));
      default -> throw new IllegalArgumentException("unknown command " + args.get(0));
    }
    System.exit(0);
  }
}
