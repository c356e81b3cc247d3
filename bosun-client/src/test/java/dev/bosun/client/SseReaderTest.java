package dev.bosun.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SseReaderTest {

    private static List<SseReader.Message> read(String stream) throws IOException {
        return readAll(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<SseReader.Message> readAll(InputStream in) throws IOException {
        SseReader r = new SseReader(in);
        List<SseReader.Message> out = new ArrayList<>();
        for (Optional<SseReader.Message> m = r.next(); m.isPresent(); m = r.next()) out.add(m.get());
        return out;
    }

    @Test
    void readsTheFrameShownInTheApiDoc() throws IOException {
        var msgs = read("id: 7\nevent: message\ndata: {\"seq\":7,\"direction\":\"out\"}\n\n");
        assertThat(msgs)
                .containsExactly(
                        new SseReader.Message("message", "{\"seq\":7,\"direction\":\"out\"}", Optional.of("7")));
    }

    @Test
    void joinsMultipleDataLinesWithNewlines() throws IOException {
        var msgs = read("data: first\ndata:second\ndata\ndata:  indented\n\n");
        assertThat(msgs).extracting(SseReader.Message::data).containsExactly("first\nsecond\n\n indented");
    }

    @Test
    void skipsCommentsIncludingKeepAlives() throws IOException {
        var msgs = read(": keep-alive\n\n:another\nid: 1\n: in the middle\ndata: x\n\n: keep-alive\n\n");
        assertThat(msgs).containsExactly(new SseReader.Message("message", "x", Optional.of("1")));
    }

    @Test
    void acceptsCrLfAndLoneCrLineEnds() throws IOException {
        var msgs = read("id: 1\r\ndata: a\r\n\r\nid: 2\rdata: b\r\rid: 3\ndata: c\n\n");
        assertThat(msgs).extracting(SseReader.Message::data).containsExactly("a", "b", "c");
        assertThat(msgs).extracting(m -> m.id().orElseThrow()).containsExactly("1", "2", "3");
    }

    @Test
    void crLfSplitAcrossReadsIsOneLineEnd() throws IOException {
        // A CR arriving alone must not be held back waiting to see if LF follows, nor count LF as a blank line.
        byte[] bytes = "data: a\r\n\r\ndata: b\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        InputStream oneByteAtATime = new InputStream() {
            int i;

            @Override
            public int read() {
                return i < bytes.length ? bytes[i++] : -1;
            }
        };
        assertThat(readAll(oneByteAtATime)).extracting(SseReader.Message::data).containsExactly("a", "b");
    }

    @Test
    void fieldsWithoutSpaceAfterColonAndOnlyOneSpaceDropped() throws IOException {
        var msgs = read("id:9\nevent:message\ndata:{\"a\":1}\n\nevent:  spaced\ndata:  two\n\n");
        assertThat(msgs)
                .containsExactly(
                        new SseReader.Message("message", "{\"a\":1}", Optional.of("9")),
                        new SseReader.Message(" spaced", " two", Optional.of("9")));
    }

    @Test
    void eventNameDefaultsToMessageAndIsResetAfterDispatch() throws IOException {
        var msgs = read("event: other\ndata: 1\n\ndata: 2\n\n");
        assertThat(msgs).extracting(SseReader.Message::event).containsExactly("other", "message");
    }

    @Test
    void blockWithoutDataDispatchesNothingButStillMovesTheId() throws IOException {
        var msgs = read("id: 4\n\nevent: message\n\ndata: x\n\n");
        assertThat(msgs).containsExactly(new SseReader.Message("message", "x", Optional.of("4")));
    }

    @Test
    void eventCutOffByTheEndOfTheStreamIsDiscarded() throws IOException {
        assertThat(read("id: 1\ndata: whole\n\nid: 2\ndata: {\"seq\":2"))
                .extracting(SseReader.Message::data)
                .containsExactly("whole");
        assertThat(read("id: 1\ndata: whole\n\nid: 2\ndata: complete line but no blank\n"))
                .hasSize(1);
    }

    @Test
    void ignoresUnknownFieldsRetryAndIdsWithNul() throws IOException {
        var msgs = read("id: 1\nretry: 1000\nfoo: bar\ndata: x\n\nid: 2\u0000\ndata: y\n\n");
        assertThat(msgs)
                .containsExactly(
                        new SseReader.Message("message", "x", Optional.of("1")),
                        new SseReader.Message("message", "y", Optional.of("1")));
    }

    @Test
    void decodesUtf8AndDropsALeadingByteOrderMark() throws IOException {
        var msgs = read("\uFEFFdata: h\u00e9llo \u2603 \uD83D\uDE80\n\n");
        assertThat(msgs).extracting(SseReader.Message::data).containsExactly("h\u00e9llo \u2603 \uD83D\uDE80");
    }
}
