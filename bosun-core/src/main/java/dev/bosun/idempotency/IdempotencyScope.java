package dev.bosun.idempotency;

import java.util.Optional;

/**
 * Binds a request's {@link IdempotencyClaim} to the thread that handles it, so the store writes the key
 * in the same transaction as the request's first effect (D78). A store captures {@link #pending()} on
 * the calling thread when a write is submitted, inserts the key inside that write's transaction, and
 * calls {@link Binding#written} once the transaction committed; later writes of the same request do
 * not insert it again.
 *
 * <pre>{@code
 * try (var binding = IdempotencyScope.open(claim)) {
 *     handler.handle(ctx);               // the store writes the key with the first effect
 *     if (binding.isWritten()) ...       // the request had an effect
 * }
 * }</pre>
 */
public final class IdempotencyScope {
    private static final ThreadLocal<Binding> CURRENT = new ThreadLocal<>();

    private IdempotencyScope() {}

    /** A claim bound to one request's thread, and whether a committed write already carried it. */
    public static final class Binding implements AutoCloseable {
        private final IdempotencyClaim claim;
        private final Binding outer;
        private volatile boolean written;

        private Binding(IdempotencyClaim claim, Binding outer) {
            this.claim = claim;
            this.outer = outer;
        }

        public IdempotencyClaim claim() {
            return claim;
        }

        /** Whether a committed transaction wrote the key (the request had an effect). */
        public boolean isWritten() {
            return written;
        }

        /** Called by the store after the transaction that inserted the key committed. */
        public void written() {
            written = true;
        }

        /** Unbinds the claim from this thread. */
        @Override
        public void close() {
            if (outer == null) CURRENT.remove();
            else CURRENT.set(outer);
        }
    }

    /** Binds {@code claim} to this thread until the returned binding is closed. */
    public static Binding open(IdempotencyClaim claim) {
        var b = new Binding(claim, CURRENT.get());
        CURRENT.set(b);
        return b;
    }

    /** The claim bound to this thread that no committed write carried yet, if any. */
    public static Optional<Binding> pending() {
        Binding b = CURRENT.get();
        return b == null || b.isWritten() ? Optional.empty() : Optional.of(b);
    }
}
