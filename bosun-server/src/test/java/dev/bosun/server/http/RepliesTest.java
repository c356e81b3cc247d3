package dev.bosun.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.wire.SeqResponse;
import dev.bosun.wire.WireJson;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written send/emit answer is the record's JSON, byte for byte. */
class RepliesTest {
    @Test
    void seqAnswerIsTheRecordsJson() {
        var rnd = new Random(42);
        long[] fixed = {0, 1, 9, 10, 4_294_967_296L, Long.MAX_VALUE};
        for (long n : fixed) assertSame(n);
        for (int i = 0; i < 1_000; i++) assertSame(rnd.nextLong(Long.MAX_VALUE));
    }

    private static void assertSame(long seq) {
        var answer = new SeqResponse(seq);
        assertThat(Replies.seqJson(answer)).isEqualTo(new String(WireJson.bytes(answer), StandardCharsets.UTF_8));
    }
}
