package dev.bosun.server.http;

import dev.bosun.SessionManager;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.idempotency.IdempotencyClaim;
import dev.bosun.idempotency.IdempotencyRecord;
import dev.bosun.idempotency.IdempotencyScope;
import dev.bosun.idempotency.IdempotencyStore;
import dev.bosun.idempotency.StoredResponse;
import dev.bosun.wire.WireJson;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code Idempotency-Key} header of the API's POSTs (D78). A request with a key is bound to it
 * while it runs, so the store writes the key in the transaction of the request's first effect; its
 * answer is stored right after. A repeat (same tenant, method and path, key and body) gets the stored
 * answer with {@code Idempotent-Replayed: true} and has no effect; the same key with another body is
 * refused with 422 {@code IDEMPOTENCY_KEY_REUSED}. A request that failed before any effect stores
 * nothing, so its retry runs again.
 */
final class IdempotentPosts {
    static final String HEADER = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";
    static final int MAX_KEY_LENGTH = 255;
    /** POSTs that only record liveness: replaying one would skip the very touch it asks for. */
    private static final Set<String> EXEMPT = Set.of("/v1/sessions/{id}/heartbeat");

    private static final String CREATE_SESSION = "POST /v1/sessions";
    private static final Logger log = LoggerFactory.getLogger(IdempotentPosts.class);

    private final SessionManager manager;
    private final Clock clock;
    private final Duration window;

    IdempotentPosts(SessionManager manager, Clock clock) {
        this.manager = manager;
        this.clock = clock;
        this.window = manager.config().idempotencyWindow();
    }

    /** {@code handler} of the POST route {@code path}, honouring the header; exempt routes as they are. */
    Handler wrap(String path, Handler handler) {
        if (EXEMPT.contains(path)) return handler;
        return ctx -> handle(ctx, handler);
    }

    private IdempotencyStore keys() {
        return manager.store().idempotency();
    }

    private void handle(Context ctx, Handler handler) throws Exception {
        String key = ctx.header(HEADER);
        if (key == null) {
            handler.handle(ctx);
            return;
        }
        validate(key);
        String tenant = Optional.<String>ofNullable(ctx.attribute(Scope.TENANT)).orElse("default");
        String route = "POST " + ctx.path();
        String hash = sha256(ctx.bodyAsBytes());
        Optional<IdempotencyRecord> found = keys().find(tenant, route, key);
        if (found.isPresent()) {
            replay(ctx, found.get(), hash);
            return;
        }
        Instant now = clock.instant();
        var claim = new IdempotencyClaim(tenant, route, key, hash, now, now.plus(window));
        try (var binding = IdempotencyScope.open(claim)) {
            try {
                handler.handle(ctx);
            } catch (BosunException e) {
                // An error after the effect committed is the answer this key gets from now on.
                if (binding.isWritten()) store(claim, ApiErrors.status(e.code()), WireJson.write(ApiErrors.body(e)));
                throw e;
            }
            int status = ctx.statusCode();
            if (binding.isWritten() || status < 300) store(claim, status, ctx.result());
        }
    }

    private void store(IdempotencyClaim claim, int status, String body) {
        try {
            keys().complete(claim, new StoredResponse(status, body == null ? "" : body));
        } catch (BosunException e) {
            // The effect stands; a repeat finds the key without an answer and is told to retry (or, for a
            // session create, is answered from the session itself).
            log.warn("could not store the answer for an idempotency key on {}: {}", claim.route(), e.getMessage());
        }
    }

    private void replay(Context ctx, IdempotencyRecord r, String hash) {
        if (!r.claim().requestHash().equals(hash)) {
            throw new BosunException(
                    ErrorCode.IDEMPOTENCY_KEY_REUSED,
                    "Idempotency-Key '" + r.claim().key()
                            + "' was already used on " + r.claim().route() + " with a different request body; "
                            + "use a new key for a new request",
                    Map.of("field", HEADER));
        }
        StoredResponse answer =
                r.response().or(() -> recovered(r)).orElseThrow(() -> r.claim().inProgress());
        if (answer.status() == 201 && CREATE_SESSION.equals(r.claim().route())) {
            r.sessionId().ifPresent(id -> ctx.header("Location", "/v1/sessions/" + id));
        }
        ctx.header(REPLAYED, "true");
        ctx.status(answer.status()).contentType("application/json").result(answer.body());
    }

    /**
     * The answer to a session create whose own answer was never stored (its node stopped between the
     * commit and the answer): the session as it is now, which the key then keeps.
     */
    private Optional<StoredResponse> recovered(IdempotencyRecord r) {
        if (!CREATE_SESSION.equals(r.claim().route()) || r.sessionId().isEmpty()) return Optional.empty();
        return manager.find(r.sessionId().get()).map(s -> {
            var answer = new StoredResponse(201, WireJson.write(WireMapping.session(s, clock.instant())));
            store(r.claim(), answer.status(), answer.body());
            return answer;
        });
    }

    /** 1 to 255 printable ASCII characters (space to tilde). */
    static void validate(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw BosunException.invalid(
                    HEADER,
                    "header Idempotency-Key has " + key.length() + " characters; allowed 1.." + MAX_KEY_LENGTH
                            + " printable ASCII characters");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw BosunException.invalid(
                        HEADER,
                        "header Idempotency-Key has a character outside printable ASCII at " + "position " + (i + 1)
                                + "; allowed 1.." + MAX_KEY_LENGTH + " printable ASCII characters (space to '~')");
            }
        }
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }
}
