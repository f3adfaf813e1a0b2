package dev.iotp.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The Kafka Streams twin of iotp's stream-table join benchmark (bench/joins/join-vs-kafka-streams.ts,
 * topology streams/runtime/joins/test-support/enrich-topology.ts): readings ({@code {"value": n}}
 * JSON keyed by device) left-joined with a device table ({@code {"site": ...}} JSON, a compacted
 * topic, in-memory store) into {@code {"value": n, "site": s|null}}; JSON parsed and written with
 * Jackson on both inputs and the output, exactly_once_v2, one stream thread.
 *
 * <pre>
 *   java -cp 'app.jar:lib/*' dev.iotp.peers.JoinApp --bootstrap HOST:PORT --readings TOPIC \
 *     --devices TOPIC --state-dir DIR --pass APP_ID:OUTPUT_TOPIC [--pass ...]
 * </pre>
 *
 * <p>Same protocol as {@link StatsApp}: {@code RUNNING <appId>}, {@code FIRST <appId> <epochMs>} when
 * the first input value (of either topic) is decoded, a line on stdin ends the pass, then
 * {@code CLOSED <appId>}.
 */
public final class JoinApp {
  private JoinApp() {}

  static final ObjectMapper JSON = new ObjectMapper();

  static final class FirstNoting implements Deserializer<JsonNode> {
    private final String appId;
    private final boolean[] first;

    FirstNoting(String appId, boolean[] first) {
      this.appId = appId;
      this.first = first;
    }

    @Override
    public JsonNode deserialize(String topic, byte[] bytes) {
      if (first[0]) {
        first[0] = false;
        StatsApp.say("FIRST " + appId + " " + System.currentTimeMillis());
      }
      if (bytes == null) return null;
      try {
        return JSON.readTree(bytes);
      } catch (IOException e) {
        throw new IllegalArgumentException("not JSON", e);
      }
    }
  }

  static Serde<JsonNode> jsonSerde(String appId, boolean[] first) {
    return Serdes.serdeFrom(
        (Serializer<JsonNode>)
            (topic, v) -> {
              try {
                return v == null ? null : JSON.writeValueAsBytes(v);
              } catch (IOException e) {
                throw new IllegalArgumentException(e);
              }
            },
        new FirstNoting(appId, first));
  }

  static Topology topology(String readings, String devices, String output, String appId) {
    boolean[] first = {true};
    Serde<JsonNode> json = jsonSerde(appId, first);
    StreamsBuilder builder = new StreamsBuilder();
    KTable<String, JsonNode> table =
        builder.table(
            devices,
            Consumed.with(Serdes.String(), json),
            Materialized.<String, JsonNode>as(Stores.inMemoryKeyValueStore("devices"))
                .withKeySerde(Serdes.String())
                .withValueSerde(json));
    builder.stream(readings, Consumed.with(Serdes.String(), json))
        .leftJoin(
            table,
            (r, d) -> {
              ObjectNode out = JSON.createObjectNode();
              out.set("value", r.get("value"));
              JsonNode site = d == null ? null : d.get("site");
              if (site == null) out.putNull("site");
              else out.set("site", site);
              return (JsonNode) out;
            })
        .to(output, Produced.with(Serdes.String(), json));
    return builder.build();
  }

  public static void main(String[] argv) throws Exception {
    List<String> args = Arrays.asList(argv);
    String bootstrap = StatsApp.flag(args, "--bootstrap", null);
    String readings = StatsApp.flag(args, "--readings", null);
    String devices = StatsApp.flag(args, "--devices", null);
    Path stateRoot = Path.of(StatsApp.flag(args, "--state-dir", null));
    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String pass : StatsApp.flags(args, "--pass")) {
      String appId = pass.substring(0, pass.indexOf(':'));
      String output = pass.substring(pass.indexOf(':') + 1);
      Properties p = new Properties();
      p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
      p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
      p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
      p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(stateRoot.resolve(appId)).toString());
      p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
      KafkaStreams streams = new KafkaStreams(topology(readings, devices, output, appId), p);
      CountDownLatch running = new CountDownLatch(1);
      streams.setStateListener(
          (now, before) -> {
            if (now == KafkaStreams.State.RUNNING) running.countDown();
            if (now == KafkaStreams.State.ERROR) StatsApp.say("ERROR " + appId + " the instance went to ERROR");
          });
      streams.setUncaughtExceptionHandler(
          e -> {
            StatsApp.say("ERROR " + appId + " " + e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                .SHUTDOWN_CLIENT;
          });
      streams.start();
      if (running.await(120, TimeUnit.SECONDS)) StatsApp.say("RUNNING " + appId);
      String line = stdin.readLine();
      streams.close(
          CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
              .withTimeout(Duration.ofSeconds(60)));
      streams.cleanUp();
      StatsApp.say("CLOSED " + appId + (line == null ? " stdin-closed" : ""));
      if (line == null) break;
    }
    System.exit(0);
  }
}
