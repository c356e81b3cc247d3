package dev.bosun;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SessionFactsTest {
    private final SessionFacts facts = new SessionFacts();
    private final AtomicInteger reads = new AtomicInteger();

    private Optional<String> store(String id) {
        reads.incrementAndGet();
        return id.startsWith("absent") ? Optional.empty() : Optional.of("tenant-of-" + id);
    }

    @Test
    void aTenantIsReadOnceThenRemembered() {
        assertThat(facts.tenant("s1", this::store)).contains("tenant-of-s1");
        assertThat(facts.tenant("s1", this::store)).contains("tenant-of-s1");
        assertThat(reads).hasValue(1);
    }

    @Test
    void anAbsentSessionIsNotRemembered() {
        assertThat(facts.tenant("absent-1", this::store)).isEmpty();
        assertThat(facts.tenant("absent-1", this::store)).isEmpty();
        assertThat(reads).hasValue(2);
    }

    @Test
    void anEndIsKnownOnceSeen() {
        assertThat(facts.knownEnded("s1")).isFalse();
        facts.ended("s1");
        assertThat(facts.knownEnded("s1")).isTrue();
        assertThat(facts.knownEnded("s2")).isFalse();
    }

    @Test
    void aFullMemoryForgetsAllAtOnceAndStaysBounded() {
        for (int i = 0; i < SessionFacts.REMEMBERED; i++) {
            facts.ended("s" + i);
            facts.tenant("s" + i, this::store);
        }
        assertThat(facts.knownEnded("s0")).isTrue();
        facts.ended("one-more");
        facts.tenant("one-more", this::store);
        assertThat(facts.knownEnded("one-more")).isTrue();
        assertThat(facts.knownEnded("s0")).isFalse(); // forgotten: the store's check finds such an end
        int before = reads.get();
        facts.tenant("s0", this::store);
        assertThat(reads.get()).isEqualTo(before + 1); // read again, not wrong
    }
}
