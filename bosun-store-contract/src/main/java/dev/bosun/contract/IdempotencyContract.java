package dev.bosun.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.idempotency.IdempotencyClaim;
import dev.bosun.idempotency.IdempotencyRecord;
import dev.bosun.idempotency.IdempotencyScope;
import dev.bosun.idempotency.StoredResponse;
import dev.bosun.json.Json;
import dev.bosun.session.SessionFilter;
import dev.bosun.store.NewSession;
import dev.bosun.store.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code idempotency_keys} table (D78): a key is written in the transaction of the request's
 * first effect or not at all, a second use of a taken key rolls its effect back, the response is
 * stored once, and expired keys are purged.
 */
public abstract class IdempotencyContract {
    @TempDir
    protected Path dataDir;

    protected Store store;
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    protected abstract StoreFactory factory();

    @BeforeEach
    void open() {
        store = factory().open(dataDir);
    }

    @AfterEach
    void close() {
        if (store != null) store.close();
    }

    private void createSession(String id) {
        store.createSession(
                new NewSession(
                        id,
                        "default",
                        "n",
                        "agent",
                        List.of(),
                        Json.object(),
                        Optional.empty(),
                        "node-a",
                        t0,
                        Duration.ofMinutes(1),
                        Duration.ofHours(1),
                        10,
                        Duration.ofMinutes(5),
                        Optional.empty(),
                        Optional.empty()),
                100);
    }

    private IdempotencyClaim claim(String tenant, String key, String hash) {
        return new IdempotencyClaim(tenant, "POST /v1/sessions", key, hash, t0, t0.plus(Duration.ofHours(24)));
    }

    private Optional<IdempotencyRecord> find(IdempotencyClaim c) {
        return store.idempotency().find(c.tenant(), c.route(), c.key());
    }

    private long sessions() {
        return store.listSessions(SessionFilter.ALL, Optional.empty(), 100)
                .items()
                .size();
    }

    @Test
    void theKeyIsWrittenWithTheFirstEffectAndNamesItsSession() {
        var c = claim("default", "k1", "h1");
        try (var binding = IdempotencyScope.open(c)) {
            createSession("s1");
            assertThat(binding.isWritten()).isTrue();
            createSession("s2"); // a later write of the same request does not write the key again
        }
        IdempotencyRecord r = find(c).orElseThrow();
        assertThat(r.claim()).isEqualTo(c);
        assertThat(r.sessionId()).contains("s1");
        assertThat(r.response()).as("not answered yet").isEmpty();
    }

    @Test
    void anEffectThatFailsLeavesNoKey() {
        createSession("s1");
        var c = claim("default", "k1", "h1");
        try (var binding = IdempotencyScope.open(c)) {
            assertThatThrownBy(() -> createSession("s1"))
                    .isInstanceOf(BosunException.class)
                    .extracting(e -> ((BosunException) e).code())
                    .isEqualTo(ErrorCode.CONFLICT);
            assertThat(binding.isWritten()).isFalse();
        }
        assertThat(find(c)).isEmpty();
    }

    @Test
    void aSecondRequestWithATakenKeyHasNoEffect() {
        var c = claim("default", "k1", "h1");
        try (var ignored = IdempotencyScope.open(c)) {
            createSession("s1");
        }
        try (var binding = IdempotencyScope.open(c)) {
            assertThatThrownBy(() -> createSession("s2"))
                    .isInstanceOf(BosunException.class)
                    .extracting(e -> ((BosunException) e).code())
                    .isEqualTo(ErrorCode.IDEMPOTENCY_KEY_IN_PROGRESS);
            assertThat(binding.isWritten()).isFalse();
        }
        assertThat(store.getSession("s2")).as("rolled back with the key").isEmpty();
        assertThat(sessions()).isEqualTo(1);
    }

    @Test
    void keysAreScopedByTenantAndRoute() {
        try (var ignored = IdempotencyScope.open(claim("default", "k1", "h1"))) {
            createSession("s1");
        }
        try (var ignored = IdempotencyScope.open(claim("other", "k1", "h1"))) {
            createSession("s2");
        }
        var otherRoute = new IdempotencyClaim("default", "POST /v1/agents", "k1", "h1", t0, t0.plusSeconds(60));
        try (var ignored = IdempotencyScope.open(otherRoute)) {
            createSession("s3");
        }
        assertThat(sessions()).isEqualTo(3);
    }

    @Test
    void theResponseIsStoredOnceAndAlsoWithoutAnEffect() {
        var c = claim("default", "k1", "h1");
        try (var ignored = IdempotencyScope.open(c)) {
            createSession("s1");
        }
        store.idempotency().complete(c, new StoredResponse(201, "{\"id\":\"s1\"}"));
        store.idempotency().complete(c, new StoredResponse(500, "{}"));
        assertThat(find(c).orElseThrow().response()).contains(new StoredResponse(201, "{\"id\":\"s1\"}"));

        var noEffect = claim("default", "k2", "h2");
        store.idempotency().complete(noEffect, new StoredResponse(200, "{\"agent_id\":\"a\"}"));
        IdempotencyRecord r = find(noEffect).orElseThrow();
        assertThat(r.claim().requestHash()).isEqualTo("h2");
        assertThat(r.sessionId()).isEmpty();
        assertThat(r.response()).contains(new StoredResponse(200, "{\"agent_id\":\"a\"}"));
    }

    @Test
    void expiredKeysArePurged() {
        var old = new IdempotencyClaim("default", "POST /v1/sessions", "old", "h", t0, t0.plusSeconds(60));
        var fresh = new IdempotencyClaim("default", "POST /v1/sessions", "fresh", "h", t0, t0.plusSeconds(3600));
        store.idempotency().complete(old, new StoredResponse(201, "{}"));
        store.idempotency().complete(fresh, new StoredResponse(201, "{}"));
        assertThat(store.idempotency().purgeExpired(t0.plusSeconds(60), 10)).isEqualTo(1);
        assertThat(find(old)).isEmpty();
        assertThat(find(fresh)).isPresent();
        assertThat(store.idempotency().purgeExpired(t0.plusSeconds(60), 10)).isZero();
    }
}
