package dev.bosun.server.cli;

import dev.bosun.wire.Page;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The paging options every listing shares (a picocli mixin), and the hint that another page exists. */
final class PageOptions {
    @Option(names = "--limit", paramLabel = "N", description = "At most this many (1..1000; server default 50).")
    Integer limit;

    @Option(
            names = "--after",
            paramLabel = "C",
            description = "Start after this cursor (the next_cursor of the previous page).")
    String after;

    /** The page size to ask for; 0 leaves it to the server. */
    int limit() {
        return limit == null ? 0 : Args.positive("--limit", limit);
    }

    Optional<String> after() {
        return Optional.ofNullable(after);
    }

    /** On stderr, so that the table stays clean for grep and the hint still reaches a person. */
    static void hint(ClientOptions client, String what, Page<?> page) {
        hint(client, what, page.hasMore(), page.nextCursor());
    }

    static void hint(ClientOptions client, String what, boolean hasMore, String nextCursor) {
        if (hasMore) client.err().println("more " + what + ": add --after " + (nextCursor == null ? "?" : nextCursor));
    }
}
