package dev.bosun.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.json.Json;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules that turn a claimed outbox file into an event: {@link ClaimedFile#read(int)}. */
class OutboxReadTest {
    private static final int MAX = 1024;

    @TempDir
    Path dataDir;

    OutboxClaims claims;
    Workspace ws;

    @BeforeEach
    void setUp() throws IOException {
        ws = Workspaces.create(dataDir, "s1");
        claims = new OutboxClaims(ws);
    }

    /** Writes an outbox file, claims it, reads it and finishes it, as the ingestion loop does. */
    private OutboxItem readFile(String name, byte[] content) throws IOException {
        Files.write(ws.outbox().resolve(name), content);
        ClaimedFile f = claims.claimBatch(1).getFirst();
        assertThat(f.originalName()).isEqualTo(name);
        OutboxItem item = f.read(MAX);
        claims.done(f);
        return item;
    }

    private OutboxItem.Message read(String content) throws IOException {
        return (OutboxItem.Message) readFile("m.json", content.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(String text) throws IOException {
        return Json.parse(text);
    }

    @Test
    void aValidObjectIsThePayloadAndNamesTheType() throws Exception {
        OutboxItem.Message m = read("{\"event_type\":\"result\",\"answer\":42}");

        assertThat(m.eventType()).isEqualTo("result");
        assertThat(m.payload()).isEqualTo(json("{\"event_type\":\"result\",\"answer\":42}"));
    }

    @Test
    void theTypeIsStripped() throws Exception {
        assertThat(read("{\"event_type\":\"  \\t progress \\n\"}").eventType()).isEqualTo("progress");
    }

    @Test
    void theTypeIsCutTo64Characters() throws Exception {
        String seventy = "t".repeat(70);
        assertThat(read("{\"event_type\":\"" + seventy + "\"}").eventType()).isEqualTo("t".repeat(64));
        // counted in characters, never splitting a surrogate pair
        String emoji = "\uD83D\uDE00".repeat(70);
        assertThat(read("{\"event_type\":\"" + emoji + "\"}").eventType()).isEqualTo("\uD83D\uDE00".repeat(64));
    }

    @Test
    void aMissingBlankOrNonStringTypeIsMessage() throws Exception {
        assertThat(read("{\"answer\":42}").eventType()).isEqualTo("message");
        assertThat(read("{\"event_type\":\"\"}").eventType()).isEqualTo("message");
        assertThat(read("{\"event_type\":\"   \"}").eventType()).isEqualTo("message");
        assertThat(read("{\"event_type\":7}").eventType()).isEqualTo("message");
        assertThat(read("{\"event_type\":null}").eventType()).isEqualTo("message");
        assertThat(read("{\"event_type\":{\"x\":1}}").eventType()).isEqualTo("message");
        assertThat(read("{\"event_type\":[\"a\"]}").eventType()).isEqualTo("message");
    }

    @Test
    void nonObjectJsonIsThePayloadAsIs() throws Exception {
        OutboxItem.Message array = read("[1,{\"event_type\":\"ignored\"}]");
        assertThat(array.eventType()).isEqualTo("message");
        assertThat(array.payload()).isEqualTo(json("[1,{\"event_type\":\"ignored\"}]"));

        OutboxItem.Message string = read("\"event_type\"");
        assertThat(string.eventType()).isEqualTo("message");
        assertThat(string.payload().textValue()).isEqualTo("event_type");

        assertThat(read("null").payload().isNull()).isTrue();
    }

    @Test
    void invalidJsonIsKeptRaw() throws Exception {
        OutboxItem.Message m = read("{\"event_type\":\"result\", oops");

        assertThat(m.eventType()).isEqualTo("message");
        assertThat(m.payload())
                .isEqualTo(
                        json(
                                "{\"raw\":\"{\\\"event_type\\\":\\\"result\\\", oops\",\"parse_error\":\"invalid_json\",\"file_name\":\"m.json\"}"));
    }

    @Test
    void trailingGarbageIsInvalidJson() throws Exception {
        assertThat(read("{} {}").payload().get("parse_error").asText()).isEqualTo("invalid_json");
    }

    @Test
    void anEmptyOrBlankFileIsInvalidJsonWithItsText() throws Exception {
        OutboxItem.Message empty = read("");
        assertThat(empty.eventType()).isEqualTo("message");
        assertThat(empty.payload())
                .isEqualTo(json("{\"raw\":\"\",\"parse_error\":\"invalid_json\",\"file_name\":\"m.json\"}"));

        assertThat(read(" \n").payload())
                .isEqualTo(json("{\"raw\":\" \\n\",\"parse_error\":\"invalid_json\",\"file_name\":\"m.json\"}"));
    }

    @Test
    void invalidUtf8IsKeptWithReplacementCharacters() throws Exception {
        byte[] bytes = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        OutboxItem.Message m = (OutboxItem.Message) readFile("bad.json", bytes);

        assertThat(m.eventType()).isEqualTo("message");
        assertThat(m.payload().get("parse_error").asText()).isEqualTo("invalid_utf8");
        assertThat(m.payload().get("raw").asText()).isEqualTo("{\"a\":\"\uFFFD(\"}");
        assertThat(m.payload().get("file_name").asText()).isEqualTo("bad.json");
    }

    @Test
    void aByteOrderMarkIsTolerated() throws Exception {
        OutboxItem.Message m = read("\uFEFF{\"event_type\":\"bom\"}");

        assertThat(m.eventType()).isEqualTo("bom");
        assertThat(m.payload()).isEqualTo(json("{\"event_type\":\"bom\"}"));
    }

    @Test
    void multiByteTextSurvives() throws Exception {
        assertThat(read("{\"text\":\"grüße 😀\"}").payload().get("text").asText())
                .isEqualTo("grüße 😀");
    }

    @Test
    void exactlyMaxBytesIsRead() throws Exception {
        String body = "{\"p\":\"" + "x".repeat(MAX - 8) + "\"}";
        assertThat(body).hasSize(MAX);

        assertThat(readFile("edge.json", body.getBytes(StandardCharsets.UTF_8))).isInstanceOf(OutboxItem.Message.class);
    }

    @Test
    void overMaxBytesIsTooLargeWithoutReadingIt() throws Exception {
        // A sparse 10 GB file: reading it, or even allocating for it, would fail the test.
        Path big = ws.outbox().resolve("big.json");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(10L * 1024 * 1024 * 1024);
        }
        ClaimedFile claimed = claims.claimBatch(1).getFirst();

        assertThat(claimed.read(MAX)).isEqualTo(new OutboxItem.TooLarge(10L * 1024 * 1024 * 1024));
        claims.done(claimed);
        assertThat(readFile("small-over.json", new byte[MAX + 1])).isEqualTo(new OutboxItem.TooLarge(MAX + 1));
    }

    @Test
    void aClaimedLinkIsNotReadThrough(@TempDir Path outside) throws Exception {
        // A link swapped in between listing and claiming ends up claimed; it must not be followed.
        Path secret = Files.writeString(outside.resolve("secret.json"), "{\"secret\":1}");
        Path link = ws.internal().resolve("claimed/01ARZ3NDEKTSV4RRFFQ69G5FAV__x.json");
        Files.createSymbolicLink(link, secret);
        ClaimedFile f = new ClaimedFile("x.json", link.getFileName().toString(), link);

        assertThatThrownBy(() -> f.read(MAX)).isInstanceOf(IOException.class);
    }
}
