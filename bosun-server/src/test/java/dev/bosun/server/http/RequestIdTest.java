package dev.bosun.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestIdTest {
    @Test
    void aFreshIdIsARandomVersion4Uuid() {
        var seen = new HashSet<String>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestContext.freshId();
            UUID u = UUID.fromString(id);
            assertThat(u.version()).isEqualTo(4);
            assertThat(u.variant()).isEqualTo(2); // IETF
            assertThat(id).hasSize(36).matches(RequestContext.VALID);
            assertThat(seen.add(id)).isTrue();
        }
    }

    @Test
    void aSafeCallerIdIsKeptAndAnUnsafeOneReplaced() {
        assertThat(RequestContext.requestId("trace-42:a.b_c")).isEqualTo("trace-42:a.b_c");
        assertThat(RequestContext.requestId("has space"))
                .isNotEqualTo("has space")
                .hasSize(36);
        assertThat(RequestContext.requestId(null)).hasSize(36);
    }
}
