package dev.bosun.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.json.Json;
import dev.bosun.mailbox.Workspace;
import dev.bosun.mailbox.Workspaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InboxWriterTest {
    private static final Instant AT = Instant.parse("2025-03-04T05:06:07.089Z");

    @TempDir
    Path dataDir;

    Workspace ws;

    @BeforeEach
    void setUp() throws IOException {
        ws = Workspaces.create(dataDir, "s1");
    }

    private static Event in(long seq, String type, String payloadJson) throws IOException {
        return new Event("s1", seq, Direction.IN, type, Json.parse(payloadJson), AT);
    }

    private List<String> inboxNames() throws IOException {
        try (Stream<Path> s = Files.list(ws.inbox())) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesOneFileNamedByPaddedSeqWithTheEventAsJson() throws Exception {
        Path file = InboxWriter.write(ws, in(7, "input", "{\"text\":\"hi\",\"n\":[1,2]}"));

        assertThat(file).isEqualTo(ws.inbox().resolve("00000000000000000007.json"));
        assertThat(inboxNames()).containsExactly("00000000000000000007.json");
        JsonNode doc = Json.parse(Files.readString(file));
        assertThat(doc)
                .isEqualTo(Json.parse("{\"seq\":7,\"event_type\":\"input\",\"payload\":{\"text\":\"hi\",\"n\":[1,2]},"
                        + "\"created_at\":\"2025-03-04T05:06:07.089Z\"}"));
    }

    @Test
    void nameOrderIsSeqOrder() throws Exception {
        long[] seqs = {10, 9, 1, 100, 2, 11, 1_000_000_000_000L, Long.MAX_VALUE};
        for (long seq : seqs) InboxWriter.write(ws, in(seq, "input", "null"));

        List<Long> bySortedName = new ArrayList<>();
        for (String name : inboxNames()) {
            bySortedName.add(Json.parse(Files.readString(ws.inbox().resolve(name)))
                    .get("seq")
                    .asLong());
        }
        assertThat(bySortedName).isSorted().hasSize(seqs.length);
        assertThat(InboxWriter.fileName(Long.MAX_VALUE)).hasSize(25);
    }

    @Test
    void anyJsonPayloadIsEmbedded() throws Exception {
        InboxWriter.write(ws, in(1, "input", "[1,\"two\"]"));
        InboxWriter.write(ws, in(2, "input", "\"just a string\""));
        InboxWriter.write(ws, new Event("s1", 3, Direction.IN, "input", null, AT));

        assertThat(Json.parse(Files.readString(ws.inbox().resolve(InboxWriter.fileName(1))))
                        .get("payload")
                        .isArray())
                .isTrue();
        assertThat(Json.parse(Files.readString(ws.inbox().resolve(InboxWriter.fileName(2))))
                        .get("payload")
                        .asText())
                .isEqualTo("just a string");
        assertThat(Json.parse(Files.readString(ws.inbox().resolve(InboxWriter.fileName(3))))
                        .get("payload")
                        .isNull())
                .isTrue();
    }

    @Test
    void rewritingTheSameSeqReplacesWithIdenticalContentAndLeavesNoTmp() throws Exception {
        Event e = in(3, "input", "{\"a\":1}");
        Path first = InboxWriter.write(ws, e);
        byte[] before = Files.readAllBytes(first);
        Files.writeString(ws.inbox().resolve(InboxWriter.fileName(3) + ".tmp"), "stale leftover from a crash");

        InboxWriter.write(ws, e);

        assertThat(Files.readAllBytes(first)).isEqualTo(before);
        assertThat(inboxNames()).containsExactly("00000000000000000003.json");
    }

    @Test
    void doesNotWriteThroughALinkPlantedAtTheTmpName(@TempDir Path outside) throws Exception {
        Path victim = Files.writeString(outside.resolve("victim"), "untouched");
        Files.createSymbolicLink(ws.inbox().resolve(InboxWriter.fileName(1) + ".tmp"), victim);

        InboxWriter.write(ws, in(1, "input", "{}"));

        assertThat(victim).hasContent("untouched");
        assertThat(Files.isSymbolicLink(ws.inbox().resolve(InboxWriter.fileName(1))))
                .isFalse();
    }

    @Test
    void refusesAnInboxThatIsALink(@TempDir Path outside) throws Exception {
        Files.delete(ws.inbox());
        Files.createSymbolicLink(ws.inbox(), outside);

        assertThatThrownBy(() -> InboxWriter.write(ws, in(1, "input", "{}"))).isInstanceOf(IOException.class);
        try (Stream<Path> s = Files.list(outside)) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void onlyInEventsWithAPositiveSeq() {
        assertThatThrownBy(() -> InboxWriter.write(ws, new Event("s1", 1, Direction.OUT, "x", null, AT)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InboxWriter.fileName(0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A reader racing the writer, as a worker does, must only ever see complete files: rewriting one
     * seq many times with a large payload would expose empty or truncated content if the file were
     * written in place.
     */
    @Test
    void aConcurrentReaderNeverSeesAPartialFile() throws Exception {
        String big = "x".repeat(256 * 1024);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            while (writing.get() && failure.get() == null) {
                try (Stream<Path> s = Files.list(ws.inbox())) {
                    for (Path p : s.filter(p -> p.toString().endsWith(".json")).toList()) {
                        String text;
                        try {
                            text = Files.readString(p);
                        } catch (NoSuchFileException gone) {
                            continue;
                        }
                        JsonNode doc = Json.parse(text);
                        if (doc.get("payload").get("big").asText().length() != big.length()) {
                            throw new AssertionError("truncated payload in " + p.getFileName());
                        }
                        reads.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }
        });
        try {
            for (int i = 0; i < 300; i++) {
                InboxWriter.write(ws, in(1 + i % 3, "input", "{\"big\":\"" + big + "\"}"));
            }
        } finally {
            writing.set(false);
            reader.join();
        }
        assertThat(failure.get()).isNull();
        assertThat(reads.get()).isPositive();
    }
}
